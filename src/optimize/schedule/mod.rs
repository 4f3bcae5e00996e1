//! The shift optimizer: the cheapest roster of real shifts that covers a
//! requirement curve, with a proof of how good it is.
//!
//! # Model
//! For each channel (or group) separately, every candidate shift of
//! [`crate::optimize::shifts`] — a type, a day, a start and a placement of its breaks —
//! is an integer variable `x_j ≥ 0` (agents working it). With `r_t` the
//! agents required in interval t and `s_t ≥ 0` the shortfall:
//!
//! ```text
//! minimise   Σ cost_j · x_j  +  W · Σ s_t
//! subject to Σ_{j works in t} x_j + s_t ≥ r_t          every interval t
//!            min_agents ≤ Σ_{j of type k, day d} x_j ≤ max_agents
//!            Σ_{j on day d} x_j ≤ Σ_{patterns p working d} y_p   (weekly rule)
//! ```
//!
//! An agent on a break does not count in that interval, so the optimizer
//! staggers breaks. `W` is ten times the dearest shift, so the optimum covers
//! every interval whenever the rules allow it (one more shift is always
//! cheaper than a missing agent-interval); when they do not (a headcount cap,
//! no shift type reaching an interval), the result reports where and by how
//! much coverage falls short instead of failing.
//!
//! With people as constraints ([`schedule_people`]: a team rather than a
//! purchase), two more rows per channel: the shifts starting on day d are
//! at most `A_d`, the agents available that day (on the books, not on
//! leave), and the agents on days-off patterns are at most `H`, the
//! headcount (`Σ y_p ≤ H`). The shortfall then says what those people
//! cannot cover.
//!
//! With the weekly rule, `y_p` agents follow days-off pattern p (working at
//! most `max_days` of 7); any daily shift counts within those agents can be
//! assigned to them, so the headcount is `Σ y_p`, minimised afterwards for the
//! daily counts found.
//!
//! # Solving and proving
//! Two solvers: microlp (pure Rust, always built), driven directly, and
//! CBC, behind the `cbc` feature, through `good_lp`.
//! [`ScheduleOptions::default`] picks CBC when it is built and microlp
//! otherwise ([`SolverChoice::best_available`]); `wfm plan` always uses
//! microlp unless told otherwise, because its node limit makes the plan
//! reproducible. First the LP relaxation gives a
//! lower bound; its solution rounded up and pruned (drop shifts while
//! coverage holds) is a feasible roster and an upper bound; the branch and
//! bound then starts from it. All candidate costs are integer multiples of a
//! grid `g` (their greatest common divisor, e.g. half an hour of pay), so
//! every roster's cost is a multiple of `g` and `g·⌈bound/g⌉` is a valid lower
//! bound, for the LP bound and for the branch and bound's own best bound
//! (which microlp reports). The branch and bound is asked to stop once its gap
//! is below one grid step, which proves optimality: an incumbent less than `g`
//! above a lower bound is the optimum.
//!
//! It may stop earlier: at a relative gap ([`ScheduleOptions::mip_gap`]), at
//! a node limit ([`ScheduleOptions::node_limit`]) or at the time limit. The
//! node limit is the budget to use when results must be reproducible: the
//! search is deterministic, so the same nodes give the same roster on any
//! machine, while a time limit gives a better or worse roster on a faster or
//! slower one.
//! The result reports the status, the objective, the best bound and the gap.

use std::collections::BTreeMap;

use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::core::calendar::weekday_index;
use crate::core::grid::IntervalGrid;
use crate::core::input::InputError;
use crate::core::textio::format_time;
use crate::models::requirement::{Requirement, StaffingRow, StaffingTable};
use crate::optimize::shifts::{Candidate, ShiftRules};

mod model;
mod roster;

use crate::optimize::solver::*;
use model::*;

pub use crate::optimize::solver::SolverChoice;
pub use roster::{
    ChannelRoster, CoverageRow, PlacedShift, Roster, RosterRow, RosterSummary, ShiftTotal,
};

/// How the optimizer runs. With the `cli` feature the fields are the
/// optimizer's flags of `wfm schedule`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ScheduleOptions {
    /// Time limit of the solver per channel, seconds; the best roster so
    /// far is returned
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 60.0, value_name = "S"))]
    pub time_limit_s: f64,
    /// Hours an FTE is paid per day, for the FTE figure.
    #[cfg_attr(feature = "cli", arg(skip = 8.0))]
    pub fte_hours_per_day: f64,
    /// MIP solver: microlp, or cbc when built with `--features cbc`
    #[cfg_attr(feature = "cli", arg(long, default_value_t = SolverChoice::best_available(), value_parser = crate::jobs::args::parsed::<SolverChoice>, value_name = "SOLVER"))]
    pub solver: SolverChoice,
    /// Branch-and-bound nodes per channel at most, a budget that gives the
    /// same roster on any machine (microlp only: CBC, through `good_lp`,
    /// returns no roster when it stops on nodes, so it runs to the time
    /// limit); 0: no branch and bound (the rounded LP roster); `none`: no
    /// limit
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, default_value = "none", value_parser = crate::jobs::args::node_limit, value_name = "N"))]
    pub node_limit: ::std::option::Option<u64>,
    /// Relative gap (cost − bound)/cost at which the optimizer may stop
    /// with its best roster (0: prove optimality)
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.0, value_name = "R"))]
    pub mip_gap: f64,
    /// Candidate shifts per channel at most (starts × break placements ×
    /// days); more is refused before they are built
    #[serde(default = "default_max_candidates")]
    #[cfg_attr(feature = "cli", arg(long = "max-shifts", default_value_t = crate::optimize::shifts::DEFAULT_MAX_CANDIDATES, value_name = "N"))]
    pub max_candidates: usize,
    /// Only shifts that start on the requirement's own days: no night duty
    /// starting the evening before the first day (what a purchase for a
    /// period must be: the review's fix never buys a shift before it).
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(skip))]
    pub start_in_period: bool,
}

fn default_max_candidates() -> usize {
    crate::optimize::shifts::DEFAULT_MAX_CANDIDATES
}

impl Default for ScheduleOptions {
    /// 60 s per channel, no node limit, prove optimality, 8-hour FTE days,
    /// CBC when built in, else microlp.
    fn default() -> Self {
        Self {
            time_limit_s: 60.0,
            fte_hours_per_day: 8.0,
            solver: SolverChoice::best_available(),
            node_limit: None,
            mip_gap: 0.0,
            max_candidates: crate::optimize::shifts::DEFAULT_MAX_CANDIDATES,
            start_in_period: false,
        }
    }
}

/// How the solver ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Proven optimal (within one cost grid step of the bound, see the module docs).
    Optimal,
    /// Stopped at the time limit with a feasible roster and a gap.
    TimeLimit,
    /// Stopped at the node limit ([`ScheduleOptions::node_limit`]) with a
    /// feasible roster and a gap.
    NodeLimit,
    /// Stopped within the requested relative gap
    /// ([`ScheduleOptions::mip_gap`]) of the best bound.
    GapLimit,
    /// Nothing to schedule.
    Empty,
}

impl Status {
    /// The worse of two statuses, for a summary over channels: a time
    /// limit is worse than a node limit, which is worse than a gap limit,
    /// which is worse than proven optimality; an empty channel is neutral.
    pub fn worse(self, other: Status) -> Status {
        let rank = |s: Status| match s {
            Status::Empty => 0,
            Status::Optimal => 1,
            Status::GapLimit => 2,
            Status::NodeLimit => 3,
            Status::TimeLimit => 4,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Optimal => "optimal",
            Status::TimeLimit => "time-limit",
            Status::GapLimit => "gap-limit",
            Status::NodeLimit => "node-limit",
            Status::Empty => "empty",
        })
    }
}
/// Why a roster cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// Bad rules or a grid mismatch.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The solver failed.
    #[error("channel {channel}: the solver failed: {message}")]
    Solver {
        /// Channel.
        channel: String,
        /// The solver's message.
        message: String,
    },
}
/// Builds the cheapest roster for every channel of `req` under `rules`;
/// `source` names the rules file in errors.
///
/// ```
/// use wfm::core::grid::IntervalGrid;
/// use wfm::models::requirement::Requirement;
/// use wfm::optimize::schedule::{schedule, ScheduleOptions};
/// use wfm::optimize::shifts::ShiftRules;
/// // 4-hour shifts may start at 08:00 or 10:00; 3 agents are needed 08–10, 5 10–12, 2 12–14.
/// let rules = ShiftRules::parse(r#"
///     [[shift]]
///     name = "half"
///     earliest_start = "08:00"
///     latest_start = "10:00"
///     start_step_min = 120
///     length_min = 240
///     cost_per_hour = 1.0
/// "#, "rules").unwrap();
/// let mut need = vec![0u32; 24];
/// need[8] = 3; need[9] = 3; need[10] = 5; need[11] = 5; need[12] = 2; need[13] = 2;
/// let grid = IntervalGrid::new(60, "2026-03-10".parse().unwrap(), 1).unwrap();
/// let req = Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap();
/// let r = schedule(&req, &rules, &ScheduleOptions::default(), "rules").unwrap();
/// let phone = &r.channels[0];
/// assert_eq!(phone.status.to_string(), "optimal");
/// // 3 start at 08:00 (cover 08–12) and 2 at 10:00 (cover 10–14): 20 paid hours.
/// assert!((phone.cost - 20.0).abs() < 1e-9);
/// ```
pub fn schedule(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &ScheduleOptions,
    source: &str,
) -> Result<Roster, ScheduleError> {
    schedule_people(req, rules, opts, source, &BTreeMap::new())
}

/// The people a channel's roster is made of: at most `per_day[d]` agents
/// start a shift on day d (day 0 is the day before the requirement's first
/// day, whose night shifts reach into it; a day past the end of the vector
/// has no cap), and with the weekly rule at most `headcount` agents on
/// days-off patterns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct People {
    /// Agents available per day, from the day before the first.
    pub per_day: Vec<u32>,
    /// Agents on the books (the weekly rule's headcount), if capped.
    pub headcount: Option<u32>,
}

impl People {
    /// The cap of day `d` (none past the vector's end).
    pub fn on_day(&self, d: usize) -> Option<u32> {
        self.per_day.get(d).copied()
    }
}

/// [`schedule`] with the people as constraints: the best roster that the
/// channels' `people` (by channel; a channel not named has no cap) can work
/// against the requirement. The shift optimizer's model gains the rows
/// `Σ_{j on day d} x_j ≤ A_d` and `Σ y_p ≤ H`; the shortfall is what those
/// people cannot cover. A shift type's `min_agents` that the people cannot
/// meet is the solver's error, as without people.
///
/// ```
/// use std::collections::BTreeMap;
/// use wfm::core::grid::IntervalGrid;
/// use wfm::models::requirement::Requirement;
/// use wfm::optimize::schedule::{schedule_people, People, ScheduleOptions};
/// use wfm::optimize::shifts::ShiftRules;
///
/// let rules: ShiftRules = toml::from_str(r#"
///     [[shift]]
///     name = "day"
///     earliest_start = "08:00"
///     latest_start = "08:00"
///     length_min = 240
///     cost_per_hour = 1.0
/// "#).unwrap();
/// let day = jiff::civil::date(2026, 3, 9);
/// let grid = IntervalGrid::new(60, day, 1).unwrap();
/// let mut need = vec![0u32; 24];
/// need[8..12].fill(5);
/// let req = Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap();
/// // Three people that day: two agents short in each of the four hours.
/// let people = People { per_day: vec![3, 3], headcount: None };
/// let caps = BTreeMap::from([("phone".to_string(), people)]);
/// let r = schedule_people(&req, &rules, &ScheduleOptions::default(), "rules", &caps).unwrap();
/// assert_eq!(r.summary().shortfall, 8);
/// ```
pub fn schedule_people(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &ScheduleOptions,
    source: &str,
    people: &BTreeMap<String, People>,
) -> Result<Roster, ScheduleError> {
    let im = req.grid().interval_min();
    let per_day = req.grid().per_day();
    // Shifts may start the day before the first day (a night duty covering
    // its early hours): the model's grid starts a day early, with nothing
    // required on that day, and runs a day late for shifts ending after
    // the last midnight.
    let ext_grid = req
        .grid()
        .first()
        .checked_sub(jiff::Span::new().days(1))
        .ok()
        .and_then(|first| IntervalGrid::new(im, first, req.grid().days() + 1).ok())
        .ok_or_else(|| {
            ScheduleError::Input(InputError::file(
                source,
                format!(
                    "the requirement's dates ({} to {}) leave no room for the day before and after",
                    req.grid().first(),
                    req.grid().last()
                ),
            ))
        })?;
    let (first, days) = (ext_grid.first(), ext_grid.days() as usize);
    let horizon = (days + 1) * per_day;
    let names: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    rules.check_against(&names, false, im, source)?;
    let mut channels = Vec::new();
    for (name, required) in req.channels() {
        let mut ext = vec![0u32; per_day];
        ext.extend_from_slice(required);
        // Opening hours: nothing is required outside them.
        if let Some((a, b)) = rules.open_minutes(name, source)? {
            for (i, r) in ext.iter_mut().enumerate() {
                let m = (i % per_day) as u32 * im;
                if m < a || m >= b {
                    *r = 0;
                }
            }
        }
        let mut cands = rules.candidates_at_most(
            name,
            first,
            days,
            im,
            horizon,
            source,
            opts.max_candidates,
        )?;
        // A shift that works in no interval with demand can only add cost.
        cands.retain(|c| (c.start..c.end.min(ext.len())).any(|t| ext[t] > 0 && c.works(t)));
        if opts.start_in_period {
            cands.retain(|c| c.start >= per_day);
        }
        let who = people.get(name);
        let roster = match opts.solver {
            SolverChoice::Microlp => {
                solve_channel::<MicrolpBackend>(name, &ext, cands, rules, &ext_grid, opts, who)?
            }
            #[cfg(feature = "cbc")]
            SolverChoice::Cbc => {
                solve_channel::<CbcBackend>(name, &ext, cands, rules, &ext_grid, opts, who)?
            }
            #[cfg(not(feature = "cbc"))]
            SolverChoice::Cbc => {
                return Err(ScheduleError::Solver {
                    channel: name.clone(),
                    message: "cbc is not built in: rebuild with `--features cbc`".into(),
                })
            }
        };
        channels.push(roster);
    }
    Ok(Roster {
        grid: ext_grid,
        skip: per_day,
        shift_names: rules.shift.iter().map(|s| s.name.clone()).collect(),
        channels,
        fte_hours_per_day: opts.fte_hours_per_day,
    })
}

#[cfg(test)]
mod tests;
