//! `wfm`: workforce management for contact centers.
//!
//! The modules are the concepts a planner meets, lowest first (no module
//! imports one above it):
//!
//! - Core: [`centre`]: the centre file `wfm.toml` that names every input
//!   once; [`input`]: positioned input errors and warnings; [`textio`]:
//!   dates, times, the CSV record loop, numbers, the size-capped reader;
//!   [`grid`]: the interval grid; [`calendar`]: holidays and make-up
//!   workdays; [`solver`]: the LP/MIP backends behind one small API.
//! - Models: [`erlang`]: exact Erlang B, C and A; [`staffing`]: the fewest
//!   agents that meet every target, chat and deferred work; [`dist`]:
//!   handle-time and patience shapes; [`arrivals`]: the random arrival
//!   process and the crate's generator; [`dialer`]: preview, progressive
//!   and predictive dialers; [`channels`]: per-channel settings (TOML).
//! - Demand: [`forecast`]: the forecast CSV; [`scenario`]: demand as a
//!   planner knows it (TOML) and the forecast it gives; [`collections`]:
//!   the outbound workload of the repayment cycle; [`fit`]: a scenario
//!   learnt from history; [`backtest`]: rolling-origin backtests of it.
//! - Requirement: [`requirement`]: a forecast staffed row by row, the
//!   staffing table, the requirement on a grid; [`opening`]: the opening
//!   rule (closed hours' work moves to the opening).
//! - Supply: [`team`]: the team as it is (standing roster, leave, changes)
//!   and the agents it has on duty; [`longrange`]: the long-range capacity
//!   plan (headcount flow, attrition, hiring classes, the hiring optimizer).
//! - Simulation: [`sim`]: the discrete-event simulator.
//! - Optimization: [`shifts`]: shift rules (TOML) and candidate shifts;
//!   [`schedule`]: the roster optimizer; [`multiskill`]: staffing of
//!   cross-trained groups by simulation; [`rostering`]: rosters of named
//!   agents under labour rules.
//! - Workflows: [`plan`]: forecast → requirement → roster → simulation in
//!   rounds; [`review`]: the interval review of a staffing; [`capacity`]:
//!   the holiday capacity review; [`whatif`]: variants on common random
//!   numbers and the cheapest fix.
//! - [`jobs`]: one module per command, each a whole job (a request, its
//!   inputs read and checked once, the run, the summary and the tables).
//! - Output: [`report`]: the HTML pages; [`output`]: output sets written all
//!   or nothing.
//!
//! The `wfm` binary is a thin layer over these modules; everything it does
//! can be done from a planning tool through them.
//!
//! ```
//! use wfm::staffing::{required_agents, Model, Targets, Workload};
//! // 400 calls in a half hour, 4 minutes each, 80% answered within 20 s,
//! // and callers who hang up after two minutes on average.
//! let mut work = Workload::voice(400.0, 240.0, 30.0);
//! let t = Targets { service_level: Some(0.8), answer_within_s: 20.0, ..Targets::default() };
//! assert_eq!(required_agents(&work, Model::ErlangC, &t).unwrap().agents, 60);
//! work.patience_s = Some(120.0);
//! let m = required_agents(&work, Model::ErlangA, &t).unwrap();
//! assert_eq!(m.agents, 54);
//! assert!(m.abandon_rate > 0.05);
//! ```
#![warn(missing_docs)]

/// The README's code, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod arrivals;
pub mod backtest;
pub mod calendar;
pub mod capacity;
pub mod centre;
pub mod channels;
pub mod collections;
pub mod dialer;
pub mod dist;
pub mod erlang;
pub mod fit;
pub mod forecast;
pub mod grid;
pub mod input;
pub mod jobs;
pub mod longrange;
pub mod multiskill;
pub mod opening;
pub mod output;
pub mod plan;
#[cfg(test)]
mod prec;
pub mod report;
pub mod requirement;
pub mod review;
pub mod rostering;
pub mod scenario;
pub mod schedule;
pub mod shifts;
pub mod sim;
pub mod solver;
pub mod staffing;
pub mod team;
pub mod textio;
pub mod whatif;
