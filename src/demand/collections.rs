//! Collections: the outbound workload of the repayment cycle.
//!
//! A `[[collections]]` book in the scenario turns loans falling due into
//! outbound work per interval: the loans due on each due date, the
//! **delinquency curve** (share of them still overdue `k` days past due,
//! linearly interpolated between its points, held at its last value
//! after it), **tiers** by amount (their shares of the overdue loans sum to
//! 1), and each tier's **treatment** by days past due:
//!
//! - `robot`: automated calls or pushes, no agents (counted, not staffed);
//! - `message`: one message per overdue account per day, deferred work for
//!   agents (`handle_s` each), written as channel `<name>_message`;
//! - `call`: up to `attempts_per_day` outbound calls per overdue account,
//!   none once the account is reached (expected attempts
//!   `(1 − (1 − reach)^k) / reach`, [`crate::models::dialer::expected_attempts`]),
//!   written as channel `<name>_call` with the agent time of one attempt
//!   in a preview dialer: `aht_s = dial_s + reach × talk_s + wrap_s`.
//!
//! The work of a day is spread evenly over the intervals of the contact
//! window (default 08:00–22:00: no collection contact at night, NIFA 2024
//! guideline), so nothing is planned outside it.
//!
//! ```text
//! overdue(d)  = Σ_D loans_due(D) · delinquency(d − D)      over due dates D ≤ d
//! work(d, t)  = Σ_tier overdue(d) · share · per-account work of the treatment for day d − D
//! ```

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::demand::forecast::ForecastRow;

/// The most days past due a book may treat (ten years): each day of a
/// forecast looks back this far for due dates.
pub const MAX_DAYS_PAST_DUE: u32 = 3660;

/// One collections book (`[[collections]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collections {
    /// Name; the outbound channels are `<name>_call` and `<name>_message`.
    pub name: String,
    /// Days of the month loans fall due (with `loans_due`).
    #[serde(default)]
    pub due_days: Vec<u32>,
    /// Loans falling due on each of `due_days`.
    #[serde(default)]
    pub loans_due: f64,
    /// Repayment products, each with its own due days and loans due
    /// (`[[collections.product]]`), added to `due_days`/`loans_due`.
    #[serde(default)]
    pub product: Vec<Product>,
    /// A daily series of loans falling due: a CSV `date,loans_due`
    /// (relative to the scenario file), added to the above.
    #[serde(default)]
    pub loans_due_csv: Option<String>,
    /// The series read from `loans_due_csv` (by [`crate::demand::scenario::Scenario::from_path`]).
    #[serde(skip)]
    pub due_series: std::collections::BTreeMap<Date, f64>,
    /// `[days past due, share still overdue]` points, days increasing,
    /// shares not rising.
    pub delinquency: Vec<(u32, f64)>,
    /// Tiers by amount.
    pub tier: Vec<Tier>,
    /// Start of the contact window, `HH:MM`.
    #[serde(default = "window_start")]
    pub window_start: String,
    /// End of the contact window, `HH:MM` (exclusive).
    #[serde(default = "window_end")]
    pub window_end: String,
}

fn window_start() -> String {
    "08:00".into()
}
fn window_end() -> String {
    "22:00".into()
}

/// A repayment product of a collections book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Name (e.g. `cash_loan`, `installments`).
    pub name: String,
    /// Days of the month its loans fall due.
    pub due_days: Vec<u32>,
    /// Loans falling due on each of its due days.
    pub loans_due: f64,
}

/// Reads a daily series of loans due: a CSV `date,loans_due` (loans
/// falling due that day, ≥ 0; each date once). Errors name the file, the
/// line and the column.
pub fn read_due_series<R: std::io::Read>(
    rdr: R,
    source: &str,
) -> Result<std::collections::BTreeMap<Date, f64>, InputError> {
    use crate::core::textio::{csv_reader, each_record, read_header};
    let mut rdr = csv_reader(rdr);
    let (headers, idx, _) = read_header(&mut rdr, source, &["date", "loans_due"], &[])?;
    let mut out = std::collections::BTreeMap::new();
    let mut lines: std::collections::BTreeMap<Date, u64> = Default::default();
    each_record(&mut rdr, source, &headers, |cell| {
        let date = cell.date(idx[0].unwrap_or(0))?;
        let n = cell.number(
            idx[1].unwrap_or(1),
            0.0,
            "loans due that day, a number >= 0",
        )?;
        if n > 1e9 {
            return Err(cell.err(idx[1].unwrap_or(1), "loans due that day, at most 1e9"));
        }
        if let Some(first) = lines.insert(date, cell.line) {
            return Err(InputError::at(
                source,
                cell.line,
                format!("{date} is listed twice (first on line {first})"),
            ));
        }
        out.insert(date, n);
        Ok(())
    })?;
    Ok(out)
}

/// A tier of overdue loans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Name (e.g. `small`, `large`).
    pub name: String,
    /// Share of the overdue loans in this tier.
    pub share: f64,
    /// Mean outstanding balance of an overdue account in this tier, in the
    /// centre's currency (yuan by default): what an account left unreached
    /// puts at risk ([`crate::review::risk`]). Unset, the review counts the
    /// accounts but prices nothing.
    #[serde(default)]
    pub balance: Option<f64>,
    /// What is done to them, by days past due.
    pub treatment: Vec<Treatment>,
}

/// A treatment over a range of days past due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// First day past due it applies to.
    pub from_day: u32,
    /// Last day past due, inclusive.
    pub to_day: u32,
    /// `robot`, `message` or `call`.
    pub kind: TreatmentKind,
    /// Calls per account per day at most (`call`: none once reached;
    /// `robot`: every one).
    #[serde(default = "one")]
    pub attempts_per_day: f64,
    /// Share of attempts that reach someone (`call`).
    #[serde(default = "half")]
    pub reach: f64,
    /// Dialling or preview time per attempt, seconds (`call`).
    #[serde(default = "twenty")]
    pub dial_s: f64,
    /// Talk time of a reached call, seconds (`call`).
    #[serde(default = "one_eighty")]
    pub talk_s: f64,
    /// Wrap-up time per attempt, seconds (`call`).
    #[serde(default = "thirty")]
    pub wrap_s: f64,
    /// Handle time of a message, seconds (`message`).
    #[serde(default = "one_twenty")]
    pub handle_s: f64,
}

fn one() -> f64 {
    1.0
}
fn half() -> f64 {
    0.5
}
fn twenty() -> f64 {
    20.0
}
fn thirty() -> f64 {
    30.0
}
fn one_eighty() -> f64 {
    180.0
}
fn one_twenty() -> f64 {
    120.0
}

/// How a tier is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentKind {
    /// Automated calls or pushes: no agents.
    Robot,
    /// Messages by agents: deferred work.
    Message,
    /// Outbound calls by agents.
    Call,
}

impl Collections {
    /// Checks the book; errors name `[[collections]] #i` and the key.
    pub fn check(&self, source: &str, i: usize) -> Result<(), InputError> {
        let key = |k: &str| format!("[[collections]] #{} {k}", i + 1);
        let bad = |k: &str, m: String| Err(InputError::at_key(source, key(k), m));
        if !(self.loans_due.is_finite() && self.loans_due >= 0.0 && self.loans_due <= 1e9) {
            return bad(
                "loans_due",
                format!("expected loans from 0 to 1e9, got {}", self.loans_due),
            );
        }
        if let Some(d) = self.due_days.iter().find(|d| !(1..=31).contains(*d)) {
            return bad(
                "due_days",
                format!("expected days of the month 1-31, got {d}"),
            );
        }
        for p in &self.product {
            let k = format!("product {}", p.name);
            if !(p.loans_due.is_finite() && p.loans_due >= 0.0 && p.loans_due <= 1e9) {
                return bad(
                    &k,
                    format!(
                        "loans_due: expected loans from 0 to 1e9, got {}",
                        p.loans_due
                    ),
                );
            }
            if p.due_days.is_empty() {
                return bad(&k, "due_days: expected days of the month 1-31".into());
            }
            if let Some(d) = p.due_days.iter().find(|d| !(1..=31).contains(*d)) {
                return bad(
                    &k,
                    format!("due_days: expected days of the month 1-31, got {d}"),
                );
            }
        }
        if self.due_days.is_empty() && self.product.is_empty() && self.loans_due_csv.is_none() {
            return bad(
                "due_days",
                "expected the loans falling due: due_days with loans_due, [[collections.product]] tables, or loans_due_csv".into(),
            );
        }
        if self.delinquency.is_empty() {
            return bad(
                "delinquency",
                "expected [days past due, share] points".into(),
            );
        }
        if let Some((day, _)) = self
            .delinquency
            .iter()
            .find(|(d, _)| *d > MAX_DAYS_PAST_DUE)
        {
            return bad(
                "delinquency",
                format!("expected days past due up to {MAX_DAYS_PAST_DUE}, got {day}"),
            );
        }
        for (j, (day, share)) in self.delinquency.iter().enumerate() {
            if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                return bad(
                    "delinquency",
                    format!("day {day}: expected a share in [0, 1], got {share}"),
                );
            }
            if j > 0 {
                let (pd, ps) = self.delinquency[j - 1];
                if *day <= pd {
                    return bad(
                        "delinquency",
                        format!("days must increase: {pd} then {day}"),
                    );
                }
                if *share > ps + 1e-12 {
                    return bad(
                        "delinquency",
                        format!("the curve rises from day {pd} ({ps}) to day {day} ({share}): repaid loans do not fall overdue again"),
                    );
                }
            }
        }
        let total: f64 = self.tier.iter().map(|t| t.share).sum();
        if self.tier.is_empty() || (total - 1.0).abs() > 1e-6 {
            return bad(
                "tier",
                format!("expected tier shares that sum to 1, got {total}"),
            );
        }
        for t in &self.tier {
            if !(t.share.is_finite() && t.share >= 0.0) {
                return bad(
                    "tier",
                    format!("{}: expected a share >= 0, got {}", t.name, t.share),
                );
            }
            if let Some(b) = t.balance {
                if !(b.is_finite() && (0.0..=1e9).contains(&b)) {
                    return bad(
                        &format!("tier {} balance", t.name),
                        format!("expected a mean balance per account from 0 to 1e9, got {b}"),
                    );
                }
            }
            for tr in &t.treatment {
                let k = format!("tier {} treatment", t.name);
                if tr.to_day > MAX_DAYS_PAST_DUE {
                    return bad(
                        &k,
                        format!(
                            "to_day: expected days past due up to {MAX_DAYS_PAST_DUE}, got {}",
                            tr.to_day
                        ),
                    );
                }
                if tr.to_day < tr.from_day {
                    return bad(
                        &k,
                        format!("to_day {} is before from_day {}", tr.to_day, tr.from_day),
                    );
                }
                if !(tr.reach.is_finite() && (0.0..=1.0).contains(&tr.reach)) {
                    return bad(
                        &k,
                        format!("expected a reach rate in [0, 1], got {}", tr.reach),
                    );
                }
                for (what, x) in [
                    ("attempts_per_day", tr.attempts_per_day),
                    ("dial_s", tr.dial_s),
                    ("talk_s", tr.talk_s),
                    ("wrap_s", tr.wrap_s),
                    ("handle_s", tr.handle_s),
                ] {
                    if !(x.is_finite() && (0.0..=1e5).contains(&x)) {
                        return bad(&k, format!("{what}: expected 0 to 1e5, got {x}"));
                    }
                }
            }
        }
        let (a, b) = self.window(source, i)?;
        if b <= a {
            return bad(
                "window_end",
                format!(
                    "the contact window closes ({}) before it opens ({})",
                    self.window_end, self.window_start
                ),
            );
        }
        Ok(())
    }

    /// The contact window, minutes from midnight.
    fn window(&self, source: &str, i: usize) -> Result<(u32, u32), InputError> {
        let t = |k: &str, s: &str| {
            crate::supply::team::standing::parse_hm(s).ok_or_else(|| {
                InputError::at_key(
                    source,
                    format!("[[collections]] #{} {k}", i + 1),
                    format!("expected a time HH:MM, got {s:?}"),
                )
            })
        };
        Ok((
            t("window_start", &self.window_start)?,
            t("window_end", &self.window_end)?,
        ))
    }

    /// Loans falling due on `d`: `loans_due` if its day of the month is one
    /// of `due_days`, plus each product's likewise, plus the daily series.
    pub fn loans_due_on(&self, d: Date) -> f64 {
        let day = d.day() as u32;
        let top = if self.due_days.contains(&day) {
            self.loans_due
        } else {
            0.0
        };
        top + self
            .product
            .iter()
            .filter(|p| p.due_days.contains(&day))
            .map(|p| p.loans_due)
            .sum::<f64>()
            + self.due_series.get(&d).copied().unwrap_or(0.0)
    }

    /// The share still overdue `k` days past due: linear between the
    /// curve's points, 1 before its first point (day 0: due), its last
    /// value after its last point.
    pub fn overdue_share(&self, k: u32) -> f64 {
        let pts = &self.delinquency;
        let Some(&(d0, s0)) = pts.first() else {
            return 0.0;
        };
        if k <= d0 {
            // From 1 on the due date to the first point.
            if d0 == 0 {
                return s0;
            }
            return 1.0 + (s0 - 1.0) * f64::from(k) / f64::from(d0);
        }
        for w in pts.windows(2) {
            let ((a, sa), (b, sb)) = (w[0], w[1]);
            if k <= b {
                return sa + (sb - sa) * f64::from(k - a) / f64::from(b - a);
            }
        }
        pts.last().map_or(0.0, |p| p.1)
    }
}

impl Collections {
    /// The mean outstanding balance of an account on the call list of
    /// `date` (channel `<name>_call`): the tiers' `balance` weighted by the
    /// accounts each tier's `call` treatment puts on that day's list
    /// (loans due `k` days before × overdue share at `k` × tier share).
    /// `None` when the list is empty or a tier on it has no `balance`.
    ///
    /// ```
    /// # let text = r#"
    /// # name = "cash"
    /// # due_days = [10]
    /// # loans_due = 1000
    /// # delinquency = [[1, 0.1], [30, 0.1]]
    /// # [[tier]]
    /// # name = "small"
    /// # share = 0.5
    /// # balance = 1000
    /// # treatment = [{ from_day = 1, to_day = 30, kind = "call" }]
    /// # [[tier]]
    /// # name = "large"
    /// # share = 0.5
    /// # balance = 3000
    /// # treatment = [{ from_day = 1, to_day = 30, kind = "call" }]
    /// # "#;
    /// let book: wfm::demand::collections::Collections = toml::from_str(text).unwrap();
    /// let d = jiff::civil::date(2026, 3, 12);
    /// // Both tiers are called in equal numbers: the mean balance is 2,000.
    /// assert!((book.call_balance(d).unwrap() - 2000.0).abs() < 1e-9);
    /// ```
    pub fn call_balance(&self, date: Date) -> Option<f64> {
        let (mut accounts, mut money) = (0.0, 0.0);
        let max_day = self
            .tier
            .iter()
            .flat_map(|t| t.treatment.iter().map(|x| x.to_day))
            .max()
            .unwrap_or(0);
        for k in 0..=max_day {
            let Ok(due) = date.checked_sub(jiff::Span::new().days(i64::from(k))) else {
                continue;
            };
            let overdue = self.loans_due_on(due) * self.overdue_share(k);
            if overdue <= 0.0 {
                continue;
            }
            for t in &self.tier {
                if !t
                    .treatment
                    .iter()
                    .any(|x| x.kind == TreatmentKind::Call && x.from_day <= k && k <= x.to_day)
                {
                    continue;
                }
                let n = overdue * t.share;
                accounts += n;
                money += n * t.balance?;
            }
        }
        (accounts > 0.0).then(|| money / accounts)
    }
}

/// The outbound workload of every book from `from` to `to`: forecast rows
/// of the channels `<name>_call` (attempts, preview agent time per attempt)
/// and `<name>_message` (messages, handle time), inside each book's
/// contact window only; the robot's attempts are not agent work and are
/// left out.
pub fn outbound_rows(
    books: &[Collections],
    from: Date,
    to: Date,
    interval_min: u32,
    source: &str,
) -> Result<Vec<ForecastRow>, InputError> {
    let mut out = Vec::new();
    for (i, b) in books.iter().enumerate() {
        b.check(source, i)?;
        let (ws, we) = b.window(source, i)?;
        let slots: Vec<u32> = (0..1440 / interval_min)
            .map(|k| k * interval_min)
            .filter(|m| *m >= ws && *m + interval_min <= we)
            .collect();
        if slots.is_empty() {
            return Err(InputError::at_key(
                source,
                format!("[[collections]] #{} window_start", i + 1),
                format!(
                    "the contact window {}–{} holds no whole {interval_min}-minute interval",
                    b.window_start, b.window_end
                ),
            ));
        }
        let max_day = b
            .tier
            .iter()
            .flat_map(|t| t.treatment.iter().map(|x| x.to_day))
            .max()
            .unwrap_or(0);
        let mut d = from;
        while d <= to {
            // (calls, agent seconds of calls, messages, message seconds)
            let (mut calls, mut call_s, mut msgs, mut msg_s) = (0.0, 0.0, 0.0, 0.0);
            for k in 0..=max_day {
                let Ok(due) = d.checked_sub(jiff::Span::new().days(i64::from(k))) else {
                    continue;
                };
                let due_n = b.loans_due_on(due);
                if due_n <= 0.0 {
                    continue;
                }
                let overdue = due_n * b.overdue_share(k);
                for t in &b.tier {
                    for tr in t
                        .treatment
                        .iter()
                        .filter(|x| x.from_day <= k && k <= x.to_day)
                    {
                        let accounts = overdue * t.share;
                        match tr.kind {
                            TreatmentKind::Robot => {}
                            TreatmentKind::Message => {
                                msgs += accounts;
                                msg_s += accounts * tr.handle_s;
                            }
                            TreatmentKind::Call => {
                                let n = accounts
                                    * crate::models::dialer::expected_attempts(
                                        tr.attempts_per_day,
                                        tr.reach,
                                    );
                                calls += n;
                                call_s += n * (tr.dial_s + tr.reach * tr.talk_s + tr.wrap_s);
                            }
                        }
                    }
                }
            }
            let per = slots.len() as f64;
            for &m in &slots {
                let time = Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).expect("minute of day");
                for (suffix, n, secs) in [("call", calls, call_s), ("message", msgs, msg_s)] {
                    if n > 0.0 {
                        out.push(ForecastRow {
                            date: d,
                            time,
                            channel: format!("{}_{suffix}", b.name),
                            volume: n / per,
                            aht_s: secs / n,
                            patience_s: None,
                            line: 0,
                        });
                    }
                }
            }
            d = match d.tomorrow() {
                Ok(n) => n,
                Err(_) => break,
            };
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
