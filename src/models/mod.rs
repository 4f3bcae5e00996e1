//! The models: exact queueing formulas and the staffing they give, handle
//! and patience distributions, the arrival process, dialers, per-channel
//! settings, the requirement they make of a forecast, and the opening rule.

pub mod arrivals;
pub mod channels;
pub mod dialer;
pub mod dist;
pub mod erlang;
pub mod opening;
pub mod requirement;
pub mod staffing;
