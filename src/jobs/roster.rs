//! Rosters of named agents as jobs (`wfm roster`, `wfm check-roster`): the
//! optimizer's shifts given to agents under the labour rules, fairness,
//! preferences and leave; and a roster checked against those rules.
//!
//! ```no_run
//! use wfm::core::centre::Centre;
//! use wfm::jobs::roster::{prepare, Request};
//! let req = Request::on(Some(Centre::from_path("wfm.toml".as_ref()).unwrap()));
//! let out = prepare(&req).unwrap().run().unwrap();
//! println!("{} shifts assigned", out.plan.roster.assignments.len());
//! ```

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::models::requirement::{Requirement, StaffingTable};
use crate::optimize::roster::{Agent, LabourRules, LeaveRequest, RosterPlan};
use crate::optimize::schedule::{ScheduleOptions, SolverChoice};
use crate::optimize::shifts::ShiftRules;

/// The files of a roster directory, in order.
pub const FILES: [&str; 7] = [
    "index.html",
    "assignments.csv",
    "agents.csv",
    "uncovered.csv",
    "leave_granted.csv",
    "leave_refused.csv",
    "decision.csv",
];

/// The shift optimizer's nodes per group by default.
pub const DEFAULT_NODE_LIMIT: u64 = 2_000;

/// The time limit by default, seconds (the optimizer per group, and the
/// fairness search).
pub const DEFAULT_TIME_LIMIT_S: f64 = 60.0;

/// What to roster. Paths left `None` are the centre's items
/// (`requirements`, `shifts`, `[roster] agents`, `labour_rules`,
/// `[roster] leave_requests`, the first of `calendars`). With the `cli`
/// feature the fields are the flags of `wfm roster`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre the roster is made for.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Requirement CSV: date,time,channel (or group),agents [default: the
    /// centre's `requirements`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub requirements: Option<PathBuf>,
    /// Shift rules TOML (the shift types, breaks, premiums) [default: the
    /// centre's `shifts`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub shifts: Option<PathBuf>,
    /// Agents CSV:
    /// agent,name,groups,contract,hours_per_week,seniority,unavailable,prefer
    /// [default: the centre's `[roster] agents`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub agents: Option<PathBuf>,
    /// Labour rules TOML [default: the centre's `labour_rules`, else the
    /// Chinese standard working-hours system]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub rules: Option<PathBuf>,
    /// Leave requests CSV: agent,from,to,priority,requested_at
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub leave_requests: Option<PathBuf>,
    /// Calendar CSV (statutory days, weekends) [default: the shift rules'
    /// `calendar`, else the centre's]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub calendar: Option<PathBuf>,
    /// First day [default: the requirement's]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub from: Option<Date>,
    /// Last day [default: the requirement's]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub to: Option<Date>,
    /// Interval length of the requirement, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Time limit, seconds: of the shift optimizer per group, and of the
    /// fairness search (the best valid roster so far)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_TIME_LIMIT_S, value_name = "S"))]
    pub time_limit_s: f64,
    /// Branch-and-bound nodes of the shift optimizer per group (`none`: no
    /// limit)
    #[cfg_attr(feature = "cli", arg(long, default_value = "2000", value_parser = super::args::node_limit, value_name = "N"))]
    pub node_limit: ::std::option::Option<u64>,
    /// Most agents × roster days to assign (the work grows with its square)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = crate::optimize::roster::DEFAULT_MAX_AGENT_DAYS, value_name = "N"))]
    pub max_agent_days: u64,
}

impl Request {
    /// A roster of `centre`'s agents with the defaults.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            requirements: None,
            shifts: None,
            agents: None,
            rules: None,
            leave_requests: None,
            calendar: None,
            from: None,
            to: None,
            interval_min: 30,
            time_limit_s: DEFAULT_TIME_LIMIT_S,
            node_limit: Some(DEFAULT_NODE_LIMIT),
            max_agent_days: crate::optimize::roster::DEFAULT_MAX_AGENT_DAYS,
        }
    }
}

/// A roster read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    req: Requirement,
    shift_rules: ShiftRules,
    source: String,
    agents: Vec<Agent>,
    rules: LabourRules,
    leave: Vec<LeaveRequest>,
    sched: ScheduleOptions,
    money: crate::core::money::Money,
    notice_days: u32,
}

/// Reads and checks every input of the roster `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    let requirements = s.need(
        Item::Requirements,
        r.requirements.as_deref(),
        "Request.requirements",
    )?;
    let shifts = s.need(Item::Shifts, r.shifts.as_deref(), "Request.shifts")?;
    let agents_path = s.need(Item::RosterAgents, r.agents.as_deref(), "Request.agents")?;
    let rules = s.pick(Item::LabourRules, r.rules.as_deref(), "Request.rules");
    let leave_requests = s.pick(
        Item::RosterLeaveRequests,
        r.leave_requests.as_deref(),
        "Request.leave_requests",
    );
    let calendar = roster_calendar(&mut s, &shifts, r.calendar.as_deref())?;
    s.input("Request.requirements", &requirements);
    s.input("Request.shifts", &shifts);
    s.input("Request.agents", &agents_path);
    for (what, p) in [
        ("Request.rules", &rules),
        ("Request.leave_requests", &leave_requests),
        ("Request.calendar", &calendar),
    ] {
        if let Some(p) = p {
            s.input(what, p);
        }
    }
    let (shift_rules, rules) = load_rules(&mut s, &shifts, calendar.as_deref(), rules.as_deref())?;
    let (mut table, w) = StaffingTable::from_path(&requirements, r.interval_min)?;
    s.warn(w);
    table
        .rows
        .retain(|x| r.from.is_none_or(|d| x.date >= d) && r.to.is_none_or(|d| x.date <= d));
    let Some(req) =
        Requirement::from_table(&table, r.interval_min, &requirements.display().to_string())?
    else {
        return Err(Error::Request(format!(
            "{}: the requirement has no rows in the roster's dates",
            requirements.display()
        )));
    };
    let groups: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    let agents_src = agents_path.display().to_string();
    let text = crate::core::textio::read_text(&agents_path)?;
    let (agents, w) = crate::optimize::roster::read_agents(text.as_bytes(), &agents_src)?;
    s.warn(w);
    crate::optimize::roster::check_agents(&agents, &rules, &groups, &agents_src)?;
    crate::optimize::roster::check_preferences(&agents, &shift_rules, &agents_src)?;
    crate::optimize::roster::check_size(
        agents.len(),
        req.grid().days() as usize,
        r.max_agent_days,
    )?;
    let leave = match &leave_requests {
        Some(p) => {
            let text = crate::core::textio::read_text(p)?;
            let (l, w) = crate::optimize::roster::read_leave_requests(
                text.as_bytes(),
                &p.display().to_string(),
                &agents,
            )?;
            s.warn(w);
            l
        }
        None => Vec::new(),
    };
    if !(r.time_limit_s.is_finite() && r.time_limit_s >= 0.0) {
        return Err(Error::Request(format!(
            "Request.time_limit_s: expected seconds >= 0, got {}",
            r.time_limit_s
        )));
    }
    let sched = ScheduleOptions {
        time_limit_s: r.time_limit_s,
        node_limit: r.node_limit,
        mip_gap: 0.01,
        solver: SolverChoice::Microlp,
        ..ScheduleOptions::default()
    };
    let money = s.money();
    let notice_days = s.roster_notice_days();
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        req,
        shift_rules,
        source: shifts.display().to_string(),
        agents,
        rules,
        leave,
        sched,
        money,
        notice_days,
    })
}

/// The shift rules (with `calendar` when given) and the labour rules (the
/// defaults without a file).
fn load_rules(
    s: &mut Setup,
    shifts: &Path,
    calendar: Option<&Path>,
    rules: Option<&Path>,
) -> Result<(ShiftRules, LabourRules), Error> {
    let mut shift_rules = ShiftRules::from_path(shifts)?;
    if let Some(c) = calendar {
        let (cal, w) = crate::core::calendar::Calendar::from_path(c)?;
        s.warn(w);
        shift_rules = shift_rules.with_calendar(cal);
    }
    let rules = match rules {
        Some(p) => LabourRules::from_path(p)?,
        None => LabourRules::default(),
    };
    Ok((shift_rules, rules))
}

/// The calendar of a roster: the given one, else the shift rules' own
/// `calendar` (`None` here: the rules load it), else the centre's first.
fn roster_calendar(
    s: &mut Setup,
    shifts: &Path,
    given: Option<&Path>,
) -> Result<Option<PathBuf>, Error> {
    if let Some(p) = given {
        return Ok(Some(p.to_path_buf()));
    }
    if ShiftRules::from_path(shifts)?.calendar.is_some() {
        return Ok(None);
    }
    let Some(c) = &s.centre else {
        return Ok(None);
    };
    let paths = c.calendar_paths();
    if paths.len() > 1 {
        s.warnings.push(crate::core::input::Warning(format!(
            "a roster takes one calendar: the centre's first, {}, is used",
            paths[0].display()
        )));
    }
    Ok(paths.into_iter().next())
}

/// A roster made.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The roster, its shifts, leave decisions and checks.
    pub plan: RosterPlan,
    /// The agents it was made for.
    pub agents: Vec<Agent>,
    /// The shift rules it was made with (costs, the calendar's statutory
    /// days for the page).
    pub shift_rules: ShiftRules,
    /// The decision publishing it asks for.
    pub decision: crate::optimize::roster::decision::RosterDecision,
}

impl Prepared {
    /// Solves the shifts and gives them to the agents.
    pub fn run(&self) -> Result<Outcome, Error> {
        let plan = crate::optimize::roster::make_roster(
            &self.req,
            &self.shift_rules,
            &self.agents,
            &self.rules,
            &self.leave,
            &self.sched,
            &self.source,
        )?;
        if let Some(v) = plan.violations.first() {
            return Err(Error::Request(format!(
                "internal: the roster breaks {} rule(s), first {v:?}; please report this",
                plan.violations.len()
            )));
        }
        let decision = crate::optimize::roster::decision::decide(
            &plan,
            &self.agents,
            &self.rules,
            &self.money,
            self.notice_days,
        );
        Ok(Outcome {
            plan,
            agents: self.agents.clone(),
            shift_rules: self.shift_rules.clone(),
            decision,
        })
    }
}

impl Outcome {
    /// Whether every shift found an agent.
    pub fn covered(&self) -> bool {
        self.plan.roster.uncovered.is_empty()
    }

    /// The summary: shifts assigned, the first uncovered ones, fairness
    /// and leave.
    pub fn summary(&self) -> Vec<String> {
        let plan = &self.plan;
        let r = &plan.roster;
        let wanted = plan.wanted();
        let mut out = vec![format!("decision: {}", self.decision.verdict)];
        out.push(format!(
            "{} of {} shifts assigned to {} agents from {} to {}; {} uncovered; preferences met {}; fairness search: {}",
            r.assignments.len(),
            wanted,
            r.agents.iter().filter(|x| x.shifts > 0).count(),
            plan.from,
            plan.to,
            r.uncovered.len(),
            if r.preference_share.is_finite() {
                format!("{:.1}%", 100.0 * r.preference_share)
            } else {
                "-".to_string()
            },
            r.status
        ));
        for u in r.uncovered.iter().take(10) {
            out.push(format!(
                "uncovered {} {} {:02}:{:02} {}: {}",
                u.date,
                u.shift,
                (u.start_min % 1440) / 60,
                u.start_min % 60,
                u.group,
                u.blocked_by
            ));
        }
        for ((contract, kind), (lo, hi)) in crate::optimize::roster::fairness_spread(r) {
            out.push(format!("fairness {contract} {kind}: {lo} to {hi}"));
        }
        if !plan.leave.is_empty() {
            let granted = plan.leave.iter().filter(|d| d.granted).count();
            out.push(format!(
                "leave: {} granted, {} refused",
                granted,
                plan.leave.len() - granted
            ));
        }
        out
    }

    /// Every output (each CSV that holds money with its `currency`
    /// column, [`Table::in_currency`]), in the order of [`FILES`].
    pub fn tables(&self) -> Result<Vec<Table>, Error> {
        crate::jobs::in_currency(self.raw_tables()?, &self.decision.money)
    }

    /// The outputs before [`Table::in_currency`].
    fn raw_tables(&self) -> Result<Vec<Table>, Error> {
        let plan = &self.plan;
        let r = &plan.roster;
        let granted: Vec<_> = plan.leave.iter().filter(|d| d.granted).collect();
        let refused: Vec<_> = plan.leave.iter().filter(|d| !d.granted).collect();
        let page = crate::report::roster_page(
            plan,
            &self.agents,
            "Roster of named agents",
            &self.decision,
            &self.shift_rules,
        )?;
        Ok(vec![
            Table {
                name: FILES[0],
                bytes: page.into_bytes(),
            },
            Table::write(FILES[1], |b| {
                crate::optimize::roster::write_assignments(b, &r.assignments)
            })?,
            Table::write(FILES[2], |b| {
                crate::optimize::roster::write_agent_summaries(b, &r.agents)
            })?,
            Table::write(FILES[3], |b| {
                crate::optimize::roster::write_uncovered(b, &r.uncovered)
            })?,
            Table::write(FILES[4], |b| {
                crate::optimize::roster::write_leave(b, &granted, false)
            })?,
            Table::write(FILES[5], |b| {
                crate::optimize::roster::write_leave(b, &refused, true)
            })?,
            Table::write(FILES[6], |b| {
                crate::io::table::write_rows(b, &self.decision.rows())
            })?,
        ])
    }
}

/// A roster to check against the labour rules. With the `cli` feature the
/// fields are the flags of `wfm check-roster`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CheckRequest {
    /// The centre.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Assignments CSV (`wfm roster`'s assignments.csv):
    /// agent,date,shift,start,end,breaks,group,paid_h
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub assignments: PathBuf,
    /// Agents CSV [default: the centre's `[roster] agents`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub agents: Option<PathBuf>,
    /// Shift rules TOML, for their calendar [default: the centre's `shifts`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub shifts: Option<PathBuf>,
    /// Labour rules TOML [default: the centre's `labour_rules`, else the
    /// Chinese standard working-hours system]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub rules: Option<PathBuf>,
    /// Calendar CSV [default: the shift rules' `calendar`, else the
    /// centre's first]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub calendar: Option<PathBuf>,
    /// First day of the roster (whole weeks from it are checked for days
    /// off) [default: the first assignment's]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub from: Option<Date>,
    /// Last day [default: the last assignment's]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub to: Option<Date>,
    /// Granted leave (`wfm roster`'s leave_granted.csv): those days count
    /// as unavailable
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub leave: Option<PathBuf>,
}

/// A roster checked: every violation.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// The notes, warnings and input files.
    pub setup: Setup,
    /// Assignments read.
    pub assignments: usize,
    /// Agents read.
    pub agents: usize,
    /// Every violation, one per rule broken.
    pub violations: Vec<crate::optimize::roster::Violation>,
}

/// Checks a roster (cheap: reads and checks in one step).
pub fn check(r: &CheckRequest) -> Result<CheckOutcome, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    let shifts = s.need(Item::Shifts, r.shifts.as_deref(), "Request.shifts")?;
    let agents_path = s.need(Item::RosterAgents, r.agents.as_deref(), "Request.agents")?;
    let rules = s.pick(Item::LabourRules, r.rules.as_deref(), "Request.rules");
    let calendar = roster_calendar(&mut s, &shifts, r.calendar.as_deref())?;
    s.input("Request.assignments", &r.assignments);
    s.input("Request.agents", &agents_path);
    s.input("Request.shifts", &shifts);
    let (shift_rules, rules) = load_rules(&mut s, &shifts, calendar.as_deref(), rules.as_deref())?;
    let text = crate::core::textio::read_text(&agents_path)?;
    let (mut agents, w) =
        crate::optimize::roster::read_agents(text.as_bytes(), &agents_path.display().to_string())?;
    s.warn(w);
    crate::optimize::roster::check_preferences(
        &agents,
        &shift_rules,
        &agents_path.display().to_string(),
    )?;
    if let Some(p) = &r.leave {
        s.input("Request.leave", p);
        let text = crate::core::textio::read_text(p)?;
        let (l, w) = crate::optimize::roster::read_leave_requests(
            text.as_bytes(),
            &p.display().to_string(),
            &agents,
        )?;
        s.warn(w);
        for x in l {
            if let Some(ag) = agents.iter_mut().find(|a| a.id == x.agent) {
                ag.unavailable.push((x.from, x.to));
            }
        }
    }
    let text = crate::core::textio::read_text(&r.assignments)?;
    let (rows, w) = crate::optimize::roster::read_assignments(
        text.as_bytes(),
        &r.assignments.display().to_string(),
    )?;
    s.warn(w);
    let violations = match (
        rows.iter().map(|x| x.date).min(),
        rows.iter().map(|x| x.date).max(),
    ) {
        (Some(first), Some(last)) => crate::optimize::roster::check(
            &rules,
            &agents,
            &rows,
            r.from.unwrap_or(first),
            r.to.unwrap_or(last),
            &shift_rules.calendar_data,
        ),
        _ => Vec::new(),
    };
    s.record_files_read();
    Ok(CheckOutcome {
        setup: s,
        assignments: rows.len(),
        agents: agents.len(),
        violations,
    })
}

impl CheckOutcome {
    /// The violations table.
    pub fn table(&self) -> Result<Table, Error> {
        Table::write("violations.csv", |b| {
            crate::optimize::roster::write_violations(b, &self.violations)
        })
    }
}
