//! The holiday capacity review as a job (`wfm review`): the team as it is
//! against the holiday's demand, what-if variants on common random numbers,
//! the cheapest fix and the review again with it, and the report.
//!
//! ```no_run
//! use wfm::core::centre::Centre;
//! use wfm::jobs::review::{prepare, Request};
//! let centre = Centre::from_path("wfm.toml".as_ref()).unwrap();
//! let mut req = Request::on(Some(centre));
//! req.what_if = Some("scenarios/whatif_spring_festival.toml".into());
//! req.recommend = true;
//! let job = prepare(&req).unwrap();
//! let out = job.run().unwrap();
//! for line in out.summary() {
//!     println!("{line}");
//! }
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::demand::forecast::Forecast;
use crate::demand::scenario::Scenario;
use crate::models::channels::{ChannelBook, ChannelSettings};
use crate::models::requirement::StaffingTable;
use crate::optimize::shifts::ShiftRules;
use crate::review::intervals::ReviewOptions;
use crate::review::whatif::{Comparison, Fix, Variant};
use crate::review::{capacity_review, CapacityInputs, CapacityReview, SupplySource};
use crate::sim::SimLimits;
use crate::supply::team::Team;

/// The files of a review directory, in order; the first CSV
/// (`intervals.csv`) is what the review prints with no directory.
pub const FILES: [&str; 12] = [
    "index.html",
    "intervals.csv",
    "days.csv",
    "available.csv",
    "supply.csv",
    "variants.csv",
    "fix.csv",
    "campaigns.csv",
    "team_roster.csv",
    "decision.csv",
    "fix_summary.csv",
    "accounts_at_risk.csv",
];

/// What to review. Every path left `None` is the centre's item; a given
/// path overrides it (with a note). With the `cli` feature the fields are
/// the flags of `wfm review` (their doc comments are its help).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(group(clap::ArgGroup::new("demand").args(["scenario", "forecast"]))))]
#[cfg_attr(feature = "cli", command(group(clap::ArgGroup::new("supply").args(["team", "staffing"]))))]
pub struct Request {
    /// The centre the review runs on.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Scenario TOML of the holiday (its forecast, calendar, channels_file
    /// and shifts_file) [default: the centre's `scenario`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub scenario: Option<PathBuf>,
    /// Forecast CSV, instead of a scenario
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub forecast: Option<PathBuf>,
    /// The team as it is (TOML: groups, headcount, standing roster, leave,
    /// changes) [default: the centre's `team`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub team: Option<PathBuf>,
    /// Agents on duty per interval instead of a team: date,time,channel,agents
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub staffing: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's `channels_file`, else
    /// the centre's `channels`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub channels: Option<PathBuf>,
    /// Shift rules: opening hours, and the shift types and premiums a
    /// team's roster is priced with [default: the scenario's `shifts_file`,
    /// else the centre's `shifts`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub shifts: Option<PathBuf>,
    /// First day [default: the scenario's `start`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub from: Option<Date>,
    /// Last day [default: the scenario's `end`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub to: Option<Date>,
    /// Interval length of a forecast CSV, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Replications of the simulation (at least 1)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 20, value_name = "N"))]
    pub replications: usize,
    /// Seed of the simulation
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1, value_name = "SEED"))]
    pub seed: u64,
    /// Simulation threads [default: one per core; never more than the cores]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::threads, value_name = "N"))]
    pub threads: Option<usize>,
    /// Bounds on the simulation's work.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub limits: SimLimits,
    /// What-if variants (TOML: overtime, containment, borrow, temporary,
    /// callbacks), each compared with the base on common random numbers
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub what_if: Option<PathBuf>,
    /// Also solve for the cheapest fix: temporary shifts of the rules'
    /// types (with holiday pay) covering the shortfall, and review again
    /// with it
    #[cfg_attr(feature = "cli", arg(long))]
    pub recommend: bool,
    /// Branch-and-bound nodes per channel for the fix (0: the rounded LP)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 500, value_name = "N"))]
    pub fix_node_limit: u64,
    /// Replay the team's standing roster by weekday (thinned by leave)
    /// instead of scheduling its people: the review of the roster as it
    /// stands
    #[cfg_attr(feature = "cli", arg(long))]
    #[serde(default)]
    pub as_rostered: bool,
    /// Branch-and-bound nodes per group for the team's own roster (0: the
    /// rounded LP)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 500, value_name = "N"))]
    #[serde(default = "default_team_node_limit")]
    pub team_node_limit: u64,
    /// Channel settings for what the channels file leaves out.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub channel_defaults: ChannelSettings,
}

impl Request {
    /// A review of `centre`'s holiday with the defaults: 20 replications,
    /// seed 1, 30-minute intervals, 500 nodes for the fix.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            scenario: None,
            forecast: None,
            team: None,
            staffing: None,
            channels: None,
            shifts: None,
            from: None,
            to: None,
            interval_min: 30,
            replications: 20,
            seed: 1,
            threads: None,
            limits: SimLimits::default(),
            what_if: None,
            recommend: false,
            fix_node_limit: 500,
            as_rostered: false,
            team_node_limit: default_team_node_limit(),
            channel_defaults: ChannelSettings::default(),
        }
    }
}

fn default_team_node_limit() -> u64 {
    500
}

/// A review read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    request: Request,
    scenario: Option<(Scenario, PathBuf)>,
    forecast: Forecast,
    rules: Option<(ShiftRules, String)>,
    book: ChannelBook,
    team: Option<Team>,
    staffing: Option<(StaffingTable, String)>,
    variants: Vec<Variant>,
    money: crate::core::money::Money,
    notice_days: u32,
}

/// The demand and supply files: the given ones, else the centre's.
fn pick_files(s: &mut Setup, r: &Request) -> [Option<PathBuf>; 4] {
    let (scenario, forecast) = match (&r.scenario, &r.forecast) {
        (Some(p), _) => (s.pick(Item::Scenario, Some(p), "Request.scenario"), None),
        (None, Some(p)) => (None, s.pick(Item::Forecast, Some(p), "Request.forecast")),
        (None, None) => match s.pick(Item::Scenario, None, "Request.scenario") {
            Some(p) => (Some(p), None),
            None => (None, s.pick(Item::Forecast, None, "Request.forecast")),
        },
    };
    let (team, staffing) = match (&r.team, &r.staffing) {
        (Some(p), _) => (s.pick(Item::Team, Some(p), "Request.team"), None),
        (None, Some(p)) => (None, Some(p.clone())),
        (None, None) => (s.pick(Item::Team, None, "Request.team"), None),
    };
    [scenario, forecast, team, staffing]
}

/// Reads and checks every input of the review `r`: the one precedence of
/// files (given, else the scenario's, else the centre's) and of calendars
/// (the team's, else the scenario's, else the centre's).
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    super::check_replications(r.replications)?;
    let [scenario_path, forecast_path, team_path, staffing_path] = pick_files(&mut s, r);
    for (what, p) in [
        ("Request.forecast", &forecast_path),
        ("Request.team", &team_path),
        ("Request.staffing", &staffing_path),
        ("Request.what_if", &r.what_if),
    ] {
        if let Some(p) = p {
            s.input(what, p);
        }
    }
    let scenario = match scenario_path {
        Some(p) => Some((s.scenario(&p)?, p)),
        None => None,
    };
    let (channels_path, shifts_path) = s.scenario_files(
        scenario.as_ref().map(|(x, p)| (x, p.as_path())),
        r.channels.as_deref(),
        r.shifts.as_deref(),
    );
    for (what, p) in [
        ("channels_file", &channels_path),
        ("shifts_file", &shifts_path),
    ] {
        if let Some(p) = p {
            s.input(what, p);
        }
    }
    let forecast = demand(&mut s, r, scenario.as_ref(), forecast_path.as_deref())?;
    let rules = match &shifts_path {
        Some(p) => Some((ShiftRules::from_path(p)?, p.display().to_string())),
        None => None,
    };
    let book = s.channel_book(
        channels_path.as_deref(),
        &r.channel_defaults,
        forecast.channels(),
    )?;
    s.warn(crate::models::requirement::outbound_time_warnings(
        &forecast, &book,
    ));
    let team = match &team_path {
        Some(p) => {
            let Some((rules, _)) = &rules else {
                return Err(Error::Request(format!(
                    "Request.team {}: a team's roster needs shift rules: give Request.shifts (or shifts_file in the scenario)",
                    p.display()
                )));
            };
            let (mut t, w) = Team::from_path(p, rules)?;
            s.warn(w);
            if t.calendar.days.is_empty() {
                if let Some((sc, _)) = &scenario {
                    t.calendar = sc.calendar_data.clone();
                }
            }
            Some(t)
        }
        None => None,
    };
    let staffing = match &staffing_path {
        Some(p) => {
            let (t, w) = StaffingTable::from_path(p, forecast.interval_min)?;
            s.warn(w);
            Some((t, p.display().to_string()))
        }
        None => None,
    };
    if team.is_none() && staffing.is_none() {
        return Err(Error::Request(
            s.missing(Item::Team, "Request.team (or Request.staffing)"),
        ));
    }
    if r.recommend && rules.is_none() {
        return Err(Error::Request(
            "Request.recommend: the fix is made of shift types: give Request.shifts (or shifts_file in the scenario)"
                .to_string(),
        ));
    }
    let variants = match &r.what_if {
        Some(p) => {
            let mut names: Vec<&str> = forecast.rows.iter().map(|x| x.channel.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let dates = forecast.rows.iter().map(|x| x.date);
            let window = dates.clone().min().zip(dates.max());
            crate::review::whatif::load(
                p,
                team.as_ref(),
                &book,
                &names,
                rules.as_ref().map(|(x, _)| x),
                window,
            )?
        }
        None => Vec::new(),
    };
    let money = s.money();
    let notice_days = s.agency_notice_days();
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        request: r.clone(),
        scenario,
        forecast,
        rules,
        book,
        team,
        staffing,
        variants,
        money,
        notice_days,
    })
}

/// The review's forecast: the scenario's over the review's dates, or the
/// forecast CSV's rows in them.
fn demand(
    s: &mut Setup,
    r: &Request,
    scenario: Option<&(Scenario, PathBuf)>,
    forecast: Option<&std::path::Path>,
) -> Result<Forecast, Error> {
    let f = match (scenario, forecast) {
        (Some((sc, p)), _) => {
            let (from, to) = sc.date_range(r.from, r.to, &p.display().to_string())?;
            s.check_calendar(sc, p, from, to);
            sc.forecast(from, to)?
        }
        (None, Some(p)) => {
            let (mut f, w) = Forecast::from_path(p, r.interval_min)?;
            s.warn(w);
            f.rows
                .retain(|x| r.from.is_none_or(|d| x.date >= d) && r.to.is_none_or(|d| x.date <= d));
            f
        }
        (None, None) => {
            return Err(Error::Request(
                s.missing(Item::Scenario, "Request.scenario (or Request.forecast)"),
            ))
        }
    };
    if f.rows.is_empty() {
        return Err(Error::Request(
            "the forecast has no rows in the review's dates".to_string(),
        ));
    }
    Ok(f)
}

/// A review done: the base, the variants compared with it, and the fix
/// with the review of the team plus the fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The report's title.
    pub title: String,
    /// The review of the team as it is.
    pub review: CapacityReview,
    /// Each variant against the base, channel by channel.
    pub comparisons: Vec<Comparison>,
    /// The cheapest fix and the review with it.
    pub fix: Option<(Fix, CapacityReview)>,
    /// The roster the team's people work, scheduled against the
    /// requirement (none with `as_rostered` or a staffing table).
    pub team_roster: Option<crate::optimize::schedule::Roster>,
    /// What the review asks to decide: the verdict, the options with their
    /// cost in the centre's currency and their decide-by dates.
    pub decision: crate::review::decision::Decision,
}

impl Prepared {
    /// Runs the review, the variants and the fix.
    pub fn run(&self) -> Result<Outcome, Error> {
        let r = &self.request;
        // The supply model: the team's people scheduled against the
        // requirement, unless the standing roster is asked for as it is.
        let scheduled = match (&self.team, &self.rules, r.as_rostered) {
            (Some(t), Some((rules, source)), false) => {
                let opts = crate::optimize::schedule::ScheduleOptions {
                    solver: crate::optimize::schedule::SolverChoice::Microlp,
                    node_limit: Some(r.team_node_limit),
                    ..crate::optimize::schedule::ScheduleOptions::default()
                };
                Some(crate::review::schedule_team(
                    t,
                    &self.forecast,
                    &self.book,
                    (rules, source),
                    &opts,
                )?)
            }
            _ => None,
        };
        let supply = match (&scheduled, &self.team, &self.staffing) {
            (Some((t, _)), _, _) => SupplySource::Team(t),
            (None, Some(t), _) => SupplySource::Team(t),
            (None, None, Some((t, name))) => SupplySource::Staffing(t, name),
            (None, None, None) => unreachable!("prepare checks for a supply"),
        };
        let inputs = CapacityInputs {
            forecast: &self.forecast,
            supply,
            book: &self.book,
            rules: self.rules.as_ref().map(|(x, s)| (x, s.as_str())),
            adjust: None,
            collections: self
                .scenario
                .as_ref()
                .map_or(&[][..], |(s, _)| s.collections.as_slice()),
        };
        let opts = ReviewOptions {
            replications: r.replications,
            seed: r.seed,
            threads: r.threads,
            limits: r.limits,
        };
        let review = capacity_review(&inputs, &opts)?;
        let mut comparisons = Vec::new();
        for v in &self.variants {
            let vi = CapacityInputs {
                book: &v.book,
                adjust: Some(&v.adjust),
                ..inputs
            };
            let with = capacity_review(&vi, &opts)?;
            comparisons.extend(crate::review::whatif::compare(&v.name, &review, &with));
        }
        let fix = match (&self.rules, r.recommend) {
            (Some((rules, source)), true) => {
                let fix = self.fix(&review, rules, source)?;
                let with = add_fix(&review.available, &fix.staffing);
                let fi = CapacityInputs {
                    supply: SupplySource::Staffing(&with, "the fix"),
                    adjust: None,
                    ..inputs
                };
                let after = capacity_review(&fi, &opts)?;
                Some((fix, after))
            }
            _ => None,
        };
        let title = self
            .scenario
            .as_ref()
            .and_then(|(s, _)| s.name.clone())
            .unwrap_or_else(|| "Capacity review".to_string());
        let decision = crate::review::decision::decide(
            &review,
            &comparisons,
            &self.variants,
            fix.as_ref().map(|(f, a)| (f, a)),
            &review.at_risk,
            &self.money,
            self.notice_days,
        );
        Ok(Outcome {
            title,
            review,
            comparisons,
            fix,
            team_roster: scheduled.map(|(_, roster)| roster),
            decision,
        })
    }

    /// The cheapest temporary shifts covering the review's shortfall,
    /// priced with the team's calendar (else the scenario's).
    fn fix(&self, review: &CapacityReview, rules: &ShiftRules, source: &str) -> Result<Fix, Error> {
        let calendar = match (&self.team, &self.scenario) {
            (Some(t), _) => t.calendar.clone(),
            (None, Some((s, _))) => s.calendar_data.clone(),
            (None, None) => crate::core::calendar::Calendar::default(),
        };
        let sched = crate::optimize::schedule::ScheduleOptions {
            solver: crate::optimize::schedule::SolverChoice::Microlp,
            node_limit: Some(self.request.fix_node_limit),
            ..crate::optimize::schedule::ScheduleOptions::default()
        };
        Ok(crate::review::whatif::recommend(
            review, rules, source, &calendar, &sched,
        )?)
    }
}

/// `available` plus the fix's agents, interval by interval.
fn add_fix(available: &StaffingTable, fix: &StaffingTable) -> StaffingTable {
    let add: HashMap<(Date, Time, &str), u32> = fix
        .rows
        .iter()
        .map(|x| ((x.date, x.time, x.group.as_str()), x.agents))
        .collect();
    let mut with = available.clone();
    for row in &mut with.rows {
        if let Some(n) = add.get(&(row.date, row.time, row.group.as_str())) {
            row.agents = row.agents.saturating_add(*n);
        }
    }
    with
}

mod outcome;
