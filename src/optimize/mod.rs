//! The optimizers: the LP/MIP backends, shift rules and candidate shifts,
//! the roster optimizer, staffing of cross-trained groups by simulation,
//! and rosters of named agents under labour rules.

pub mod multiskill;
pub mod roster;
pub mod schedule;
pub mod shifts;
pub mod solver;
