//! The requirement: agents per interval and channel, and how a forecast
//! becomes one.
//!
//! - [`staff_forecast`] staffs every row of a forecast with the queueing
//!   formulas of [`crate::models::staffing`] under the settings of
//!   [`crate::models::channels`]: one [`StaffRow`] per row, with its metrics (the
//!   CSV of `wfm staff`).
//! - [`StaffingTable`] is agents per interval and group as a CSV holds them
//!   (`date,time,group,agents`, or `channel`), with each row's line for
//!   errors: the input of `wfm schedule` (required agents) and of
//!   `wfm simulate` (agents on duty).
//! - [`Requirement`] is the same data dense on an [`IntervalGrid`]: what the
//!   shift optimizer covers.
//!
//! This module sits above `channels`, `staffing` and `forecast`, and below
//! `sim`, `schedule`, `plan` and `review`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use jiff::civil::{Date, Time};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::grid::IntervalGrid;
use crate::core::input::{InputError, Warning};
use crate::core::textio::{fmt_num, format_time};
use crate::demand::forecast::Forecast;
use crate::models::channels::{Channel, ChannelBook, ChannelKind};
use crate::models::staffing::{
    deferred_requirement, fte, required_agents, DeferredInterval, Model, StaffingError, Workload,
};

/// Most agents in one interval of one group (10 million): the staffing
/// search's cap, and the simulator's (agents are numbered in 30 bits inside
/// the event loop, with room for those finishing a contact after their shift).
pub use crate::models::staffing::MAX_AGENTS;

mod staff;
pub use staff::staff_forecast;

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
    /// The model used.
    pub model: StaffModel,
}

/// The model a row was staffed with: a queueing model, or the fluid
/// deadline model of deferred work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffModel {
    /// Erlang C ([`Model::ErlangC`]).
    ErlangC,
    /// Erlang A ([`Model::ErlangA`]).
    ErlangA,
    /// Deferred work ([`crate::models::staffing::deferred_requirement`]).
    Deferred,
    /// An outbound campaign's dialer ([`crate::models::dialer::staff_campaign`]).
    Dialer(crate::models::dialer::DialerMode),
}

impl From<Model> for StaffModel {
    fn from(m: Model) -> Self {
        match m {
            Model::ErlangC => StaffModel::ErlangC,
            Model::ErlangA => StaffModel::ErlangA,
        }
    }
}

impl std::fmt::Display for StaffModel {
    /// `erlang-c`, `erlang-a` or `deferred`, as in the CSV.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StaffModel::ErlangC => "erlang-c",
            StaffModel::ErlangA => "erlang-a",
            StaffModel::Deferred => "deferred",
            StaffModel::Dialer(m) => return write!(f, "{m}"),
        })
    }
}

/// The columns of the staffing CSV, in order ([`StaffRow`]'s `CsvRow`).
pub const STAFF_COLUMNS: [&str; 14] =
    crate::io::table::names(<StaffRow as crate::io::table::CsvRow>::COLUMNS);

/// The staffing CSV: one row per interval and channel.
impl crate::io::table::CsvRow for StaffRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("time", |r| format_time(r.time)),
        ("channel", |r| r.channel.clone()),
        ("volume", |r| fmt_num(r.volume, 4)),
        ("aht_s", |r| fmt_num(r.aht_s, 3)),
        ("agents", |r| r.agents.to_string()),
        ("fte", |r| fmt_num(r.fte, 3)),
        ("service_level", |r| fmt_num(r.service_level, 6)),
        ("asa_s", |r| fmt_num(r.asa_s, 3)),
        ("p_wait", |r| fmt_num(r.p_wait, 6)),
        ("abandon_rate", |r| fmt_num(r.abandon_rate, 6)),
        ("occupancy", |r| fmt_num(r.occupancy, 6)),
        ("load_erl", |r| fmt_num(r.load_erl, 4)),
        ("model", |r| r.model.to_string()),
    ];
}

/// Warnings where a forecast's outbound channel and its campaign disagree:
/// the forecast's mean `aht_s` of a campaign channel (the collections
/// book writes the preview agent time of an attempt, `dial_s + reach ×
/// talk_s + wrap_s`, from its tier's times) against the campaign's own
/// `dial_s + T + wrap_s` (`T` the talk per attempt), when they differ by
/// more than 15%: staffing and simulation use the campaign's times, so
/// the book and the channels file should tell the same story.
pub fn outbound_time_warnings(
    forecast: &crate::demand::forecast::Forecast,
    book: &crate::models::channels::ChannelBook,
) -> Vec<crate::core::input::Warning> {
    let mut sums: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
    for r in forecast
        .rows
        .iter()
        .filter(|r| r.volume > 0.0 && r.aht_s.is_finite())
    {
        let e = sums.entry(r.channel.as_str()).or_default();
        e.0 += r.volume * r.aht_s;
        e.1 += r.volume;
    }
    let mut out = Vec::new();
    for (name, (work, n)) in sums {
        let Some(c) = book.resolve(name).ok().and_then(|ch| ch.outbound) else {
            continue;
        };
        let forecast_s = work / n;
        let campaign_s = c.dial_s + c.talk_per_attempt_s() + c.wrap_s;
        if campaign_s > 0.0 && (forecast_s / campaign_s - 1.0).abs() > 0.15 {
            out.push(crate::core::input::Warning(format!(
                "{name}: the forecast's agent time per attempt ({forecast_s:.0} s, dial + reach × talk + wrap) differs from its campaign's in {} ({campaign_s:.0} s) by {:.0}%; staffing and simulation use the campaign's",
                book.source,
                100.0 * (forecast_s / campaign_s - 1.0).abs()
            )));
        }
    }
    out
}

/// Writes staffing rows as CSV with [`STAFF_COLUMNS`].
pub fn write_staffing<W: Write>(w: W, rows: &[StaffRow]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

/// Agents per interval and group, read from a CSV
/// `date,time,group,agents` (or `channel` in place of `group`). The output
/// of `wfm staff` is accepted as is: its other columns are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffingTable {
    /// The rows.
    pub rows: Vec<StaffingRow>,
}

/// Agents of one group (or channel) in one interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffingRow {
    /// Date.
    pub date: Date,
    /// Interval start.
    pub time: Time,
    /// Group (or channel) name.
    pub group: String,
    /// Agents working (not on a break).
    pub agents: u32,
    /// The line of the source file (0 when not from a file).
    #[serde(skip)]
    pub line: u64,
}

impl StaffingRow {
    /// A row not read from a file.
    pub fn new(date: Date, time: Time, group: &str, agents: u32) -> Self {
        StaffingRow {
            date,
            time,
            group: group.to_string(),
            agents,
            line: 0,
        }
    }
}

impl StaffingTable {
    /// Reads the staffing CSV; `source` names it in errors.
    pub fn read<R: std::io::Read>(
        rdr: R,
        source: &str,
        interval_min: u32,
    ) -> Result<(Self, Vec<Warning>), InputError> {
        crate::core::grid::check_interval_min(interval_min)
            .map_err(|e| InputError::file(source, e.to_string()))?;
        let mut rdr = crate::core::textio::csv_reader(rdr);
        let headers = rdr
            .headers()
            .map_err(|e| InputError::from_csv(source, &e))?
            .clone();
        let group_col = if headers.iter().any(|h| h.trim() == "group") {
            "group"
        } else {
            "channel"
        };
        let mut known: Vec<&str> = STAFF_COLUMNS.to_vec();
        known.push("group");
        known.retain(|k| !["date", "time", "agents", group_col].contains(k));
        let (headers, idx, warnings) = crate::core::textio::read_header(
            &mut rdr,
            source,
            &["date", "time", group_col, "agents"],
            &known,
        )?;
        let mut out = StaffingTable::default();
        let mut seen: HashMap<(Date, Time, String), u64> = HashMap::new();
        crate::core::textio::each_record(&mut rdr, source, &headers, |cell| {
            let line = cell.line;
            let date = cell.date(idx[0].unwrap_or(0))?;
            let time = cell.time(idx[1].unwrap_or(0), interval_min)?;
            let group = cell.text(idx[2].unwrap_or(0), &format!("a {group_col} name"))?;
            let ai = idx[3].unwrap_or(0);
            let agents: u32 = cell
                .raw(ai)
                .parse()
                .ok()
                .filter(|&n| n <= MAX_AGENTS)
                .ok_or_else(|| {
                    cell.err(
                        ai,
                        &format!("a whole number of agents from 0 to {MAX_AGENTS}"),
                    )
                })?;
            if let Some(first) = seen.insert((date, time, group.clone()), line) {
                return Err(InputError::at(
                    source,
                    line,
                    format!(
                        "duplicate row for {date} {} {group} (first on line {first})",
                        format_time(time)
                    ),
                ));
            }
            out.rows.push(StaffingRow {
                date,
                time,
                group,
                agents,
                line,
            });
            Ok(())
        })?;
        Ok((out, warnings))
    }

    /// Reads a staffing CSV file.
    pub fn from_path(
        path: &std::path::Path,
        interval_min: u32,
    ) -> Result<(Self, Vec<Warning>), InputError> {
        let text = crate::core::textio::read_text(path)?;
        Self::read(text.as_bytes(), &path.display().to_string(), interval_min)
    }
}

/// Why a requirement cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequirementError {
    /// The grid is not valid (interval length, span).
    #[error(transparent)]
    Grid(#[from] crate::core::grid::GridError),
    /// A channel's vector does not have one entry per interval of the grid.
    #[error("channel {channel}: {len} values for a grid of {expected} intervals")]
    Length {
        /// The channel.
        channel: String,
        /// Its length.
        len: usize,
        /// Intervals on the grid.
        expected: usize,
    },
    /// A value above [`MAX_AGENTS`].
    #[error("channel {channel}: {agents} agents in one interval; at most {MAX_AGENTS}")]
    TooMany {
        /// The channel.
        channel: String,
        /// The value.
        agents: u32,
    },
}

/// Agents required per interval and channel, dense on an [`IntervalGrid`]:
/// what the shift optimizer covers. Built checked ([`Requirement::new`],
/// [`Requirement::from_table`], [`Requirement::from_staff_rows`]), so every
/// channel has one value per interval of the grid; `Deserialize` checks too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RequirementParams")]
pub struct Requirement {
    grid: IntervalGrid,
    channels: BTreeMap<String, Vec<u32>>,
}

#[derive(Deserialize)]
struct RequirementParams {
    grid: IntervalGrid,
    channels: BTreeMap<String, Vec<u32>>,
}

impl TryFrom<RequirementParams> for Requirement {
    type Error = RequirementError;
    fn try_from(p: RequirementParams) -> Result<Self, RequirementError> {
        Self::new(p.grid, p.channels)
    }
}

impl Requirement {
    /// A requirement on `grid`: `channels` maps each channel to its agents
    /// per interval, `grid.len()` values from 00:00 of the first day.
    ///
    /// ```
    /// use wfm::core::grid::IntervalGrid;
    /// use wfm::models::requirement::Requirement;
    /// let grid = IntervalGrid::new(60, "2026-03-10".parse().unwrap(), 1).unwrap();
    /// let req = Requirement::new(grid, [("phone".to_string(), vec![2; 24])].into()).unwrap();
    /// assert_eq!(req.agent_intervals(), 48);
    /// assert!(Requirement::new(grid, [("phone".to_string(), vec![2; 23])].into()).is_err());
    /// ```
    pub fn new(
        grid: IntervalGrid,
        channels: BTreeMap<String, Vec<u32>>,
    ) -> Result<Self, RequirementError> {
        for (name, v) in &channels {
            if v.len() != grid.len() {
                return Err(RequirementError::Length {
                    channel: name.clone(),
                    len: v.len(),
                    expected: grid.len(),
                });
            }
            if let Some(&agents) = v.iter().find(|&&a| a > MAX_AGENTS) {
                return Err(RequirementError::TooMany {
                    channel: name.clone(),
                    agents,
                });
            }
        }
        Ok(Self { grid, channels })
    }

    /// Gathers a requirement from a staffing table (`date,time,channel,agents`)
    /// on intervals of `interval_min` minutes; `None` when the table has no
    /// rows. Errors name `source` and the line of an offending row (a time
    /// off the grid, a span of more than [`crate::core::grid::MAX_GRID_DAYS`] days).
    pub fn from_table(
        t: &StaffingTable,
        interval_min: u32,
        source: &str,
    ) -> Result<Option<Requirement>, InputError> {
        let (Some(first), Some(last)) = (
            t.rows.iter().map(|r| r.date).min(),
            t.rows.iter().map(|r| r.date).max(),
        ) else {
            return Ok(None);
        };
        let grid = IntervalGrid::covering(interval_min, first, last).map_err(|e| {
            let far = t.rows.iter().find(|r| r.date == last).map_or(0, |r| r.line);
            InputError::at(source, far, format!("rows from {first} to {last}: {e}"))
        })?;
        let mut channels: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for r in &t.rows {
            let Some(i) = grid.index(r.date, r.time) else {
                return Err(InputError::at(
                    source,
                    r.line,
                    format!(
                        "{} {} is not on the {interval_min}-minute grid",
                        r.date,
                        format_time(r.time)
                    ),
                ));
            };
            channels
                .entry(r.group.clone())
                .or_insert_with(|| vec![0; grid.len()])[i] = r.agents.min(MAX_AGENTS);
        }
        Ok(Some(Requirement { grid, channels }))
    }

    /// The requirement of `wfm staff`'s rows (agents per row), on the grid
    /// of their dates; `None` when there are no rows.
    pub fn from_staff_rows(
        rows: &[StaffRow],
        interval_min: u32,
    ) -> Result<Option<Requirement>, RequirementError> {
        let (Some(first), Some(last)) = (
            rows.iter().map(|r| r.date).min(),
            rows.iter().map(|r| r.date).max(),
        ) else {
            return Ok(None);
        };
        let grid = IntervalGrid::covering(interval_min, first, last)?;
        let mut channels: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for r in rows {
            if let Some(i) = grid.index(r.date, r.time) {
                channels
                    .entry(r.channel.clone())
                    .or_insert_with(|| vec![0; grid.len()])[i] = r.agents.min(MAX_AGENTS);
            }
        }
        Ok(Some(Requirement { grid, channels }))
    }

    /// The grid.
    pub fn grid(&self) -> &IntervalGrid {
        &self.grid
    }

    /// Agents per interval of each channel.
    pub fn channels(&self) -> &BTreeMap<String, Vec<u32>> {
        &self.channels
    }

    /// Agents of `channel` in interval `i`, if both exist.
    pub fn get(&self, channel: &str, i: usize) -> Option<u32> {
        self.channels.get(channel)?.get(i).copied()
    }

    /// Sets `channel`'s requirement in interval `i` to `agents` (at most
    /// [`MAX_AGENTS`]); false when there is no such channel or interval.
    pub fn set(&mut self, channel: &str, i: usize, agents: u32) -> bool {
        match self.channels.get_mut(channel).and_then(|v| v.get_mut(i)) {
            Some(a) => {
                *a = agents.min(MAX_AGENTS);
                true
            }
            None => false,
        }
    }

    /// Adds `agents` to `channel` in interval `i` (saturating at
    /// [`MAX_AGENTS`]); false when there is no such channel or interval.
    pub fn raise(&mut self, channel: &str, i: usize, agents: u32) -> bool {
        match self.channels.get_mut(channel).and_then(|v| v.get_mut(i)) {
            Some(a) => {
                *a = a.saturating_add(agents).min(MAX_AGENTS);
                true
            }
            None => false,
        }
    }

    /// Agent-intervals over all channels.
    pub fn agent_intervals(&self) -> u64 {
        self.channels
            .values()
            .flatten()
            .map(|&a| u64::from(a))
            .sum()
    }

    /// The requirement as a table `date,time,channel,agents`, interval by interval.
    pub fn to_table(&self) -> StaffingTable {
        let mut t = StaffingTable::default();
        for i in 0..self.grid.len() {
            let Some((d, time)) = self.grid.at(i) else {
                break;
            };
            for (c, v) in &self.channels {
                t.rows.push(StaffingRow::new(d, time, c, v[i]));
            }
        }
        t
    }
}

/// Writes a staffing table as CSV `date,time,channel,agents`.
pub fn write_staffing_table<W: std::io::Write>(t: &StaffingTable, w: W) -> std::io::Result<()> {
    write_staffing_table_as(t, w, "channel")
}

/// Writes a staffing table as CSV `date,time,NAME,agents`, `name_column`
/// being `channel` or `group` (both are read by `wfm simulate --staffing`).
pub fn write_staffing_table_as<W: std::io::Write>(
    t: &StaffingTable,
    w: W,
    name_column: &str,
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["date", "time", name_column, "agents"])?;
    for r in &t.rows {
        out.write_record([
            r.date.to_string(),
            format_time(r.time),
            r.group.clone(),
            r.agents.to_string(),
        ])?;
    }
    out.flush()
}
