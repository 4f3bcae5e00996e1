//! The capacity plan's decision, computed once: what stays short and why,
//! the classes to approve with their cost and the day each must be
//! approved by (its start less the hiring lead time). The plan's page and
//! its `decision.csv` print this one value.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CapacityPlan, Hiring};
use crate::core::decision::{days_before, DecisionOption, DecisionRow};
use crate::core::money::Money;

/// The decision of a capacity plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityDecision {
    /// The money the costs are in.
    pub money: Money,
    /// The verdict, a sentence to read aloud.
    pub verdict: String,
    /// The proposed classes, earliest first.
    pub options: Vec<DecisionOption>,
    /// FTE-weeks short over the horizon, every group.
    pub short_fte_weeks: f64,
    /// Of them, those before `first_class_week`: no class approved on the
    /// plan's first day can work then.
    pub short_before_first_class: f64,
    /// The first week a class approved on the plan's first day can work
    /// (its lead time and training from the first week), if in the horizon.
    pub first_class_week: Option<Date>,
}

impl CapacityDecision {
    /// The options as rows of `decision.csv`
    /// (`option,levers,cost,currency,effect,misses_after,decide_by`).
    pub fn rows(&self) -> Vec<DecisionRow> {
        crate::core::decision::rows(&self.options, &self.money)
    }
}

/// The cost approving a class commits before its graduates work: each
/// hire's cost and the class's paid training weeks.
pub fn class_commitment(h: &Hiring, size: u32) -> f64 {
    f64::from(size) * (h.cost_per_hire + f64::from(h.training_weeks) * h.weekly_cost_per_agent)
}

/// The decision of plan `p` made with hiring pipeline `h`, priced in
/// `money`. A proposed class is an option decided `7 × lead_weeks` days
/// before it starts; the verdict says how many FTE-weeks stay short, how
/// many of them no new class can reach (before the first week a class
/// approved now can work), and why the optimizer leaves the rest (the
/// price of an FTE-week short against the class rules).
pub fn decide(p: &CapacityPlan, h: &Hiring, money: &Money) -> CapacityDecision {
    let first_class_week = p
        .weeks
        .get((h.lead_weeks + h.training_weeks) as usize)
        .copied();
    let mut options: Vec<DecisionOption> = p
        .classes
        .iter()
        .filter(|c| !c.decided)
        .map(|c| DecisionOption {
            option: format!("hire {} for {}", c.size, c.group),
            levers: vec![format!(
                "a class of {} starting {}: {} graduate and work from {}",
                c.size, c.start, c.graduates, c.first_productive_week
            )],
            cost: class_commitment(h, c.size),
            misses_after: None,
            effect: format!(
                "+{} {} agents from {}",
                c.graduates, c.group, c.first_productive_week
            ),
            decide_by: days_before(c.start, 7 * h.lead_weeks),
        })
        .collect();
    options.sort_by(|a, b| a.decide_by.cmp(&b.decide_by).then(a.option.cmp(&b.option)));
    let totals = super::group_totals(p);
    let short_fte_weeks: f64 = totals.values().map(|t| t.1).sum();
    let short_before_first_class: f64 = p
        .rows
        .iter()
        .filter(|r| first_class_week.is_none_or(|w| r.week_start < w))
        .map(|r| (-r.week.gap_fte).max(0.0))
        .sum();
    let span = match (p.weeks.first(), p.weeks.last()) {
        (Some(a), Some(b)) => format!(
            "Over the {} weeks from {a} to the week of {b}",
            p.weeks.len()
        ),
        _ => "Over the horizon".to_string(),
    };
    let cost = format!(
        "The plan costs {} (salaries and hires).",
        money.format(p.cost)
    );
    let ask = options.first().map_or(String::new(), |o| {
        format!(
            " Approve the first class ({}, {}) by {}.",
            o.option, o.levers[0], o.decide_by
        )
    });
    let verdict = if short_fte_weeks <= 0.05 {
        format!("{span} the plan covers every group's requirement.{ask} {cost}")
    } else {
        let groups = totals
            .iter()
            .filter(|(_, t)| t.1 > 0.05)
            .map(|(g, t)| {
                format!(
                    "{g} {:.1} FTE-weeks (worst {:.1} FTE, week of {})",
                    t.1, -t.2, t.3
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let rest = short_fte_weeks - short_before_first_class;
        let before = match first_class_week {
            Some(w) if short_before_first_class > 0.05 => format!(
                " {short_before_first_class:.1} of the {short_fte_weeks:.1} FTE-weeks fall before {w}, the first week a class approved today can work ({} weeks' lead, {} of training).",
                h.lead_weeks, h.training_weeks
            ),
            None => format!(
                " The horizon ends before a class approved today could work ({} weeks' lead and {} of training).",
                h.lead_weeks, h.training_weeks
            ),
            _ => String::new(),
        };
        let why = if rest <= 0.05 {
            String::new()
        } else {
            match &p.optimizer {
                Some(o) => format!(
                    " The optimizer leaves the other {rest:.1} short: within the class rules (classes of {} to {}, at most {} in training at once) covering them costs more than the {} an FTE-week short is priced at.",
                    h.class_min,
                    h.class_max,
                    h.max_classes_in_training,
                    money.format(o.short_penalty),
                ),
                None => format!(
                    " {rest:.1} FTE-weeks short are after it: plan with the hiring optimizer (--optimize-hiring) for the classes that would cover them."
                ),
            }
        };
        format!("{span} the plan leaves {groups} short.{before}{why}{ask} {cost}")
    };
    CapacityDecision {
        money: money.clone(),
        verdict,
        options,
        short_fte_weeks,
        short_before_first_class,
        first_class_week,
    }
}
