//! What the commands write: plain rows, serde-ready, and their CSV writers.
//!
//! Writers take any [`std::io::Write`], so a test writes into a `Vec<u8>`
//! and the binary into a file it renames into place only when complete.

use std::io::Write;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::textio::{fmt_num, format_time};

/// One row of `wfm staff`'s output: a forecast row and its staffing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    /// Local date.
    pub date: Date,
    /// Interval start.
    pub time: Time,
    /// Channel name.
    pub channel: String,
    /// Contacts offered (before the bot).
    pub volume: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Agents required (working, after shrinkage is taken out).
    pub agents: u32,
    /// Scheduled FTE: `agents / (1 − shrinkage)`.
    pub fte: f64,
    /// Service level reached, share (deferred: share planned within the deadline).
    pub service_level: f64,
    /// Average speed of answer, seconds (deferred: mean planned response time).
    pub asa_s: f64,
    /// Probability of waiting.
    pub p_wait: f64,
    /// Abandonment rate, share.
    pub abandon_rate: f64,
    /// Occupancy, share.
    pub occupancy: f64,
    /// Offered load on the agents after bot containment, Erlangs.
    pub load_erl: f64,
    /// The model used: `erlang-c`, `erlang-a` or `deferred`.
    pub model: String,
}

/// The columns of the staffing CSV, in order.
pub const STAFF_COLUMNS: [&str; 14] = [
    "date",
    "time",
    "channel",
    "volume",
    "aht_s",
    "agents",
    "fte",
    "service_level",
    "asa_s",
    "p_wait",
    "abandon_rate",
    "occupancy",
    "load_erl",
    "model",
];

/// Writes staffing rows as CSV with [`STAFF_COLUMNS`].
pub fn write_staffing<W: Write>(w: W, rows: &[StaffRow]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(STAFF_COLUMNS)?;
    for r in rows {
        out.write_record([
            r.date.to_string(),
            format_time(r.time),
            r.channel.clone(),
            fmt_num(r.volume, 4),
            fmt_num(r.aht_s, 3),
            r.agents.to_string(),
            fmt_num(r.fte, 3),
            fmt_num(r.service_level, 6),
            fmt_num(r.asa_s, 3),
            fmt_num(r.p_wait, 6),
            fmt_num(r.abandon_rate, 6),
            fmt_num(r.occupancy, 6),
            fmt_num(r.load_erl, 4),
            r.model.clone(),
        ])?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(fmt_num(1.0, 3), "1");
        assert_eq!(fmt_num(0.123_456_78, 6), "0.123457");
        assert_eq!(fmt_num(f64::INFINITY, 3), "inf");
        assert_eq!(fmt_num(-0.000_000_1, 3), "0");
    }
}
