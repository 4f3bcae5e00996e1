//! The decision block every report opens with, in one shape: a verdict to
//! read aloud, then the options with their cost in the centre's currency,
//! their effect and the day each must be decided by. The review
//! (`review::decision`) and the capacity plan
//! (`supply::capacity::decision`) fill it; the pages and every
//! `decision.csv` print it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::money::Money;
use crate::io::table::{Column, CsvRow};

/// One option a decision weighs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionOption {
    /// Its name: `the cheapest fix`, a what-if's name, a class to hire.
    pub option: String,
    /// What it does, lever by lever.
    pub levers: Vec<String>,
    /// Its cost over the period (what it adds), in the decision's currency.
    pub cost: f64,
    /// Intervals missing a target with it (the review's fix), if simulated
    /// so.
    pub misses_after: Option<usize>,
    /// Its effect in words.
    pub effect: String,
    /// The last day to decide it.
    pub decide_by: Date,
}

/// One row of a `decision.csv`
/// (`option,levers,cost,currency,effect,misses_after,decide_by`): an
/// option with its cost and currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRow {
    /// The option.
    pub option: DecisionOption,
    /// The currency code.
    pub currency: String,
}

impl CsvRow for DecisionRow {
    const COLUMNS: &'static [Column<Self>] = &[
        ("option", |r| r.option.option.clone()),
        ("levers", |r| r.option.levers.join("; ")),
        ("cost", |r| format!("{:.2}", r.option.cost)),
        ("currency", |r| r.currency.clone()),
        ("effect", |r| r.option.effect.clone()),
        ("misses_after", |r| {
            r.option
                .misses_after
                .map_or(String::new(), |n| n.to_string())
        }),
        ("decide_by", |r| r.option.decide_by.to_string()),
    ];
}

/// `options` as rows of a `decision.csv`, priced in `money`.
pub fn rows(options: &[DecisionOption], money: &Money) -> Vec<DecisionRow> {
    options
        .iter()
        .map(|option| DecisionRow {
            option: option.clone(),
            currency: money.code.clone(),
        })
        .collect()
}

/// The day `days` before `d` (`d` itself if that is before the earliest
/// representable day).
pub fn days_before(d: Date, days: u32) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(d)
}
