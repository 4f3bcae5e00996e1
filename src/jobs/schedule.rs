//! The shift optimizer as a job (`wfm schedule`): the cheapest roster of
//! real shifts with breaks covering a requirement, with the solver's bound
//! and gap, priced with the one calendar (given, else the rules', else the
//! centre's).
//!
//! ```no_run
//! use wfm::jobs::schedule::{prepare, Request};
//! let mut req = Request::on(None);
//! req.requirements = Some("scenarios/roster_requirements.csv".into());
//! req.shifts = Some("scenarios/shifts.toml".into());
//! req.options.node_limit = Some(200);
//! let out = prepare(&req).unwrap().run().unwrap();
//! assert_eq!(out.roster.summary().shortfall, 0);
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::models::requirement::{Requirement, StaffingTable};
use crate::optimize::schedule::{Roster, ScheduleOptions};
use crate::optimize::shifts::ShiftRules;

/// What to schedule. Paths left `None` are the centre's `requirements` and
/// `shifts`. With the `cli` feature the fields are the flags of `wfm
/// schedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Requirement CSV: date,time,channel,agents (or group); `wfm staff`
    /// output as is [default: the centre's `requirements`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub requirements: Option<PathBuf>,
    /// Shift rules TOML [default: the centre's `shifts`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub shifts: Option<PathBuf>,
    /// Calendar CSV for `[[premium]] day_types` (statutory holidays, rest
    /// days) [default: the rules' `calendar`, else the centre's `calendars`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub calendar: Option<PathBuf>,
    /// Interval length of the requirement, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// The solver, its limits and gap.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub options: ScheduleOptions,
}

impl Request {
    /// A schedule of `centre`'s requirement: microlp to proven optimality
    /// within 60 s per channel, no node limit.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            requirements: None,
            shifts: None,
            calendar: None,
            interval_min: 30,
            options: ScheduleOptions {
                time_limit_s: 60.0,
                node_limit: None,
                mip_gap: 0.0,
                ..ScheduleOptions::default()
            },
        }
    }
}

/// A schedule read and checked, ready to solve.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    req: Requirement,
    rules: ShiftRules,
    source: String,
    options: ScheduleOptions,
    money: crate::core::money::Money,
}

/// Reads the requirement, the rules and the calendar of `r`; warns about a
/// missing calendar or currency, a calendar that does not cover the dates,
/// and requirement in closed hours.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    let mut s = Setup::new(r.centre.clone());
    let requirements = s.need(
        Item::Requirements,
        r.requirements.as_deref(),
        "Request.requirements",
    )?;
    let shifts = s.need(Item::Shifts, r.shifts.as_deref(), "Request.shifts")?;
    let source = shifts.display().to_string();
    s.input("Request.requirements", &requirements);
    s.input("Request.shifts", &shifts);
    if let Some(c) = &r.calendar {
        s.input("Request.calendar", c);
    }
    let mut rules = ShiftRules::from_path(&shifts)?;
    let _currency = s.currency();
    let calendar_name = if let Some(c) = &r.calendar {
        let (cal, w) = crate::core::calendar::Calendar::from_path(c)?;
        s.warn(w);
        rules = rules.with_calendar(cal);
        c.display().to_string()
    } else if let Some(c) = &rules.calendar {
        c.clone()
    } else if let Some((cal, name)) = s.calendar()? {
        rules = rules.with_calendar(cal);
        name
    } else {
        String::new()
    };
    let (table, w) = StaffingTable::from_path(&requirements, r.interval_min)?;
    s.warn(w);
    let Some(req) =
        Requirement::from_table(&table, r.interval_min, &requirements.display().to_string())?
    else {
        return Err(Error::Request(format!(
            "{}: the requirement has no rows",
            requirements.display()
        )));
    };
    let grid = req.grid();
    if calendar_name.is_empty() {
        s.warnings.push(crate::core::input::Warning(format!(
            "no calendar: holidays in {} to {} are priced as ordinary days; give Request.calendar or set `calendars` in the centre file",
            grid.first(),
            grid.last()
        )));
    } else {
        let w = crate::core::centre::calendar_coverage(
            &rules.calendar_data,
            &calendar_name,
            grid.first(),
            grid.last(),
        );
        s.warn(w);
    }
    s.warn(crate::models::opening::outside_opening(
        &req, &rules, &source,
    )?);
    let names: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    for n in rules.unused_open(&names) {
        s.warnings.push(crate::core::input::Warning(format!(
            "{source}: [open.{n}]: no channel {n:?} in the requirement; ignored"
        )));
    }
    super::check_solver(&mut s, &r.options)?;
    s.record_files_read();
    let money = s.money();
    Ok(Prepared {
        setup: s,
        money,
        req,
        rules,
        source,
        options: r.options,
    })
}

/// A roster made.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The roster, per channel with the solver's status, bound and gap.
    pub roster: Roster,
    /// The money its costs are in (the centre's currency).
    pub money: crate::core::money::Money,
}

impl Prepared {
    /// Solves each channel.
    pub fn run(&self) -> Result<Outcome, Error> {
        let roster = crate::optimize::schedule::schedule(
            &self.req,
            &self.rules,
            &self.options,
            &self.source,
        )?;
        Ok(Outcome {
            roster,
            money: self.money.clone(),
        })
    }
}

/// A roster's totals and each channel's solver status, bound and gap, in
/// `money`; `cost` is the roster's cost as its job states it (the
/// roster's own, or `wfm plan --groups`' with each group's cost factor).
pub fn roster_lines(roster: &Roster, money: &crate::core::money::Money, cost: f64) -> Vec<String> {
    let s = roster.summary();
    let mut out = vec![format!(
        "{:.1} paid hours, cost {}, {:.2} FTE, over-coverage {:.1}%{}",
        s.paid_hours,
        money.format(cost),
        s.fte,
        100.0 * s.over_coverage,
        s.headcount
            .map_or(String::new(), |h| format!(", headcount {h}"))
    )];
    for c in &roster.channels {
        out.push(format!(
            "{}: solver {} ({}), objective {}, bound {}, gap {:.3}%, cost grid {}",
            c.channel,
            c.status,
            c.solver,
            money.format(c.objective),
            money.format(c.bound),
            100.0 * c.gap,
            c.cost_grid
        ));
    }
    if s.shortfall > 0 {
        out.push(format!(
            "coverage falls short by {} agent-intervals under these rules (see the gap column of the coverage CSV)",
            s.shortfall
        ));
    }
    out
}

impl Outcome {
    /// The roster's totals and each channel's proof.
    pub fn summary(&self) -> Vec<String> {
        roster_lines(&self.roster, &self.money, self.roster.summary().cost)
    }

    /// Whether the roster covers the whole requirement.
    pub fn covered(&self) -> bool {
        self.roster.summary().shortfall == 0
    }

    /// The shifts.
    pub fn roster_table(&self) -> Result<Table, Error> {
        Table::write("roster.csv", |b| self.roster.write_roster(b))
    }

    /// Required against scheduled agents per interval.
    pub fn coverage_table(&self) -> Result<Table, Error> {
        Table::write("coverage.csv", |b| self.roster.write_coverage(b))
    }

    /// Agents on duty per interval (the simulator's staffing).
    pub fn staffing_table(&self) -> Result<Table, Error> {
        Table::write("staffing.csv", |b| {
            crate::models::requirement::write_staffing_table(&self.roster.staffing(), b)
        })
    }
}
