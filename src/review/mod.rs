//! The holiday capacity review: with the people we will actually have on
//! those days, what service will customers get, where are we short, and what
//! does it cost?
//!
//! [`capacity_review`] takes the demand (a forecast), the supply (the agents
//! on duty per interval: from a [`crate::supply::team::Team`] or a staffing table)
//! and the channel settings, and returns per interval and channel the
//! required and available agents with the simulated service
//! ([`crate::review::intervals::review`]), and per day and channel what a head of
//! customer service reads: demand against capacity in agent-hours, the
//! shortfall, the daily service level and abandonment with their 95%
//! confidence intervals, the deferred backlog carried from day to day, and
//! the paid hours and cost with holiday pay. A target miss uses the one
//! rule of [`crate::sim::misses_target`].

pub mod decision;
pub mod intervals;
pub mod risk;
pub mod whatif;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::core::textio::{fmt_cell as num, fmt_num};
use crate::demand::forecast::Forecast;
use crate::models::channels::ChannelBook;
use crate::models::requirement::{StaffingRow, StaffingTable};
use crate::models::staffing::Targets;
use crate::optimize::shifts::ShiftRules;
use crate::review::intervals::{review_with_sim, ReviewError, ReviewOptions, ReviewRow};
use crate::sim::Estimate;
use crate::supply::team::{DaySupply, Levers, Team};

/// Where the agents come from.
#[derive(Debug, Clone, Copy)]
pub enum SupplySource<'a> {
    /// The team as it is: its supply is computed over the forecast's days.
    Team(&'a Team),
    /// A staffing table `date,time,channel,agents` (named for errors).
    Staffing(&'a StaffingTable, &'a str),
}

/// What a capacity review is made from.
#[derive(Debug, Clone, Copy)]
pub struct CapacityInputs<'a> {
    /// The demand.
    pub forecast: &'a Forecast,
    /// The supply.
    pub supply: SupplySource<'a>,
    /// Channel settings (targets, bot, concurrency, simulator keys).
    pub book: &'a ChannelBook,
    /// Shift rules (with their file name): opening hours, and with a team
    /// the shift types and premiums its costs are priced with.
    pub rules: Option<(&'a ShiftRules, &'a str)>,
    /// Levers of a what-if on the supply (none for the base).
    pub adjust: Option<&'a Adjustments>,
    /// The collections books whose campaigns the forecast holds: the
    /// balances of the accounts left unreached ([`risk`]; empty: none).
    pub collections: &'a [crate::demand::collections::Collections],
}

/// A what-if's levers on the supply: the team's ([`Levers`]: overtime,
/// temporary shifts) and agents borrowed between channels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Adjustments {
    /// Overtime and temporary shifts.
    pub levers: Levers,
    /// Agents moved from one channel to another on some days.
    pub borrow: Vec<BorrowLever>,
}

/// Up to `agents` of channel `from` serve channel `to` all day on `dates`
/// (never more than `from` has on duty in an interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BorrowLever {
    /// The lending channel.
    pub from: String,
    /// The borrowing channel.
    pub to: String,
    /// Agents moved.
    pub agents: u32,
    /// The days.
    pub dates: Vec<Date>,
}

/// One day of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayReview {
    /// Date.
    pub date: Date,
    /// Channel.
    pub channel: String,
    /// Contacts forecast.
    pub volume: f64,
    /// Agent-hours the formulas require.
    pub required_h: f64,
    /// Agent-hours available (on duty, not on a break).
    pub available_h: f64,
    /// Agent-hours short (summed over the intervals that are short).
    pub short_h: f64,
    /// Intervals whose simulated service misses a target.
    pub misses: usize,
    /// Simulated daily service level.
    pub service_level: Estimate,
    /// Simulated daily abandonment rate.
    pub abandon_rate: Estimate,
    /// Contacts abandoned.
    pub abandoned: Estimate,
    /// Deferred work waiting at the end of the day (0 for live channels).
    pub backlog: Estimate,
}

/// Totals of one channel over the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Channel.
    pub channel: String,
    /// The channel's targets.
    pub targets: Targets,
    /// Simulated service level over the whole review.
    pub service_level: Estimate,
    /// Simulated abandonment over the whole review.
    pub abandon_rate: Estimate,
    /// The day with the lowest simulated service level.
    pub worst_day: Option<(Date, f64)>,
    /// The interval with the largest shortfall `(date, time, agents short)`.
    pub worst_interval: Option<(Date, jiff::civil::Time, u32)>,
    /// Agent-hours short over the review.
    pub short_h: f64,
    /// Intervals missing a target.
    pub misses: usize,
    /// The largest end-of-day backlog and its day.
    pub backlog_peak: Option<(Date, f64)>,
    /// The first day after the peak that ends with (almost) no backlog:
    /// below 1 contact, or 2% of the peak.
    pub backlog_cleared: Option<Date>,
    /// Service level and abandonment of each replication over the review
    /// (for paired comparisons of variants).
    pub by_replication: Vec<[f64; 2]>,
}

/// A capacity review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityReview {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// First and last day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// The days off of the team's calendar in the review (for shading).
    pub days_off: Vec<Date>,
    /// Per interval and channel.
    pub intervals: Vec<ReviewRow>,
    /// Per day and channel.
    pub days: Vec<DayReview>,
    /// Per channel.
    pub channels: Vec<ChannelSummary>,
    /// Agents on duty per interval and channel, as simulated.
    pub available: StaffingTable,
    /// Per day and group: on the books, on leave, rostered, paid hours and
    /// cost (empty when the supply is a staffing table).
    pub supply: Vec<DaySupply>,
    /// Per outbound campaign and day: attempts, connected, dropped,
    /// accounts reached and unreached.
    #[serde(default)]
    pub campaigns: Vec<CampaignDay>,
    /// Inbound agents blending with a campaign, with the reserve chosen.
    #[serde(default)]
    pub blends: Vec<crate::plan::BlendOutcome>,
    /// Per campaign day: the accounts left unreached, the balance they
    /// carry and what calling them again would cost ([`risk`]).
    #[serde(default)]
    pub at_risk: Vec<risk::AccountsAtRisk>,
}

pub use crate::sim::CampaignDay;

/// The team working the best roster its people can work against the
/// review's requirement (the supply model of
/// [`crate::supply::team`]'s `scheduled`): the requirement is the review's
/// own (closed hours moved to the opening, hires'
/// AHT, blends' credit), so the roster is scheduled against what the review
/// then measures. Returns the team and the roster its people work.
pub fn schedule_team(
    team: &Team,
    forecast: &Forecast,
    book: &ChannelBook,
    rules: (&ShiftRules, &str),
    opts: &crate::optimize::schedule::ScheduleOptions,
) -> Result<(Team, crate::optimize::schedule::Roster), ReviewError> {
    let mut forecast = forecast.clone();
    for row in &mut forecast.rows {
        if let Some(g) = team.group_of(&row.channel) {
            row.aht_s *= team.aht_factor(g, row.date);
        }
    }
    let req = intervals::required(&forecast, book, Some(rules))?;
    let requirement =
        crate::models::requirement::Requirement::from_staff_rows(&req.rows, forecast.interval_min)
            .map_err(|e| InputError::file("forecast", e.to_string()))?
            .ok_or_else(|| InputError::file("forecast", "the forecast has no rows"))?;
    Ok(team.scheduled(&requirement, rules.0, opts, rules.1)?)
}

/// Runs the capacity review.
pub fn capacity_review(
    inputs: &CapacityInputs<'_>,
    opts: &ReviewOptions,
) -> Result<CapacityReview, ReviewError> {
    let f = inputs.forecast;
    let (Some(from), Some(to)) = (
        f.rows.iter().map(|r| r.date).min(),
        f.rows.iter().map(|r| r.date).max(),
    ) else {
        return Err(ReviewError::Input(InputError::file(
            "forecast",
            "the forecast has no rows",
        )));
    };
    let im = f.interval_min;
    let mut forecast = f.clone();
    let (available, supply, source, days_off) = match inputs.supply {
        SupplySource::Team(team) => {
            let (rules, _) = inputs.rules.ok_or_else(|| {
                InputError::file(
                    &team.source,
                    "a team's rosters need the shift rules (Request.shifts, or the scenario's shifts_file)",
                )
            })?;
            let levers = inputs.adjust.map(|a| a.levers.clone()).unwrap_or_default();
            let s = team.supply_with(from, to, im, rules, &levers)?;
            // Channel by channel: each group serves one channel.
            let mut table = StaffingTable::default();
            for g in team.groups.values() {
                if g.channels.len() != 1 {
                    return Err(ReviewError::Input(InputError::at_key(
                        &team.source,
                        format!("[group.{}] channels", g.name),
                        "the review compares required and available agents channel by channel: give each group one channel",
                    )));
                }
            }
            check_team_channels(team, &f.channels())?;
            for r in &s.staffing.rows {
                let ch = &team.groups[&r.group].channels[0];
                table
                    .rows
                    .push(StaffingRow::new(r.date, r.time, ch, r.agents));
            }
            // New hires work slower: their group's channels get the AHT factor.
            for row in &mut forecast.rows {
                if let Some(g) = team.group_of(&row.channel) {
                    row.aht_s *= team.aht_factor(g, row.date);
                }
            }
            let mut off = Vec::new();
            let mut d = from;
            while d <= to {
                if team.calendar.is_day_off(d)
                    && team.calendar.day_type(d) != crate::core::calendar::DayType::Weekend
                {
                    off.push(d);
                }
                d = match d.tomorrow() {
                    Ok(n) => n,
                    Err(_) => break,
                };
            }
            (table, s.days, team.source.clone(), off)
        }
        SupplySource::Staffing(t, name) => (t.clone(), Vec::new(), name.to_string(), Vec::new()),
    };
    let mut available = available;
    if let Some(adj) = inputs.adjust {
        for b in &adj.borrow {
            let moved: std::collections::HashMap<(Date, jiff::civil::Time), u32> = available
                .rows
                .iter_mut()
                .filter(|r| r.group == b.from && b.dates.contains(&r.date))
                .map(|r| {
                    let m = r.agents.min(b.agents);
                    r.agents -= m;
                    ((r.date, r.time), m)
                })
                .collect();
            for r in available.rows.iter_mut().filter(|r| r.group == b.to) {
                if let Some(m) = moved.get(&(r.date, r.time)) {
                    r.agents = r.agents.saturating_add(*m);
                }
            }
        }
    }
    // Staffing of intervals the simulation does not have (before the first
    // or after the last forecast interval, or of channels not forecast) is
    // left out: the team's supply covers whole days.
    let channels: std::collections::BTreeSet<&str> =
        forecast.rows.iter().map(|r| r.channel.as_str()).collect();
    let opening = inputs.rules;
    let mut moved = forecast.clone();
    if let Some((rules, rs)) = opening {
        crate::plan::move_to_opening(&mut moved, rules, rs)?;
    }
    let first = moved.rows.iter().map(|r| r.date.to_datetime(r.time)).min();
    let last = moved.rows.iter().map(|r| r.date.to_datetime(r.time)).max();
    let staffing = StaffingTable {
        rows: available
            .rows
            .iter()
            .filter(|r| {
                let at = r.date.to_datetime(r.time);
                channels.contains(r.group.as_str())
                    && first.is_some_and(|a| at >= a)
                    && last.is_some_and(|b| at <= b)
            })
            .cloned()
            .collect(),
    };
    let (intervals, sim, _, blends) =
        review_with_sim(&forecast, &staffing, inputs.book, &source, opening, opts)?;
    let campaigns = sim.campaigns();
    let book = inputs.book.one_group_per_channel();
    let h = f64::from(im) / 60.0;
    // Per day and channel.
    let mut days = Vec::new();
    let mut summaries = Vec::new();
    let day_index: BTreeMap<Date, (usize, usize)> = sim
        .periods
        .iter()
        .take(sim.periods.len().saturating_sub(1))
        .filter_map(|&(a, b)| sim.labels.get(a).map(|l| (l.0, (a, b))))
        .collect();
    for (c, name) in sim.channels.iter().enumerate() {
        let targets = book.resolve(name)?.targets;
        let rows: Vec<&ReviewRow> = intervals.iter().filter(|r| &r.channel == name).collect();
        let mut ch_days = Vec::new();
        for (&date, &(a, b)) in &day_index {
            let Some(m) = sim.span(c, a, b) else { continue };
            let mine = rows.iter().filter(|r| r.date == date);
            let (mut vol, mut req, mut have, mut short, mut misses) = (0.0, 0.0, 0.0, 0.0, 0);
            for r in mine {
                vol += r.volume;
                req += f64::from(r.required) * h;
                have += f64::from(r.scheduled) * h;
                short += f64::from(r.short) * h;
                misses += usize::from(r.misses_target);
            }
            ch_days.push(DayReview {
                date,
                channel: name.clone(),
                volume: vol,
                required_h: req,
                available_h: have,
                short_h: short,
                misses,
                service_level: m.service_level,
                abandon_rate: m.abandon_rate,
                abandoned: m.abandoned,
                backlog: m.backlog,
            });
        }
        let all = sim.summary_all(c);
        let worst_day = ch_days
            .iter()
            .filter(|d| d.service_level.mean.is_finite())
            .min_by(|x, y| x.service_level.mean.total_cmp(&y.service_level.mean))
            .map(|d| (d.date, d.service_level.mean));
        let worst_interval = rows
            .iter()
            .filter(|r| r.short > 0)
            .max_by(|x, y| {
                x.short
                    .cmp(&y.short)
                    .then(y.date.cmp(&x.date))
                    .then(y.time.cmp(&x.time))
            })
            .map(|r| (r.date, r.time, r.short));
        let peak = ch_days
            .iter()
            .filter(|d| d.backlog.mean.is_finite() && d.backlog.mean > 0.0)
            .max_by(|x, y| x.backlog.mean.total_cmp(&y.backlog.mean))
            .map(|d| (d.date, d.backlog.mean));
        let cleared = peak.and_then(|(pd, pv)| {
            ch_days
                .iter()
                .find(|d| d.date > pd && d.backlog.mean < (0.02 * pv).max(1.0))
                .map(|d| d.date)
        });
        summaries.push(ChannelSummary {
            channel: name.clone(),
            targets,
            service_level: all.map_or(Estimate::from_values(&[]), |m| m.service_level),
            abandon_rate: all.map_or(Estimate::from_values(&[]), |m| m.abandon_rate),
            worst_day,
            worst_interval,
            short_h: ch_days.iter().map(|d| d.short_h).sum(),
            misses: ch_days.iter().map(|d| d.misses).sum(),
            backlog_peak: peak,
            backlog_cleared: cleared,
            by_replication: sim
                .replication_values(c, 0, sim.labels.len())
                .unwrap_or_default(),
        });
        days.extend(ch_days);
    }
    Ok(CapacityReview {
        interval_min: im,
        from,
        to,
        days_off,
        intervals,
        days,
        channels: summaries,
        available: staffing,
        supply,
        at_risk: risk::accounts_at_risk(
            &campaigns,
            inputs.collections,
            inputs.book,
            inputs.rules.map(|r| r.0),
        ),
        campaigns,
        blends,
    })
}

/// The per-day CSV (`days.csv`): one row per day and channel.
impl crate::io::table::CsvRow for DayReview {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |d| d.date.to_string()),
        ("channel", |d| d.channel.clone()),
        ("volume", |d| num(d.volume, 2)),
        ("required_h", |d| num(d.required_h, 2)),
        ("available_h", |d| num(d.available_h, 2)),
        ("short_h", |d| num(d.short_h, 2)),
        ("misses", |d| d.misses.to_string()),
        ("service_level", |d| num(d.service_level.mean, 4)),
        ("service_level_ci95", |d| num(d.service_level.ci95, 4)),
        ("abandon_rate", |d| num(d.abandon_rate.mean, 4)),
        ("abandon_rate_ci95", |d| num(d.abandon_rate.ci95, 4)),
        ("abandoned", |d| num(d.abandoned.mean, 2)),
        ("backlog", |d| num(d.backlog.mean, 2)),
    ];
}

/// Writes the per-day CSV (columns: [`DayReview`]'s `CsvRow`).
pub fn write_days<W: std::io::Write>(w: W, days: &[DayReview]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, days)
}

/// The per-campaign-day CSV (`campaigns.csv`; means over replications;
/// `connects` are answers by anyone, `right_party` by the debtor; `dropped`
/// and `abandon_share`, dropped over connects, are the predictive dialer's
/// silent calls).
impl crate::io::table::CsvRow for CampaignDay {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |c| c.day.date.to_string()),
        ("channel", |c| c.channel.clone()),
        ("attempts", |c| num(c.day.attempts, 2)),
        ("connects", |c| num(c.day.connects, 2)),
        ("right_party", |c| num(c.day.right_party, 2)),
        ("dropped", |c| num(c.day.dropped, 2)),
        ("abandon_share", |c| num(c.day.abandon_share(), 4)),
        ("accounts", |c| num(c.day.accounts, 2)),
        ("accounts_reached", |c| num(c.day.accounts_reached, 2)),
        ("accounts_unreached", |c| num(c.day.unreached(), 2)),
    ];
}

/// Writes the per-campaign-day CSV (columns: [`CampaignDay`]'s `CsvRow`).
pub fn write_campaigns<W: std::io::Write>(w: W, days: &[CampaignDay]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, days)
}

/// The per-day supply CSV (`supply.csv`): one row per day and group.
impl crate::io::table::CsvRow for DaySupply {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |d| d.date.to_string()),
        ("group", |d| d.group.clone()),
        ("roster_weekday", |d| {
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.roster_weekday % 7].to_string()
        }),
        ("on_books", |d| d.on_books.to_string()),
        ("on_leave", |d| d.on_leave.to_string()),
        ("rostered", |d| d.rostered.to_string()),
        ("paid_hours", |d| fmt_num(d.paid_hours, 2)),
        ("cost", |d| fmt_num(d.cost, 2)),
    ];
}

/// Writes the per-day supply CSV (columns: [`DaySupply`]'s `CsvRow`).
pub fn write_supply<W: std::io::Write>(w: W, days: &[DaySupply]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, days)
}

/// Every group of the team serves a channel of the demand, and every
/// channel of the demand is served by a group: a group serving nothing
/// (paid, idle) or a channel nobody serves (its demand reviewed against no
/// one by accident) is an error at the team's `[group.NAME] channels`.
fn check_team_channels(
    team: &crate::supply::team::Team,
    demand: &[&str],
) -> Result<(), ReviewError> {
    for g in team.groups.values() {
        if let Some(c) = g.channels.iter().find(|c| !demand.contains(&c.as_str())) {
            return Err(ReviewError::Input(InputError::at_key(
                &team.source,
                format!("[group.{}] channels", g.name),
                format!(
                    "channel {} is not in the demand (it has {}): the group would be paid to serve nothing",
                    crate::core::textio::shorten(c, 60),
                    demand.join(", ")
                ),
            )));
        }
    }
    if let Some(c) = demand.iter().find(|c| team.group_of(c).is_none()) {
        return Err(ReviewError::Input(InputError::at_key(
            &team.source,
            "group".to_string(),
            format!(
                "no group serves channel {c} of the demand: add it to a group's channels, or review that channel with Request.staffing"
            ),
        )));
    }
    Ok(())
}
