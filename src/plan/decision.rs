//! The plan's decision, computed once: what adopting the roster costs
//! (with each group's cost factor, the same figure as the headline and
//! `rounds.csv`), what the simulation says of it, the alternative of
//! planning each channel on its own (plans by groups), and the day the
//! roster must be published by. The plan's page and its `decision.csv`
//! print this one value.

use serde::{Deserialize, Serialize};

use super::{GroupPlan, PlanResult};
use crate::core::decision::{days_before, DecisionOption, DecisionRow};
use crate::core::money::Money;

/// The decision of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDecision {
    /// The money the costs are in.
    pub money: Money,
    /// The verdict, a sentence to read aloud.
    pub verdict: String,
    /// The options: adopt the roster; plan each channel on its own.
    pub options: Vec<DecisionOption>,
}

impl PlanDecision {
    /// The options as rows of `decision.csv`
    /// (`option,levers,cost,currency,effect,misses_after,decide_by`).
    pub fn rows(&self) -> Vec<DecisionRow> {
        crate::core::decision::rows(&self.options, &self.money)
    }
}

fn shifts(p: &PlanResult) -> u32 {
    p.roster
        .channels
        .iter()
        .map(|c| c.shifts.iter().map(|s| s.1).sum::<u32>())
        .sum()
}

fn misses(p: &PlanResult) -> usize {
    p.rounds.last().map_or(0, |r| r.misses)
}

/// The decision of plan `p` (and, planned by groups, `groups` beside each
/// channel on its own), priced in `money`, the roster published
/// `notice_days` before its first day.
pub fn decide(
    p: &PlanResult,
    groups: Option<&GroupPlan>,
    money: &Money,
    notice_days: u32,
) -> PlanDecision {
    let s = p.roster.summary();
    let first = p.forecast.rows.iter().map(|r| r.date).min();
    let last = p.forecast.rows.iter().map(|r| r.date).max();
    let decide_by = days_before(first.unwrap_or(p.roster.grid.first()), notice_days);
    let m = misses(p);
    let worst = p
        .rounds
        .last()
        .and_then(|r| r.worst.as_ref())
        .map_or(String::new(), |w| {
            format!(
                "; the worst, {} on {} at {}, is simulated at {:.1}%",
                w.channel,
                w.date,
                crate::core::textio::format_time(w.time),
                100.0 * w.service_level
            )
        });
    // The lowest interval below its target that the status rule does not
    // count (too few contacts to be confidently below it) is said so, so
    // the page never shows a low number without its reason.
    let below = p
        .rounds
        .last()
        .and_then(|r| r.worst.as_ref())
        .filter(|w| !w.misses && w.service_level < w.target)
        .map_or(String::new(), |w| {
            format!(
                " Its lowest interval, {} on {} at {}, is simulated at {:.1}% ± {:.1}% on {:.1} contacts against {:.0}%: not confidently below the target, so not a miss (the one status rule: the upper limit, mean + {} × the 95% half-width, below the target).",
                w.channel,
                w.date,
                crate::core::textio::format_time(w.time),
                100.0 * w.service_level,
                100.0 * w.service_level_ci95,
                w.offered,
                100.0 * w.target,
                crate::sim::MISS_CI_FACTOR
            )
        });
    let service = if m == 0 {
        format!("Simulated, every interval meets its targets.{below}")
    } else {
        format!("Simulated, {m} interval(s) miss a target{worst}.")
    };
    let by = if groups.is_some() { " by groups" } else { "" };
    let mut options = vec![DecisionOption {
        option: format!("adopt the roster{by}"),
        levers: vec![format!(
            "{} shifts, {:.0} paid hours ({:.1} FTE)",
            shifts(p),
            s.paid_hours,
            s.fte
        )],
        cost: p.cost(),
        misses_after: Some(m),
        effect: format!("{m} interval(s) missing a target"),
        decide_by,
    }];
    let mut compare = String::new();
    if let Some(gp) = groups {
        let single = &gp.single;
        let ms = misses(single);
        options.push(DecisionOption {
            option: "plan each channel on its own".to_string(),
            levers: vec![format!(
                "{} shifts, one group per channel, no cross-trained agents",
                shifts(single)
            )],
            cost: single.cost(),
            misses_after: Some(ms),
            effect: format!("{ms} interval(s) missing a target"),
            decide_by,
        });
        compare = format!(
            " Planning each channel on its own would cost {}: by groups saves {:.1}%.",
            money.format(single.cost()),
            100.0 * gp.saving()
        );
    }
    let span = match (first, last) {
        (Some(a), Some(b)) => format!("From {a} to {b}"),
        _ => "Over the plan".to_string(),
    };
    let verdict = format!(
        "{span} the roster{by} of {} shifts ({:.0} paid hours) costs {}. {service}{compare} Publish it by {decide_by}.",
        shifts(p),
        s.paid_hours,
        money.format(p.cost()),
    );
    PlanDecision {
        money: money.clone(),
        verdict,
        options,
    }
}
