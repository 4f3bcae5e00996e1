//! The money an outbound collections campaign leaves at risk, and what
//! calling the accounts it left unreached again would cost.
//!
//! # Money at risk
//! An account the simulated day leaves unreached (never talked to by the
//! right party: its attempts all unanswered, or its list not worked before
//! the contact window closed) carries its outstanding balance. The balance
//! of the day's unreached accounts is their number ×
//! [`Collections::call_balance`] (the tiers' `balance` in the collections
//! book, weighted by the accounts each tier puts on that day's list).
//!
//! # Calling them again
//! Each unreached account may be called up to the day's legal limit of
//! unanswered attempts (`max_unanswered_per_day`, 6 by NIFA 2024) less
//! the attempts its campaign plans (`attempts_per_day`), and not again once
//! reached. With reach `r` and `m` more attempts, an account takes
//! [`expected_attempts`]`(m, r)` more attempts and is reached with
//! probability `1 − (1 − r)^m`. The agent time is
//! [`Campaign::agent_s_per_attempt`] per attempt, paid over the channel's
//! shrinkage, at the hourly price of the cheapest shift type that serves
//! the channel on that date (10:00–11:00, its premiums applied). This is an
//! estimate from the campaign's call model, not a simulation: an account
//! not called at all that day (its list not worked) would also need its
//! planned attempts, so it is a lower bound on the cost of working every
//! list.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::demand::collections::Collections;
use crate::models::channels::ChannelBook;
use crate::models::dialer::{expected_attempts, Campaign};
use crate::optimize::shifts::ShiftRules;
use crate::sim::CampaignDay;

/// One campaign day's accounts left unreached, the balance they carry,
/// and what calling them again would take (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountsAtRisk {
    /// Date.
    pub date: Date,
    /// The outbound channel (`<book>_call`).
    pub channel: String,
    /// Accounts on the day's list not reached (mean over replications).
    pub unreached: f64,
    /// Mean outstanding balance of an account on the day's list, in the
    /// review's currency (`None`: the book gives no `balance`).
    pub balance_per_account: Option<f64>,
    /// Outstanding balance of the accounts unreached, in the review's
    /// currency (`unreached × balance_per_account`; 0 without a balance).
    pub balance_unreached: f64,
    /// More attempts a day each unreached account may take within the
    /// legal limit.
    pub more_attempts_each: u32,
    /// Expected attempts to call them again.
    pub extra_attempts: f64,
    /// Paid agent-hours those attempts take (over shrinkage).
    pub extra_paid_hours: f64,
    /// Their cost, in the review's currency.
    pub extra_cost: f64,
    /// Accounts expected to be reached by them.
    pub extra_reached: f64,
    /// The balance of those accounts, in the review's currency.
    pub balance_extra_reached: f64,
}

/// The price of one agent-hour on `channel` on `date`: the cheapest shift
/// type that may serve it, 10:00–11:00 (premiums applied). `None` when no
/// shift type serves it.
pub fn hour_price(rules: &ShiftRules, channel: &str, date: Date) -> Option<f64> {
    rules
        .shift
        .iter()
        .filter(|s| {
            s.channels
                .as_ref()
                .is_none_or(|c| c.iter().any(|x| x == channel))
        })
        .filter_map(|s| rules.cost_of(&s.name, date, 600, 660))
        .min_by(f64::total_cmp)
}

/// The accounts at risk of every campaign day in `days`: balances from the
/// collections `books` whose `<name>_call` channel the day is on, call
/// models and shrinkage from `book`, prices from `rules` (no rules: the
/// cost is 0). Days of channels that are not a campaign of `book` are
/// left out.
pub fn accounts_at_risk(
    days: &[CampaignDay],
    books: &[Collections],
    book: &ChannelBook,
    rules: Option<&ShiftRules>,
) -> Vec<AccountsAtRisk> {
    days.iter()
        .filter_map(|k| {
            let ch = book.resolve(&k.channel).ok()?;
            let camp: Campaign = ch.outbound?;
            let unreached = k.day.unreached();
            let balance = books
                .iter()
                .find(|b| format!("{}_call", b.name) == k.channel)
                .and_then(|b| b.call_balance(k.day.date));
            let more = camp
                .max_unanswered_per_day
                .saturating_sub(camp.attempts_per_day);
            let attempts = unreached * expected_attempts(f64::from(more), camp.reach);
            let reached = unreached * (1.0 - (1.0 - camp.reach).powf(f64::from(more)));
            let paid_h = attempts * camp.agent_s_per_attempt() / 3600.0 / (1.0 - ch.shrinkage);
            let price = rules
                .and_then(|r| hour_price(r, &k.channel, k.day.date))
                .unwrap_or(0.0);
            let b = balance.unwrap_or(0.0);
            Some(AccountsAtRisk {
                date: k.day.date,
                channel: k.channel.clone(),
                unreached,
                balance_per_account: balance,
                balance_unreached: unreached * b,
                more_attempts_each: more,
                extra_attempts: attempts,
                extra_paid_hours: paid_h,
                extra_cost: paid_h * price,
                extra_reached: reached,
                balance_extra_reached: reached * b,
            })
        })
        .collect()
}

/// The per-campaign-day CSV (`accounts_at_risk.csv`; money in the
/// review's currency).
impl crate::io::table::CsvRow for AccountsAtRisk {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("channel", |r| r.channel.clone()),
        ("accounts_unreached", |r| {
            crate::core::textio::fmt_cell(r.unreached, 2)
        }),
        ("balance_per_account", |r| {
            r.balance_per_account
                .map(|b| crate::core::textio::fmt_cell(b, 2))
                .unwrap_or_default()
        }),
        ("balance_unreached", |r| {
            crate::core::textio::fmt_cell(r.balance_unreached, 2)
        }),
        ("more_attempts_each", |r| r.more_attempts_each.to_string()),
        ("extra_attempts", |r| {
            crate::core::textio::fmt_cell(r.extra_attempts, 2)
        }),
        ("extra_paid_hours", |r| {
            crate::core::textio::fmt_cell(r.extra_paid_hours, 2)
        }),
        ("extra_cost", |r| {
            crate::core::textio::fmt_cell(r.extra_cost, 2)
        }),
        ("extra_reached", |r| {
            crate::core::textio::fmt_cell(r.extra_reached, 2)
        }),
        ("balance_extra_reached", |r| {
            crate::core::textio::fmt_cell(r.balance_extra_reached, 2)
        }),
    ];
}

/// The campaigns of `rows`, each once, in the order they first appear.
pub fn campaigns(rows: &[AccountsAtRisk]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for x in rows {
        if !out.contains(&x.channel.as_str()) {
            out.push(&x.channel);
        }
    }
    out
}

/// The totals of `rows` of one channel over the review ([`RiskTotal`]).
pub fn totals(rows: &[AccountsAtRisk], channel: &str) -> RiskTotal {
    rows.iter()
        .filter(|r| r.channel == channel)
        .fold(RiskTotal::default(), |t, r| RiskTotal {
            unreached: t.unreached + r.unreached,
            balance_unreached: t.balance_unreached + r.balance_unreached,
            priced: t.priced || r.balance_per_account.is_some(),
            extra_cost: t.extra_cost + r.extra_cost,
            extra_paid_hours: t.extra_paid_hours + r.extra_paid_hours,
            extra_reached: t.extra_reached + r.extra_reached,
            balance_extra_reached: t.balance_extra_reached + r.balance_extra_reached,
            more_attempts_each: t.more_attempts_each.max(r.more_attempts_each),
            first: match t.first {
                Some(d) if d <= r.date => Some(d),
                _ => Some(r.date),
            },
        })
}

impl RiskTotal {
    /// Whether calling the unreached again is an option: it reaches at
    /// least one account.
    pub fn extra_attempts_worth_it(&self) -> bool {
        self.extra_reached >= 0.5
    }
}

/// A campaign's accounts at risk over the review ([`totals`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskTotal {
    /// Accounts unreached.
    pub unreached: f64,
    /// Their outstanding balance.
    pub balance_unreached: f64,
    /// Whether the book gives balances.
    pub priced: bool,
    /// The cost of calling them again.
    pub extra_cost: f64,
    /// The paid agent-hours of calling them again.
    pub extra_paid_hours: f64,
    /// Accounts those calls would reach.
    pub extra_reached: f64,
    /// The balance of those accounts.
    pub balance_extra_reached: f64,
    /// More attempts a day each unreached account may take.
    pub more_attempts_each: u32,
    /// The first day of the campaign.
    pub first: Option<Date>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::CampaignDayResult;

    #[test]
    fn closed_form_of_calling_again() {
        let book = ChannelBook::new(
            crate::models::channels::ChannelsFile::parse(
            "[channel.cash_call]\nshrinkage = 0.2\n[channel.cash_call.outbound]\nmode = \"progressive\"\nreach = 0.5\ndial_s = 20\ntalk_s = 240\nwrap_s = 30\n",
            "channels.toml",
        )
        .unwrap(),
            "channels.toml",
            Default::default(),
        );
        let day = CampaignDay {
            channel: "cash_call".into(),
            day: CampaignDayResult {
                date: jiff::civil::date(2026, 3, 12),
                attempts: 0.0,
                connects: 0.0,
                right_party: 0.0,
                accounts_reached: 60.0,
                accounts: 100.0,
                dropped: 0.0,
            },
        };
        let rows = accounts_at_risk(&[day], &[], &book, None);
        let r = &rows[0];
        // 40 unreached, 6 − 2 = 4 more attempts at 50%:
        // attempts 40 × (1 − 0.5^4)/0.5 = 75, reached 40 × (1 − 0.5^4) = 37.5.
        assert_eq!(r.more_attempts_each, 4);
        assert!((r.extra_attempts - 75.0).abs() < 1e-9);
        assert!((r.extra_reached - 37.5).abs() < 1e-9);
        // progressive: 20 + 0.5 × 240 + 30 = 170 s per attempt, over 80%.
        assert!((r.extra_paid_hours - 75.0 * 170.0 / 3600.0 / 0.8).abs() < 1e-9);
        assert_eq!(r.balance_per_account, None);
        assert_eq!(r.balance_unreached, 0.0);
        assert_eq!(r.extra_cost, 0.0);
    }
}
