//! `wfm`: workforce management for contact centers.
//!
//! Turns contact forecasts into agents per interval with exact Erlang B, C
//! and A formulas ([`erlang`]), searches the smallest staff that meets a set
//! of service targets ([`staffing`]), and reads and writes the forecast and
//! staffing CSV formats ([`forecast`], [`report`]) and the channel settings
//! TOML file ([`channels`]). The `wfm` binary is a thin layer over these
//! modules; everything it does can be done from a planning tool through
//! them.
//!
//! ```ignore
//! use wfm::staffing::{Targets, required_agents_c};
//! use wfm::erlang::ErlangC;
//! // 400 calls in a half hour, 4 minutes each, 80% answered within 20 s.
//! let q = ErlangC::from_volume(400.0, 240.0, 30.0).unwrap();
//! let t = Targets { service_level: Some(0.8), answer_within_s: 20.0, ..Targets::default() };
//! let m = required_agents_c(&q, &t).unwrap();
//! assert_eq!(m.agents, 59);
//! ```ignore
#![warn(missing_docs)]

// pub mod channels;
pub mod erlang;
// pub mod forecast;
pub mod prec;
// pub mod report;
// pub mod staffing;
