//! The capacity review: "with the roster we have, what service will
//! customers get, and how many agents short are we in which hours?"
//!
//! For every interval and channel of a forecast it sets the agents the
//! queueing formulas require ([`crate::staffing::staff_forecast`]) beside
//! the agents the roster has, and the service a simulation of that roster
//! gives ([`crate::sim`]), with confidence intervals. Requirement and roster
//! are compared per channel, so the roster's staffing must name channels
//! (one group per channel); the simulation then uses one group per channel.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::channels::ChannelBook;
use crate::forecast::Forecast;
use crate::input::InputError;
use crate::requirement::{staff_forecast, StaffingTable};
use crate::sim::{from_forecast, Estimate, SimError};
use crate::textio::format_time;

/// One interval of one channel in the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    /// Date.
    pub date: Date,
    /// Interval start.
    pub time: Time,
    /// Channel.
    pub channel: String,
    /// Contacts forecast.
    pub volume: f64,
    /// Agents the formulas require.
    pub required: u32,
    /// Agents the roster has.
    pub scheduled: u32,
    /// `required − scheduled` when positive.
    pub short: u32,
    /// Simulated service level.
    pub service_level: Estimate,
    /// Simulated abandonment rate.
    pub abandon_rate: Estimate,
    /// Simulated average speed of answer, seconds.
    pub asa_s: Estimate,
    /// Whether the simulation is confidently below a target: the service
    /// level's upper limit (mean + 1.5 × the 95% half-width) under it, or
    /// abandonment's lower limit over it.
    pub misses_target: bool,
}

/// Why a review cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The simulation could not be built.
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// Reviews `staffing` (agents per interval and channel) against `forecast`
/// under the settings of `book`, with `replications` simulations from `seed`.
pub fn review(
    forecast: &Forecast,
    staffing: &StaffingTable,
    book: &ChannelBook,
    staffing_source: &str,
    replications: usize,
    seed: u64,
) -> Result<Vec<ReviewRow>, ReviewError> {
    let mut file = book.file.clone();
    file.group.clear();
    let book = ChannelBook::new(file, &book.source, book.defaults.clone());
    let required = staff_forecast(forecast, &book, None, "forecast")?;
    let sim = from_forecast(forecast, staffing, &book, staffing_source)?
        .replications(replications)
        .seed(seed)
        .build()?
        .run(None)?;
    let grid = crate::sim::forecast_grid(forecast);
    let pos: std::collections::HashMap<(Date, Time), usize> =
        grid.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let scheduled: std::collections::HashMap<(Date, Time, &str), u32> = staffing
        .rows
        .iter()
        .map(|r| ((r.date, r.time, r.group.as_str()), r.agents))
        .collect();
    let mut rows = Vec::with_capacity(required.len());
    for r in &required {
        let c = sim
            .channels
            .iter()
            .position(|x| x == &r.channel)
            .unwrap_or(0);
        let m = sim.interval(c, pos[&(r.date, r.time)]);
        let targets = book.resolve(&r.channel)?.targets;
        // 1.5 × the 95% half-width: a ~99.7% one-sided limit, so that among
        // hundreds of intervals few are flagged by chance alone.
        let ci = |e: Estimate| {
            if e.ci95.is_finite() {
                1.5 * e.ci95
            } else {
                0.0
            }
        };
        let misses = r.volume > 0.0
            && (targets
                .service_level
                .is_some_and(|s| m.service_level.mean + ci(m.service_level) < s)
                || targets
                    .max_abandon
                    .is_some_and(|x| m.abandon_rate.mean - ci(m.abandon_rate) > x));
        let have = scheduled
            .get(&(r.date, r.time, r.channel.as_str()))
            .copied()
            .unwrap_or(0);
        rows.push(ReviewRow {
            date: r.date,
            time: r.time,
            channel: r.channel.clone(),
            volume: r.volume,
            required: r.agents,
            scheduled: have,
            short: r.agents.saturating_sub(have),
            service_level: m.service_level,
            abandon_rate: m.abandon_rate,
            asa_s: m.asa_s,
            misses_target: misses,
        });
    }
    Ok(rows)
}

/// Writes the review CSV: `date,time,channel,volume,required,scheduled,short,
/// service_level,service_level_ci95,abandon_rate,abandon_rate_ci95,asa_s,asa_s_ci95,misses_target`.
pub fn write_review<W: std::io::Write>(w: W, rows: &[ReviewRow]) -> std::io::Result<()> {
    use crate::textio::fmt_num;
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "date",
        "time",
        "channel",
        "volume",
        "required",
        "scheduled",
        "short",
        "service_level",
        "service_level_ci95",
        "abandon_rate",
        "abandon_rate_ci95",
        "asa_s",
        "asa_s_ci95",
        "misses_target",
    ])?;
    let num = |v: f64| {
        if v.is_finite() {
            fmt_num(v, 4)
        } else {
            String::new()
        }
    };
    for r in rows {
        out.write_record([
            r.date.to_string(),
            format_time(r.time),
            r.channel.clone(),
            fmt_num(r.volume, 4),
            r.required.to_string(),
            r.scheduled.to_string(),
            r.short.to_string(),
            num(r.service_level.mean),
            num(r.service_level.ci95),
            num(r.abandon_rate.mean),
            num(r.abandon_rate.ci95),
            num(r.asa_s.mean),
            num(r.asa_s.ci95),
            if r.misses_target { "yes" } else { "no" }.to_string(),
        ])?;
    }
    out.flush()
}
