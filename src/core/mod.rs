//! The core every layer stands on: the centre file, positioned input
//! errors, text (dates, times, the CSV record loop, numbers), the interval
//! grid and the holiday calendar.

pub mod calendar;
pub mod centre;
pub mod decision;
pub mod grid;
pub mod input;
pub mod money;
pub mod textio;
