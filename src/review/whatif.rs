//! What-ifs: variants of the capacity review, each a set of levers on top of
//! the base, compared with **common random numbers**.
//!
//! ```toml
//! [[variant]]
//! name = "overtime + bot"
//! overtime = [{ group = "phone", from = "2026-02-24", to = "2026-02-26", hours_per_agent = 2 }]
//! containment = { chat = 0.65 }                 # the bot solves more chats
//! borrow = [{ from = "chat", to = "phone", agents = 10, dates = ["2026-02-24"] }]
//! temporary = [{ group = "email", from = "2026-02-24", to = "2026-02-28", agents = 8, shift = "middle" }]
//! callbacks = { phone = { threshold_s = 120, share = 0.5 } }
//! ```
//!
//! Every variant is simulated from the base's seed. The simulator draws each
//! channel's arrivals from its own stream and each customer's patience,
//! handle time and choices from generators keyed by the customer (see
//! `sim`'s engine), so base and variant see the same customers. The
//! difference of a metric is then measured replication by replication,
//! `d_r = variant_r − base_r`, and its 95% confidence interval is Student's
//! on the `d_r` ([`Comparison::paired`]): much narrower than the interval of
//! two independent runs ([`Comparison::unpaired_ci95`], Welch's
//! `t·√(s_v²/R + s_b²/R)`), which is reported beside it. A variant with no
//! levers gives a difference of exactly zero.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::core::textio::parse_date;
use crate::models::channels::ChannelBook;
use crate::optimize::shifts::ShiftRules;
use crate::review::{Adjustments, BorrowLever, CapacityReview};
use crate::sim::{t975, Estimate};
use crate::supply::team::{OvertimeLever, Team, TemporaryLever};

/// A what-if file as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIfFile {
    /// The variants.
    #[serde(default)]
    pub variant: Vec<VariantSpec>,
}

/// One variant as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// Name, shown in the report.
    pub name: String,
    /// Overtime per agent on some days.
    #[serde(default)]
    pub overtime: Vec<OvertimeSpec>,
    /// Bot containment by channel (share solved by the bot).
    #[serde(default)]
    pub containment: BTreeMap<String, f64>,
    /// Agents borrowed between channels.
    #[serde(default)]
    pub borrow: Vec<BorrowSpec>,
    /// Temporary agents on a shift type.
    #[serde(default)]
    pub temporary: Vec<TemporarySpec>,
    /// Callbacks (virtual hold) by channel.
    #[serde(default)]
    pub callbacks: BTreeMap<String, CallbackSpec>,
}

/// `overtime = [{ group, from, to, hours_per_agent }]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OvertimeSpec {
    /// Group of the team.
    pub group: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Hours each rostered agent adds per day (capped by the group's `max_overtime_h_day`).
    pub hours_per_agent: f64,
}

/// `borrow = [{ from, to, agents, dates }]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BorrowSpec {
    /// Lending channel.
    pub from: String,
    /// Borrowing channel.
    pub to: String,
    /// Agents.
    pub agents: u32,
    /// Days.
    pub dates: Vec<String>,
}

/// `temporary = [{ group, from, to, agents, shift }]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporarySpec {
    /// Group of the team.
    pub group: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Agents a day.
    pub agents: u32,
    /// Shift type of the rules.
    pub shift: String,
}

/// `callbacks = { CHANNEL = { threshold_s, share } }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackSpec {
    /// Offer a callback when the expected wait exceeds this, seconds.
    pub threshold_s: f64,
    /// Share of the callers offered one who take it.
    pub share: f64,
}

/// A variant ready to run: its channel settings and supply levers.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Name.
    pub name: String,
    /// The channel settings with the variant's containment and callbacks.
    pub book: ChannelBook,
    /// The supply levers.
    pub adjust: Adjustments,
    /// Every lever in words (`5 temporary agents of phone on peak, 02-16 to
    /// 02-22`), for the report and the decision table.
    pub levers: Vec<String>,
}

impl Variant {
    /// The first day a lever that must be arranged ahead (overtime,
    /// temporaries, borrowed agents) acts, if any.
    pub fn first_staffed_day(&self) -> Option<jiff::civil::Date> {
        let a = &self.adjust;
        a.levers
            .overtime
            .iter()
            .map(|o| o.from)
            .chain(a.levers.temporary.iter().map(|t| t.from))
            .chain(a.borrow.iter().flat_map(|b| b.dates.iter().copied()))
            .min()
    }
}

/// Reads and checks a what-if file against the team, the channels and the
/// shift rules: every group, channel, shift and date must exist.
pub fn load(
    path: &Path,
    team: Option<&Team>,
    book: &ChannelBook,
    channels: &[&str],
    rules: Option<&ShiftRules>,
    window: Option<(jiff::civil::Date, jiff::civil::Date)>,
) -> Result<Vec<Variant>, InputError> {
    let source = path.display().to_string();
    let text = crate::core::textio::read_text(path)?;
    let file: WhatIfFile =
        toml::from_str(&text).map_err(|e| InputError::from_toml(&source, &text, &e))?;
    build(&file, &source, team, book, channels, rules, window)
}

/// Checks a what-if file already parsed; see [`load`]. Dates outside
/// `window` (the review's first and last day) are errors.
pub fn build(
    file: &WhatIfFile,
    source: &str,
    team: Option<&Team>,
    book: &ChannelBook,
    channels: &[&str],
    rules: Option<&ShiftRules>,
    window: Option<(jiff::civil::Date, jiff::civil::Date)>,
) -> Result<Vec<Variant>, InputError> {
    let mut out = Vec::new();
    for (vi, v) in file.variant.iter().enumerate() {
        let key = |k: &str| format!("[[variant]] {} ({}) {k}", vi + 1, v.name);
        let bad = |k: &str, m: String| InputError::at_key(source, key(k), m);
        let date = |k: &str, s: &str| {
            let d = parse_date(s).ok_or_else(|| {
                bad(
                    k,
                    format!("expected a date YYYY-MM-DD from 1900 to 2199, got {s:?}"),
                )
            })?;
            match window {
                Some((a, b)) if d < a || d > b => {
                    Err(bad(k, format!("{d} is outside the review, {a} to {b}")))
                }
                _ => Ok(d),
            }
        };
        let channel = |k: &str, c: &str| -> Result<(), InputError> {
            if channels.contains(&c) {
                Ok(())
            } else {
                Err(bad(
                    k,
                    format!(
                        "unknown channel {c:?}; the channels are {}",
                        channels.join(", ")
                    ),
                ))
            }
        };
        let group = |k: &str, g: &str| -> Result<(), InputError> {
            match team {
                Some(t) if t.groups.contains_key(g) => Ok(()),
                Some(t) => Err(bad(
                    k,
                    format!(
                        "unknown group {g:?}; the team's groups are {}",
                        t.groups.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
                None => Err(bad(k, "needs a team (Request.team)".into())),
            }
        };
        if v.name.trim().is_empty() {
            return Err(bad("name", "expected a name".into()));
        }
        let mut adjust = Adjustments::default();
        for o in &v.overtime {
            group("overtime group", &o.group)?;
            if !(o.hours_per_agent.is_finite() && (0.0..=12.0).contains(&o.hours_per_agent)) {
                return Err(bad(
                    "overtime hours_per_agent",
                    format!("expected 0 to 12 hours, got {}", o.hours_per_agent),
                ));
            }
            adjust.levers.overtime.push(OvertimeLever {
                group: o.group.clone(),
                from: date("overtime from", &o.from)?,
                to: date("overtime to", &o.to)?,
                minutes: (o.hours_per_agent * 60.0).round() as u32,
            });
        }
        for t in &v.temporary {
            group("temporary group", &t.group)?;
            let shift = rules
                .and_then(|r| TemporaryLever::shift_from_rules(r, &t.shift))
                .ok_or_else(|| {
                    bad(
                        "temporary shift",
                        format!("no shift type {:?} in the shift rules", t.shift),
                    )
                })?;
            adjust.levers.temporary.push(TemporaryLever {
                group: t.group.clone(),
                from: date("temporary from", &t.from)?,
                to: date("temporary to", &t.to)?,
                agents: t.agents,
                shift,
            });
        }
        for b in &v.borrow {
            channel("borrow from", &b.from)?;
            channel("borrow to", &b.to)?;
            let dates = b
                .dates
                .iter()
                .map(|d| date("borrow dates", d))
                .collect::<Result<Vec<_>, _>>()?;
            adjust.borrow.push(BorrowLever {
                from: b.from.clone(),
                to: b.to.clone(),
                agents: b.agents,
                dates,
            });
        }
        let mut file = book.file.clone();
        for (c, share) in &v.containment {
            channel("containment", c)?;
            if !(share.is_finite() && (0.0..1.0).contains(share)) {
                return Err(bad(
                    "containment",
                    format!("{c}: expected a share in [0, 1), got {share}"),
                ));
            }
            file.channel.entry(c.clone()).or_default().containment = Some(*share);
        }
        for (c, cb) in &v.callbacks {
            channel("callbacks", c)?;
            if !(cb.threshold_s.is_finite()
                && cb.threshold_s >= 0.0
                && cb.threshold_s <= 86_400.0
                && (0.0..=1.0).contains(&cb.share))
            {
                return Err(bad(
                    "callbacks",
                    format!("{c}: expected threshold_s from 0 to 86400 and share in [0, 1]"),
                ));
            }
            let s = file.channel.entry(c.clone()).or_default();
            s.callback_threshold_s = Some(cb.threshold_s);
            s.callback_share = Some(cb.share);
        }
        let mut levers = Vec::new();
        for o in &adjust.levers.overtime {
            levers.push(format!(
                "overtime {} h a day for every {} agent, {} to {}",
                o.minutes as f64 / 60.0,
                o.group,
                o.from,
                o.to
            ));
        }
        for t in &adjust.levers.temporary {
            levers.push(format!(
                "{} temporary {} agent(s) on {}, {} to {}",
                t.agents, t.group, t.shift.shift, t.from, t.to
            ));
        }
        for b in &adjust.borrow {
            levers.push(format!(
                "{} {} agent(s) serve {} on {} day(s)",
                b.agents,
                b.from,
                b.to,
                b.dates.len()
            ));
        }
        for (c, share) in &v.containment {
            levers.push(format!("the bot solves {:.0}% of {c}", share * 100.0));
        }
        for (c, cb) in &v.callbacks {
            levers.push(format!(
                "{c}: callbacks offered after {} s, {:.0}% accept",
                cb.threshold_s,
                cb.share * 100.0
            ));
        }
        out.push(Variant {
            name: v.name.clone(),
            book: ChannelBook::new(file, &book.source, book.defaults.clone()),
            adjust,
            levers,
        });
    }
    Ok(out)
}

/// A variant's difference from the base for one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Variant.
    pub variant: String,
    /// Channel.
    pub channel: String,
    /// The variant's service level.
    pub service_level: Estimate,
    /// The variant's abandonment.
    pub abandon_rate: Estimate,
    /// Service level minus the base's, with the paired 95% half-width.
    pub paired: Estimate,
    /// The same difference's half-width if the runs were independent.
    pub unpaired_ci95: f64,
    /// Abandonment minus the base's, paired.
    pub abandon_paired: Estimate,
    /// Agent-hours short over the review.
    pub short_h: f64,
    /// The team's cost over the review, and the difference from the base.
    pub cost: f64,
    /// `cost − base cost`.
    pub cost_delta: f64,
}

/// Paired and unpaired differences of `v` against `b` (per replication).
fn diff(v: &[f64], b: &[f64]) -> (Estimate, f64) {
    let d: Vec<f64> = v
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| x - y)
        .collect();
    let paired = Estimate::from_values(&d);
    let var = |x: &[f64]| {
        let x: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
        let n = x.len() as f64;
        if n < 2.0 {
            return (f64::NAN, n);
        }
        let m = x.iter().sum::<f64>() / n;
        (
            x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0),
            n,
        )
    };
    let ((sv, nv), (sb, nb)) = (var(v), var(b));
    let se = (sv / nv + sb / nb).sqrt();
    let df = (nv.min(nb) - 1.0).max(1.0) as usize;
    (paired, t975(df) * se)
}

/// Compares a variant's review with the base's, channel by channel.
pub fn compare(name: &str, base: &CapacityReview, v: &CapacityReview) -> Vec<Comparison> {
    let cost = |r: &CapacityReview| r.supply.iter().map(|d| d.cost).sum::<f64>();
    let (cb, cv) = (cost(base), cost(v));
    let mut out = Vec::new();
    for c in &v.channels {
        let Some(b) = base.channels.iter().find(|x| x.channel == c.channel) else {
            continue;
        };
        let col = |s: &[[f64; 2]], k: usize| s.iter().map(|x| x[k]).collect::<Vec<f64>>();
        let (paired, unpaired) = diff(&col(&c.by_replication, 0), &col(&b.by_replication, 0));
        let (abandon_paired, _) = diff(&col(&c.by_replication, 1), &col(&b.by_replication, 1));
        out.push(Comparison {
            variant: name.to_string(),
            channel: c.channel.clone(),
            service_level: c.service_level,
            abandon_rate: c.abandon_rate,
            paired,
            unpaired_ci95: unpaired,
            abandon_paired,
            short_h: c.short_h,
            cost: cv,
            cost_delta: cv - cb,
        });
    }
    out
}

/// Writes the variants CSV: `variant,channel,service_level,service_level_ci95,
/// sl_change,sl_change_ci95_paired,sl_change_ci95_unpaired,abandon_rate,
/// abandon_change,abandon_change_ci95_paired,short_h,cost,cost_change`.
impl crate::io::table::CsvRow for Comparison {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("variant", |r| r.variant.clone()),
        ("channel", |r| r.channel.clone()),
        ("service_level", |r| {
            crate::core::textio::fmt_cell(r.service_level.mean, 4)
        }),
        ("service_level_ci95", |r| {
            crate::core::textio::fmt_cell(r.service_level.ci95, 4)
        }),
        ("sl_change", |r| {
            crate::core::textio::fmt_cell(r.paired.mean, 4)
        }),
        ("sl_change_ci95_paired", |r| {
            crate::core::textio::fmt_cell(r.paired.ci95, 4)
        }),
        ("sl_change_ci95_unpaired", |r| {
            crate::core::textio::fmt_cell(r.unpaired_ci95, 4)
        }),
        ("abandon_rate", |r| {
            crate::core::textio::fmt_cell(r.abandon_rate.mean, 4)
        }),
        ("abandon_change", |r| {
            crate::core::textio::fmt_cell(r.abandon_paired.mean, 4)
        }),
        ("abandon_change_ci95_paired", |r| {
            crate::core::textio::fmt_cell(r.abandon_paired.ci95, 4)
        }),
        ("short_h", |r| crate::core::textio::fmt_cell(r.short_h, 1)),
        ("cost", |r| crate::core::textio::fmt_cell(r.cost, 2)),
        ("cost_change", |r| {
            crate::core::textio::fmt_cell(r.cost_delta, 2)
        }),
    ];
}

/// Writes the table (columns: [`Comparison`]'s `CsvRow`).
pub fn write_comparisons<W: std::io::Write>(w: W, rows: &[Comparison]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

/// The cheapest fix of a review's shortfall: temporary shifts of the rules'
/// types, solved by the shift optimizer against the agents still missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The shifts added, per channel, with the solver's status and bound.
    pub roster: crate::optimize::schedule::Roster,
    /// Their cost with holiday pay.
    pub cost: f64,
    /// The agents they add per interval and channel.
    pub staffing: crate::models::requirement::StaffingTable,
    /// Agent-intervals of the residual requirement the rules cannot cover
    /// (opening hours, shift types that cannot reach those hours).
    pub uncovered: u64,
}

/// Solves for the cheapest set of extra shifts that covers what `base` is
/// short of: in every interval the agents short of the requirement, plus
/// one where the simulation still misses a target with no shortfall. The
/// shift rules give the shift types, breaks and premiums (priced with
/// `calendar` unless the rules name their own); their minimums and weekly
/// days-off rule do not apply to temporary shifts.
pub fn recommend(
    base: &CapacityReview,
    rules: &ShiftRules,
    rules_source: &str,
    calendar: &crate::core::calendar::Calendar,
    opts: &crate::optimize::schedule::ScheduleOptions,
) -> Result<Fix, crate::optimize::schedule::ScheduleError> {
    use crate::core::grid::IntervalGrid;
    use crate::models::requirement::Requirement;
    let grid = IntervalGrid::covering(base.interval_min, base.from, base.to)
        .map_err(|e| InputError::file(rules_source, e.to_string()))?;
    let mut need: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in &base.intervals {
        let Some(i) = grid.index(r.date, r.time) else {
            continue;
        };
        let extra = r.short + u32::from(r.misses_target && r.short == 0);
        need.entry(r.channel.clone())
            .or_insert_with(|| vec![0; grid.len()])[i] += extra;
    }
    let req =
        Requirement::new(grid, need).map_err(|e| InputError::file(rules_source, e.to_string()))?;
    let mut rules = rules.clone();
    rules.weekly = None;
    for s in &mut rules.shift {
        s.min_agents = None;
    }
    if rules.calendar.is_none() {
        rules.calendar_data = calendar.clone();
    }
    // A purchase for the period starts in it: a night shift of the evening
    // before is the team's (its standing roster), never bought.
    let opts = crate::optimize::schedule::ScheduleOptions {
        start_in_period: true,
        ..*opts
    };
    let roster = crate::optimize::schedule::schedule(&req, &rules, &opts, rules_source)?;
    let s = roster.summary();
    Ok(Fix {
        cost: s.cost,
        staffing: roster.staffing(),
        uncovered: u64::from(s.shortfall),
        roster,
    })
}
