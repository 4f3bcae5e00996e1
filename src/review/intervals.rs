//! The capacity review: "with the roster we have, what service will
//! customers get, and how many agents short are we in which hours?"
//!
//! For every interval and channel of a forecast it sets the agents the
//! queueing formulas require ([`crate::models::requirement::staff_forecast`]) beside
//! the agents the roster has, and the service a simulation of that roster
//! gives ([`crate::sim`]), with confidence intervals. Requirement and roster
//! are compared per channel, so the roster's staffing must name channels
//! (one group per channel); the simulation then uses one group per channel.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::core::textio::format_time;
use crate::demand::forecast::Forecast;
use crate::models::channels::ChannelBook;
use crate::models::requirement::{staff_forecast, StaffingTable};
use crate::optimize::shifts::ShiftRules;
use crate::plan::blend::{apply_credit, blend_outcomes, initial_credit};
use crate::plan::BlendOutcome;
use crate::sim::{from_forecast, misses_target, Estimate, SimError, SimResult};

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
    /// Simulated occupancy of the agents serving the channel.
    pub occupancy: Estimate,
    /// Whether the simulation is confidently worse than a target (service
    /// level, abandonment or ASA), by [`crate::sim::misses_target`].
    pub misses_target: bool,
}

/// Why a review cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The simulation could not be built.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The team's roster could not be scheduled.
    #[error(transparent)]
    Schedule(#[from] crate::optimize::schedule::ScheduleError),
    /// A broken invariant (a bug): what the review expected and did not find.
    #[error("internal error: {0}")]
    Internal(String),
}

/// How the review runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewOptions {
    /// Replications of the simulation (at least 1).
    pub replications: usize,
    /// Seed of the simulation.
    pub seed: u64,
    /// Worker threads (`None`: one per core); results do not depend on it.
    pub threads: Option<usize>,
    /// Bounds on the work of the simulation.
    #[serde(default)]
    pub limits: crate::sim::SimLimits,
}

impl Default for ReviewOptions {
    /// 20 replications from seed 1, one thread per core.
    fn default() -> Self {
        Self {
            replications: 20,
            seed: 1,
            threads: None,
            limits: crate::sim::SimLimits::default(),
        }
    }
}

/// What the review requires, and what it is computed from.
pub(crate) struct Required {
    /// The forecast with closed hours' volume moved to the opening.
    pub forecast: Forecast,
    /// The agents required per interval and channel (blends' credit
    /// applied).
    pub rows: Vec<crate::models::requirement::StaffRow>,
    /// Each blend's attempts its spare time makes.
    pub saved: Vec<u64>,
    /// The simulator's book (one group per channel, with blends).
    pub sim_book: ChannelBook,
    /// The blends.
    pub blends: Vec<crate::models::channels::PlanBlend>,
    /// The book with one group per channel.
    pub book: ChannelBook,
}

/// The agents each channel requires per interval, by the review's one
/// rule: volume of closed hours moved to the opening, each channel's model
/// and targets, and the campaigns' work left by blended agents' spare time.
/// The review measures a supply against it, and a team's people are
/// scheduled against it.
pub(crate) fn required(
    forecast: &Forecast,
    book: &ChannelBook,
    opening: Option<(&ShiftRules, &str)>,
) -> Result<Required, ReviewError> {
    let mut forecast = forecast.clone();
    if let Some((rules, rules_source)) = opening {
        crate::plan::move_to_opening(&mut forecast, rules, rules_source)?;
    }
    let mut names: Vec<String> = forecast.rows.iter().map(|r| r.channel.clone()).collect();
    names.sort();
    names.dedup();
    let (sim_book, blends) = book.per_channel_with_blends(&names)?;
    let book = book.one_group_per_channel();
    let formulas = staff_forecast(&forecast, &book, None, "forecast")?;
    // Collectors beside blended agents: the campaign's work their spare
    // time leaves.
    let credit = initial_credit(&formulas, &blends, &book, forecast.interval_min)?;
    let (rows, saved) = apply_credit(&formulas, &blends, &credit, &book, forecast.interval_min)?;
    Ok(Required {
        forecast,
        rows,
        saved,
        sim_book,
        blends,
        book,
    })
}

/// Reviews `staffing` (agents per interval and channel) against `forecast`
/// under the settings of `book`. With `opening` (shift rules with
/// `[open.CHANNEL]` hours, and the name of their file for errors), volume arriving while a channel is closed first
/// moves to its opening, as in the plan ([`crate::plan::move_to_opening`]).
/// An interval misses a target by the one rule of
/// [`crate::sim::misses_target`].
pub fn review(
    forecast: &Forecast,
    staffing: &StaffingTable,
    book: &ChannelBook,
    staffing_source: &str,
    opening: Option<(&ShiftRules, &str)>,
    opts: &ReviewOptions,
) -> Result<Vec<ReviewRow>, ReviewError> {
    review_with_sim(forecast, staffing, book, staffing_source, opening, opts).map(|r| r.0)
}

/// [`review`], also returning the simulation, the forecast it ran on and
/// the blends of inbound agents with outbound campaigns (the channels
/// file's `[group.NAME] blend` tables, as in the plan: see
/// [`crate::plan::blend`]; the reserve chosen by simulation).
pub(crate) fn review_with_sim(
    forecast: &Forecast,
    staffing: &StaffingTable,
    book: &ChannelBook,
    staffing_source: &str,
    opening: Option<(&ShiftRules, &str)>,
    opts: &ReviewOptions,
) -> Result<(Vec<ReviewRow>, SimResult, Forecast, Vec<BlendOutcome>), ReviewError> {
    let Required {
        forecast,
        rows: required,
        saved,
        sim_book,
        blends,
        book,
    } = required(forecast, book, opening)?;
    let forecast = &forecast;
    let mut built = from_forecast(forecast, staffing, &sim_book, staffing_source)?
        .replications(opts.replications)
        .seed(opts.seed)
        .threads(opts.threads)
        .limits(opts.limits)
        .build()?;
    let (sim, chosen) = if blends.is_empty() {
        (built.run(None)?, Vec::new())
    } else {
        let (choice, sim) = crate::sim::choose_reserves_and_run(&mut built, &|c: &str| {
            book.resolve(c).ok().map(|x| x.targets)
        })?;
        (sim, choice.by_day)
    };
    let blends = blend_outcomes(&sim, &blends, &saved, &chosen);
    let scheduled: std::collections::HashMap<(Date, Time, &str), u32> = staffing
        .rows
        .iter()
        .map(|r| ((r.date, r.time, r.group.as_str()), r.agents))
        .collect();
    let mut rows = Vec::with_capacity(required.len());
    for r in &required {
        let Some(m) = sim.interval_at(&r.channel, r.date, r.time) else {
            return Err(ReviewError::Internal(format!(
                "channel {} at {} {} was not simulated",
                r.channel,
                r.date,
                format_time(r.time)
            )));
        };
        let targets = book.resolve(&r.channel)?.targets;
        let misses = misses_target(&targets, &m);
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
            occupancy: m.occupancy,
            misses_target: misses,
        });
    }
    Ok((rows, sim, forecast.clone(), blends))
}

/// Writes the review CSV: `date,time,channel,volume,required,scheduled,short,
/// service_level,service_level_ci95,abandon_rate,abandon_rate_ci95,asa_s,asa_s_ci95,misses_target,occupancy,occupancy_ci95`
/// (occupancy last, so the columns before keep their places).
impl crate::io::table::CsvRow for ReviewRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("time", |r| format_time(r.time)),
        ("channel", |r| r.channel.clone()),
        ("volume", |r| crate::core::textio::fmt_num(r.volume, 4)),
        ("required", |r| r.required.to_string()),
        ("scheduled", |r| r.scheduled.to_string()),
        ("short", |r| r.short.to_string()),
        ("service_level", |r| {
            crate::core::textio::fmt_cell(r.service_level.mean, 4)
        }),
        ("service_level_ci95", |r| {
            crate::core::textio::fmt_cell(r.service_level.ci95, 4)
        }),
        ("abandon_rate", |r| {
            crate::core::textio::fmt_cell(r.abandon_rate.mean, 4)
        }),
        ("abandon_rate_ci95", |r| {
            crate::core::textio::fmt_cell(r.abandon_rate.ci95, 4)
        }),
        ("asa_s", |r| crate::core::textio::fmt_cell(r.asa_s.mean, 4)),
        ("asa_s_ci95", |r| {
            crate::core::textio::fmt_cell(r.asa_s.ci95, 4)
        }),
        ("misses_target", |r| {
            if r.misses_target { "yes" } else { "no" }.to_string()
        }),
        ("occupancy", |r| {
            crate::core::textio::fmt_cell(r.occupancy.mean, 4)
        }),
        ("occupancy_ci95", |r| {
            crate::core::textio::fmt_cell(r.occupancy.ci95, 4)
        }),
    ];
}

/// Writes the table (columns: [`ReviewRow`]'s `CsvRow`).
pub fn write_review<W: std::io::Write>(w: W, rows: &[ReviewRow]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::channels::ChannelsFile;
    use crate::models::requirement::StaffingRow;

    fn forecast() -> Forecast {
        let s = crate::demand::scenario::Scenario::parse(
            "[channel.phone]\ndaily_volume = 2000\naht_s = 240\n",
            "s.toml",
        )
        .unwrap();
        let d = "2026-03-10".parse().unwrap();
        s.forecast(d, d).unwrap()
    }

    fn book() -> ChannelBook {
        let file = ChannelsFile::parse(
            "[channel.phone]\nservice_level = 0.8\nanswer_within_s = 20\npatience_s = 150\n",
            "c.toml",
        )
        .unwrap();
        ChannelBook::new(file, "c.toml", Default::default())
    }

    fn flat(f: &Forecast, agents: u32) -> StaffingTable {
        StaffingTable {
            rows: f
                .rows
                .iter()
                .map(|r| StaffingRow::new(r.date, r.time, "phone", agents))
                .collect(),
        }
    }

    #[test]
    fn short_hours_are_found_and_flagged() {
        let f = forecast();
        let opts = ReviewOptions {
            replications: 8,
            ..ReviewOptions::default()
        };
        let rows = review(&f, &flat(&f, 8), &book(), "st.csv", None, &opts).unwrap();
        assert_eq!(rows.len(), 48);
        for r in &rows {
            assert_eq!(r.scheduled, 8);
            assert_eq!(r.short, r.required.saturating_sub(8));
        }
        // The 10:00 peak needs far more than 8 agents; the simulation agrees.
        let peak = rows.iter().find(|r| r.time.hour() == 10).unwrap();
        assert!(peak.short > 0 && peak.misses_target, "{peak:?}");
        // A roster of the required agents everywhere is short nowhere.
        let most = rows.iter().map(|r| r.required).max().unwrap();
        let rows = review(&f, &flat(&f, most + 2), &book(), "st.csv", None, &opts).unwrap();
        assert!(rows.iter().all(|r| r.short == 0));
        assert!(rows.iter().filter(|r| r.misses_target).count() <= 1);
    }

    #[test]
    fn a_staffing_row_of_an_unknown_channel_is_an_error_not_channel_zero() {
        let f = forecast();
        let mut st = flat(&f, 10);
        st.rows[3].group = "chat".into();
        st.rows[3].line = 5;
        let e = review(&f, &st, &book(), "st.csv", None, &ReviewOptions::default()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("st.csv:5:") && msg.contains("chat"),
            "{msg}"
        );
    }
}
