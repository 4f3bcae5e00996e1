//! `wfm`: workforce management for contact centers.
//!
//! The modules are the layers of the crate, lowest first (no layer imports
//! one above it):
//!
//! - [`core`]: the centre file `wfm.toml` that names every input once
//!   ([`core::centre`]), positioned input errors and warnings
//!   ([`core::input`]), dates, times, the CSV record loop and numbers
//!   ([`core::textio`]), the interval grid ([`core::grid`]) and the holiday
//!   calendar ([`core::calendar`]).
//! - [`models`]: exact Erlang B, C and A ([`models::erlang`]); the fewest
//!   agents that meet every target, chat and deferred work
//!   ([`models::staffing`]); handle-time and patience shapes
//!   ([`models::dist`]); the arrival process and the crate's generator
//!   ([`models::arrivals`]); dialers ([`models::dialer`]); per-channel
//!   settings ([`models::channels`]); a forecast staffed row by row and the
//!   requirement on a grid ([`models::requirement`]); the opening rule
//!   ([`models::opening`]).
//! - [`demand`]: the forecast CSV ([`demand::forecast`]), scenarios and
//!   their forecast ([`demand::scenario`]), the collections workload
//!   ([`demand::collections`]), a scenario learnt from history
//!   ([`demand::fit`]) and its backtest ([`demand::backtest`]).
//! - [`supply`]: the team as it is and the agents it has on duty
//!   ([`supply::team`]); the long-range capacity plan of `wfm capacity`
//!   ([`supply::capacity`]).
//! - [`sim`]: the discrete-event simulator.
//! - [`optimize`]: the LP/MIP backends ([`optimize::solver`]), shift rules
//!   and candidates ([`optimize::shifts`]), the roster optimizer
//!   ([`optimize::schedule`]), cross-trained groups
//!   ([`optimize::multiskill`]) and rosters of named agents
//!   ([`optimize::roster`]).
//! - The workflows: [`plan`] (`wfm plan`: forecast → requirement → roster →
//!   simulation in rounds) and [`review`] (`wfm review`: the holiday
//!   capacity review, with the interval review in [`review::intervals`] and
//!   the what-ifs and the cheapest fix in [`review::whatif`]).
//! - [`jobs`]: one module per command, each a whole job (a request, its
//!   inputs read and checked once, the run, the summary and the tables).
//! - [`report`]: the HTML pages; [`io`]: output sets written all or nothing,
//!   and CSV tables whose header comes from their row type (`io::table`).
//!
//! The `wfm` binary is a thin layer over these modules; everything it does
//! can be done from a planning tool through them.
//!
//! ```
//! use wfm::models::staffing::{required_agents, Model, Targets, Workload};
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

pub mod core;
pub mod demand;
pub mod io;
pub mod jobs;
pub mod models;
pub mod optimize;
pub mod plan;
#[cfg(test)]
mod prec;
pub mod report;
pub mod review;
pub mod sim;
pub mod supply;
