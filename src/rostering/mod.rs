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
mod leave;
mod rules;
#[cfg(test)]
mod tests;

pub use agents::{
    check_agents, read_agents, read_assignments, write_assignments, Agent, Assignment,
    ASSIGNMENT_COLUMNS,
};
pub use assign::{assign, AgentRoster, AgentSummary, Uncovered};
pub use check::{check, write_violations, Violation};
pub use leave::{
    grant_leave, leave_order, read_leave_requests, write_leave, LeaveDecision, LeaveRequest,
};
pub use rules::{LabourRules, FAIR_COUNTS};
