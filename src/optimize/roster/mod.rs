//! Rosters of named agents: who works which shift of the aggregate roster,
//! under labour rules, with fairness, preferences and holiday leave
//! (`wfm roster`, `wfm check-roster`).
//!
//! - [`LabourRules`]: the rules, with the defaults of Chinese labour law's
//!   standard working-hours system.
//! - [`read_agents`]: the agents CSV.
//! - [`check`]: the independent checker, every violation of every rule.
//! - [`grant_leave`]: holiday leave by serial dictatorship within what the
//!   requirement leaves free.
//! - [`assign`]: the aggregate roster's shifts given to agents so that
//!   [`check`] passes.

mod agents;
mod assign;
mod check;
pub mod decision;
pub(crate) mod improve;
mod leave;
mod rules;
#[cfg(test)]
mod tests;
pub mod topup;

pub use agents::{
    check_agents, check_preferences, read_agents, read_assignments, work_hours, write_assignments,
    Agent, Assignment, ASSIGNMENT_COLUMNS,
};
pub use assign::{assign, assign_with_extra, AgentRoster, AgentSummary, Uncovered};
pub use check::{check, write_violations, Violation};
pub use leave::{
    grant_leave, leave_order, parse_requested_at, read_leave_requests, write_leave, LeaveDecision,
    LeaveRequest,
};
pub use rules::{LabourRules, FAIR_COUNTS};

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::models::requirement::Requirement;
use crate::optimize::schedule::{schedule, PlacedShift, ScheduleError, ScheduleOptions};
use crate::optimize::shifts::ShiftRules;

/// Everything `wfm roster` produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterPlan {
    /// The aggregate roster's shifts (from the shift optimizer).
    pub shifts: Vec<PlacedShift>,
    /// The shifts added beyond the requirement to fill the agents'
    /// contracts, that agents took ([`topup`]; one agent each).
    #[serde(default)]
    pub added: Vec<PlacedShift>,
    /// Leave decisions.
    pub leave: Vec<LeaveDecision>,
    /// The named roster.
    pub roster: AgentRoster,
    /// The checker's verdict on it (empty by construction).
    pub violations: Vec<Violation>,
    /// First and last day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// Why a roster cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RosteringError {
    /// The aggregate roster could not be scheduled.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// More agents × days than the limit: refused before any work.
    #[error(
        "{agents} agents x {days} days = {agent_days} agent-days is above the limit of {limit} \
         (the assigner's work grows with its square); raise it with --max-agent-days or roster fewer days"
    )]
    TooLarge {
        /// Agents.
        agents: usize,
        /// Days of the roster.
        days: usize,
        /// Their product.
        agent_days: u64,
        /// The limit.
        limit: u64,
    },
}

/// The default most agents × roster days [`check_size`] accepts: about 700
/// agents over a month, which the shipped example's timing (100 agents ×
/// 28 days in ~2 s of assignment) puts at a few minutes on 2 cores.
pub const DEFAULT_MAX_AGENT_DAYS: u64 = 20_000;

/// Refuses a roster of `agents` over `days` days above `limit` agent-days,
/// before any work: the greedy pass tries every agent for every shift,
/// and each try checks the agent's schedule, so the work grows as
/// `(agents × days)²`.
pub fn check_size(agents: usize, days: usize, limit: u64) -> Result<(), RosteringError> {
    let agent_days = (agents as u64).saturating_mul(days as u64);
    if agent_days > limit {
        return Err(RosteringError::TooLarge {
            agents,
            days,
            agent_days,
            limit,
        });
    }
    Ok(())
}

/// The leave allowance of each group and day: agents of the group (its
/// home group, the first listed) available that day less the agents its
/// shifts starting that day need.
pub fn leave_allowance(
    agents: &[Agent],
    shifts: &[PlacedShift],
    from: Date,
    to: Date,
) -> BTreeMap<(String, Date), i64> {
    let mut out: BTreeMap<(String, Date), i64> = BTreeMap::new();
    let groups: std::collections::BTreeSet<&str> =
        shifts.iter().map(|s| s.channel.as_str()).collect();
    let mut d = from;
    while d <= to {
        for g in &groups {
            let available = agents
                .iter()
                .filter(|a| a.groups.first().is_some_and(|h| h == g) && !a.is_unavailable(d))
                .count() as i64;
            let needed: i64 = shifts
                .iter()
                .filter(|s| s.channel == *g && s.date == d)
                .map(|s| i64::from(s.agents))
                .sum();
            out.insert((g.to_string(), d), available - needed);
        }
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    out
}

impl RosterPlan {
    /// Shifts to assign: the requirement's and those added to fill the
    /// contracts.
    pub fn wanted(&self) -> u32 {
        self.shifts
            .iter()
            .chain(&self.added)
            .map(|s| s.agents)
            .sum()
    }
}

/// Makes the named roster: the shift optimizer covers `req` with the
/// shift types of `shift_rules`; leave requests are granted within what
/// that roster leaves free ([`leave_allowance`], [`grant_leave`]) and become
/// unavailable days; the roster's shifts are then given to agents
/// ([`assign`]; its fairness search stops at `sched.time_limit_s` with the
/// best valid roster so far) and the result is checked ([`check`]).
pub fn make_roster(
    req: &Requirement,
    shift_rules: &ShiftRules,
    agents: &[Agent],
    rules: &LabourRules,
    leave: &[LeaveRequest],
    sched: &ScheduleOptions,
    source: &str,
) -> Result<RosterPlan, RosteringError> {
    let aggregate = schedule(req, shift_rules, sched, source)?;
    let shifts = aggregate.placed();
    let (from, to) = (req.grid().first(), req.grid().last());
    let allowance = leave_allowance(agents, &shifts, from, to);
    let decisions = grant_leave(leave, agents, &allowance);
    let mut with_leave = agents.to_vec();
    for dcs in decisions.iter().filter(|x| x.granted) {
        if let Some(a) = with_leave.iter_mut().find(|a| a.id == dcs.request.agent) {
            a.unavailable.push((dcs.request.from, dcs.request.to));
        }
    }
    let calendar = &shift_rules.calendar_data;
    let deadline = std::time::Instant::now().checked_add(
        std::time::Duration::try_from_secs_f64(sched.time_limit_s)
            .unwrap_or(std::time::Duration::MAX),
    );
    let filler = rules
        .fill_contracts
        .then(|| topup::Filler::new(req, &shifts));
    let (mut roster, added) = assign::assign_with_extra(
        rules,
        &with_leave,
        &shifts,
        filler,
        from,
        to,
        calendar,
        deadline,
    );
    for summary in &mut roster.agents {
        summary.cost = roster
            .assignments
            .iter()
            .filter(|a| a.agent == summary.agent)
            .filter_map(|a| shift_rules.cost_of(&a.shift, a.date, a.start_min, a.end_min))
            .sum();
    }
    let violations = check(rules, &with_leave, &roster.assignments, from, to, calendar);
    Ok(RosterPlan {
        shifts,
        added,
        leave: decisions,
        roster,
        violations,
        from,
        to,
    })
}

/// Writes the per-agent summary: `agent,contract,paid_h,contract_h,overtime_h,nights,weekends,statutory,preferred_shifts,on_wished_days_off,shifts,cost,work_h`
/// (`work_h`: paid hours less meal breaks, against `contract_h`).
impl crate::io::table::CsvRow for AgentSummary {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("agent", |a| a.agent.clone()),
        ("contract", |a| a.contract.clone()),
        ("paid_h", |a| crate::core::textio::fmt_num(a.paid_h, 2)),
        ("contract_h", |a| {
            crate::core::textio::fmt_num(a.contract_h, 2)
        }),
        ("overtime_h", |a| {
            crate::core::textio::fmt_num(a.overtime_h, 2)
        }),
        ("nights", |a| a.nights.to_string()),
        ("weekends", |a| a.weekends.to_string()),
        ("statutory", |a| a.statutory.to_string()),
        ("preferred_shifts", |a| a.preferred_shifts.to_string()),
        ("on_wished_days_off", |a| a.on_wished_days_off.to_string()),
        ("shifts", |a| a.shifts.to_string()),
        ("cost", |a| crate::core::textio::fmt_num(a.cost, 2)),
        ("work_h", |a| crate::core::textio::fmt_num(a.work_h, 2)),
    ];
}

/// Writes the table (columns: [`AgentSummary`]'s `CsvRow`).
pub fn write_agent_summaries<W: std::io::Write>(
    w: W,
    rows: &[AgentSummary],
) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

/// `uncovered.csv`: the shifts no agent could take, and why.
impl crate::io::table::CsvRow for Uncovered {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |u| u.date.to_string()),
        ("shift", |u| u.shift.clone()),
        ("start", |u| {
            let m = u.start_min % 1440;
            format!("{:02}:{:02}", m / 60, m % 60)
        }),
        ("group", |u| u.group.clone()),
        ("blocked_by", |u| u.blocked_by.clone()),
    ];
}

/// Writes `uncovered.csv` (columns: [`Uncovered`]'s `CsvRow`).
pub fn write_uncovered<W: std::io::Write>(w: W, rows: &[Uncovered]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

/// Per contract and fairness count: the lowest and highest count among
/// the contract's agents who work.
pub fn fairness_spread(r: &AgentRoster) -> BTreeMap<(String, &'static str), (u32, u32)> {
    let mut out: BTreeMap<(String, &'static str), (u32, u32)> = BTreeMap::new();
    for a in r.agents.iter().filter(|a| a.shifts > 0) {
        for (k, v) in [
            ("night", a.nights),
            ("weekend", a.weekends),
            ("statutory", a.statutory),
        ] {
            let e = out.entry((a.contract.clone(), k)).or_insert((u32::MAX, 0));
            e.0 = e.0.min(v);
            e.1 = e.1.max(v);
        }
    }
    out
}
