//! The named roster's decision, computed once: what publishing it commits
//! (shifts, agents, paid hours against contracts, cost in the centre's
//! currency), who is outside the contract's tolerance, the leave granted,
//! and the day it must be published by (its first day less the centre's
//! `roster_notice_days`). The roster's page and its `decision.csv` print
//! this one value.

use serde::{Deserialize, Serialize};

use super::{Agent, LabourRules, RosterPlan};
use crate::core::decision::{days_before, DecisionOption, DecisionRow};
use crate::core::money::Money;

/// The decision of a named roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterDecision {
    /// The money the costs are in.
    pub money: Money,
    /// The verdict, a sentence to read aloud.
    pub verdict: String,
    /// The option: publish the roster.
    pub options: Vec<DecisionOption>,
    /// Paid hours over the roster, every agent.
    pub paid_h: f64,
    /// Working hours over the roster (paid less meal breaks), every agent:
    /// what the contracts count.
    #[serde(default)]
    pub work_h: f64,
    /// Contracted hours over the roster, every agent.
    pub contract_h: f64,
    /// The agents working below their contract less its tolerance, with
    /// the days they are away (unavailable or on leave) when any.
    pub under_contract: Vec<String>,
    /// The agents working above their contract plus its tolerance.
    pub over_contract: Vec<String>,
}

impl RosterDecision {
    /// The options as rows of `decision.csv`
    /// (`option,levers,cost,currency,effect,misses_after,decide_by`).
    pub fn rows(&self) -> Vec<DecisionRow> {
        crate::core::decision::rows(&self.options, &self.money)
    }
}

/// The decision of `plan`: its totals against the agents' contracts
/// (within `rules.contract_tolerance`), priced in `money`, published
/// `notice_days` before its first day.
pub fn decide(
    plan: &RosterPlan,
    agents: &[Agent],
    rules: &LabourRules,
    money: &Money,
    notice_days: u32,
) -> RosterDecision {
    let r = &plan.roster;
    let wanted = plan.wanted();
    let working = r.agents.iter().filter(|a| a.shifts > 0).count();
    let paid_h: f64 = r.agents.iter().map(|a| a.paid_h).sum();
    let worked_h: f64 = r.agents.iter().map(|a| a.work_h).sum();
    let contract_h: f64 = r.agents.iter().map(|a| a.contract_h).sum();
    let cost: f64 = r.agents.iter().map(|a| a.cost).sum();
    let tol = rules.contract_tolerance;
    let name = |id: &str| {
        agents
            .iter()
            .find(|a| a.id == id)
            .map_or(id.to_string(), |a| a.name.clone())
    };
    // Days an agent is away (unavailable, or on leave granted): the reason
    // a contract may not be reached.
    let away = |id: &str| -> u32 {
        let ag = agents.iter().find(|a| a.id == id);
        let mut n = 0;
        let mut d = plan.from;
        while d <= plan.to {
            let on_leave = plan.leave.iter().any(|x| {
                x.granted && x.request.agent == id && x.request.from <= d && d <= x.request.to
            });
            if on_leave || ag.is_some_and(|a| a.is_unavailable(d)) {
                n += 1;
            }
            d = match d.tomorrow() {
                Ok(x) => x,
                Err(_) => break,
            };
        }
        n
    };
    let under_contract: Vec<String> = r
        .agents
        .iter()
        .filter(|a| a.contract_h > 0.0 && a.work_h < a.contract_h * (1.0 - tol) - 1e-9)
        .map(|a| match away(&a.agent) {
            0 => name(&a.agent),
            n => format!("{} ({n} days away)", name(&a.agent)),
        })
        .collect();
    let over_contract: Vec<String> = r
        .agents
        .iter()
        .filter(|a| a.contract_h > 0.0 && a.work_h > a.contract_h * (1.0 + tol) + 1e-9)
        .map(|a| name(&a.agent))
        .collect();
    let granted = plan.leave.iter().filter(|d| d.granted).count();
    let share = if contract_h > 0.0 {
        format!(" ({:.0}%)", 100.0 * worked_h / contract_h)
    } else {
        String::new()
    };
    let uncovered = if r.uncovered.is_empty() {
        "every shift has an agent".to_string()
    } else {
        format!(
            "{} shift(s) no agent can take (uncovered.csv says why)",
            r.uncovered.len()
        )
    };
    let contracts = if under_contract.is_empty() && over_contract.is_empty() {
        format!(
            " Every agent works within {:.0}% of the contract.",
            100.0 * tol
        )
    } else {
        let list = |v: &[String]| {
            let mut s = v.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
            if v.len() > 5 {
                s.push_str(&format!(" and {} more", v.len() - 5));
            }
            s
        };
        let mut parts = Vec::new();
        if !under_contract.is_empty() {
            parts.push(format!(
                "{} below ({})",
                under_contract.len(),
                list(&under_contract)
            ));
        }
        if !over_contract.is_empty() {
            parts.push(format!(
                "{} above ({})",
                over_contract.len(),
                list(&over_contract)
            ));
        }
        // Why: the work itself, when the requirement's shifts come to less
        // than the contracts' lower bound (no assignment can pay them all).
        let work_h: f64 = plan
            .shifts
            .iter()
            .map(|s| shift_work_h(s, rules) * f64::from(s.agents))
            .sum();
        let why = if !under_contract.is_empty() && work_h < contract_h * (1.0 - tol) {
            format!(
                " The requirement's shifts come to {work_h:.0} working hours, {:.0} fewer than the contracts' {:.0}{}.",
                contract_h - work_h,
                contract_h,
                if rules.fill_contracts {
                    ": shifts were added to fill them, and the agents listed could take no further shift of their week under the labour rules (one shift type a week, rest, days off)"
                } else {
                    ": no roster of this work can fill every contract without idle hours (fill_contracts adds shifts at the peaks)"
                }
            )
        } else {
            String::new()
        };
        format!(
            " Outside {:.0}% of the contract: {}; agents.csv has each one's hours.{why}",
            100.0 * tol,
            parts.join("; ")
        )
    };
    let added = if plan.added.is_empty() {
        String::new()
    } else {
        let h: f64 = plan
            .added
            .iter()
            .map(|s| shift_work_h(s, rules) * f64::from(s.agents))
            .sum();
        format!(
            " {} of the shifts ({h:.0} working hours) are beyond the requirement: the contracts pay for them, so they are placed at its peaks.",
            plan.added.len()
        )
    };
    let decide_by = days_before(plan.from, notice_days);
    let verdict = format!(
        "From {} to {}: {} of {wanted} shifts go to {working} agents, {uncovered}. They work {:.0} hours of {:.0} contracted{share} ({:.0} paid, meal breaks included), costing {}.{added}{contracts} Leave: {granted} of {} request(s) granted. Publish by {decide_by}.",
        plan.from,
        plan.to,
        r.assignments.len(),
        worked_h,
        contract_h,
        paid_h,
        money.format(cost),
        plan.leave.len(),
    );
    let options = vec![DecisionOption {
        option: "publish this roster".to_string(),
        levers: vec![
            format!("{} shifts to {working} named agents", r.assignments.len()),
            format!("{granted} of {} leave request(s) granted", plan.leave.len()),
        ],
        cost,
        misses_after: None,
        effect: format!(
            "{} of {wanted} shifts covered; preferences met {}",
            r.assignments.len(),
            if r.preference_share.is_finite() {
                format!("{:.1}%", 100.0 * r.preference_share)
            } else {
                "– (none stated)".to_string()
            }
        ),
        decide_by,
    }];
    RosterDecision {
        money: money.clone(),
        verdict,
        options,
        paid_h,
        work_h: worked_h,
        contract_h,
        under_contract,
        over_contract,
    }
}

/// Working hours of one agent on placed shift `s` under `rules`.
fn shift_work_h(s: &crate::optimize::schedule::PlacedShift, rules: &LabourRules) -> f64 {
    super::work_hours(s.start_min, s.end_min, &s.breaks, rules.meal_break_min)
}
