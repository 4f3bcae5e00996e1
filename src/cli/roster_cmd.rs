//! `wfm roster` and `wfm check-roster`: rosters of named agents.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::{bail, Result};
use clap::Args;
use wfm::centre::Item;
use wfm::output::OutputSet;
use wfm::requirement::{Requirement, StaffingTable};
use wfm::rostering::{
    check, check_agents, make_roster, read_agents, read_assignments, read_leave_requests,
    write_agent_summaries, write_assignments, write_leave, write_uncovered, write_violations,
    LabourRules,
};
use wfm::schedule::{ScheduleOptions, SolverChoice};
use wfm::shifts::ShiftRules;

use super::parse_date_flag;

/// Arguments of `wfm roster`.
#[derive(Debug, Args)]
pub struct RosterArgs {
    /// Requirement CSV: date,time,channel (or group),agents
    #[arg(long, value_name = "FILE")]
    requirements: Option<PathBuf>,
    /// Shift rules TOML (the shift types, breaks, premiums)
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Agents CSV: agent,name,groups,contract,hours_per_week,seniority,unavailable,prefer
    #[arg(long, value_name = "FILE")]
    agents: Option<PathBuf>,
    /// Labour rules TOML [default: Chinese standard working-hours system]
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Leave requests CSV: agent,from,to,priority,requested_at
    #[arg(long, value_name = "FILE")]
    leave_requests: Option<PathBuf>,
    /// First day [default: the requirement's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last day [default: the requirement's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Calendar CSV (statutory days, weekends) [default: the shift rules' `calendar`]
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Interval length of the requirement, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Time limit, seconds: of the shift optimizer per group, and of the fairness search (the best valid roster so far)
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes of the shift optimizer per group (`none`: no limit)
    #[arg(long, default_value = "2000", value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: super::NodeLimit,
    /// Output directory: assignments.csv, agents.csv, uncovered.csv, leave_granted.csv, leave_refused.csv, index.html
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Most agents x roster days to assign (the work grows with its square)
    #[arg(long, default_value_t = wfm::rostering::DEFAULT_MAX_AGENT_DAYS, value_name = "N")]
    max_agent_days: u64,
}

const FILES: [&str; 6] = [
    "index.html",
    "assignments.csv",
    "agents.csv",
    "uncovered.csv",
    "leave_granted.csv",
    "leave_refused.csv",
];

pub fn run(a: RosterArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(Some(&a.out), || run_in(&a, ctx))
}

fn run_in(a: &RosterArgs, ctx: &Ctx) -> Result<i32> {
    let requirements = ctx.need(
        Item::Requirements,
        a.requirements.as_deref(),
        "--requirements",
    )?;
    let shifts = ctx.need(Item::Shifts, a.shifts.as_deref(), "--shifts")?;
    let agents = ctx.need(Item::RosterAgents, a.agents.as_deref(), "--agents")?;
    let rules = ctx.pick(Item::LabourRules, a.rules.as_deref(), "--rules");
    let leave_requests = ctx.pick(
        Item::RosterLeaveRequests,
        a.leave_requests.as_deref(),
        "--leave-requests",
    );
    let calendar = centre_calendar(ctx, &shifts, a.calendar.as_deref())?;
    let mut outs = OutputSet::new();
    outs.input("--requirements", &requirements);
    outs.input("--shifts", &shifts);
    outs.input("--agents", &agents);
    for (flag, p) in [
        ("--rules", &rules),
        ("--leave-requests", &leave_requests),
        ("--calendar", &calendar),
    ] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let ids: Vec<_> = FILES
        .iter()
        .map(|f| outs.claim(Some(&a.out.join(f)), "--out"))
        .collect::<Result<_, _>>()?;
    let source = shifts.display().to_string();
    let (shift_rules, rules) = load_rules(&shifts, calendar.as_deref(), rules.as_deref())?;
    let (mut table, w) = StaffingTable::from_path(&requirements, a.interval_min)?;
    super::warn_all(&w);
    table
        .rows
        .retain(|r| a.from.is_none_or(|d| r.date >= d) && a.to.is_none_or(|d| r.date <= d));
    let Some(req) =
        Requirement::from_table(&table, a.interval_min, &requirements.display().to_string())?
    else {
        bail!(
            "{}: the requirement has no rows in the roster's dates",
            requirements.display()
        );
    };
    let groups: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    let agents_src = agents.display().to_string();
    let text = wfm::textio::read_text(&agents)?;
    let (agents, w) = read_agents(text.as_bytes(), &agents_src)?;
    super::warn_all(&w);
    check_agents(&agents, &rules, &groups, &agents_src)?;
    wfm::rostering::check_size(agents.len(), req.grid().days() as usize, a.max_agent_days)?;
    let leave = match &leave_requests {
        Some(p) => {
            let text = wfm::textio::read_text(p)?;
            let (l, w) = read_leave_requests(text.as_bytes(), &p.display().to_string(), &agents)?;
            super::warn_all(&w);
            l
        }
        None => Vec::new(),
    };
    super::check_solver_limits(a.time_limit_s, 0.01)?;
    let sched = ScheduleOptions {
        time_limit_s: a.time_limit_s,
        node_limit: a.node_limit.0,
        mip_gap: 0.01,
        solver: SolverChoice::Microlp,
        ..ScheduleOptions::default()
    };
    let plan = make_roster(&req, &shift_rules, &agents, &rules, &leave, &sched, &source)?;
    if !plan.violations.is_empty() {
        bail!(
            "internal: the roster breaks {} rule(s), first {:?}; please report this",
            plan.violations.len(),
            plan.violations[0]
        );
    }
    let r = &plan.roster;
    let wanted: u32 = plan.shifts.iter().map(|s| s.agents).sum();
    diag!(
        "wfm: roster: {} of {} shifts assigned to {} agents from {} to {}; {} uncovered; preferences met {}; fairness search: {}",
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
    );
    for u in r.uncovered.iter().take(10) {
        diag!(
            "wfm: roster: uncovered {} {} {:02}:{:02} {}: {}",
            u.date,
            u.shift,
            (u.start_min % 1440) / 60,
            u.start_min % 60,
            u.group,
            u.blocked_by
        );
    }
    for ((contract, kind), (lo, hi)) in wfm::rostering::fairness_spread(r) {
        diag!("wfm: roster: fairness {contract} {kind}: {lo} to {hi}");
    }
    let granted: Vec<_> = plan.leave.iter().filter(|d| d.granted).collect();
    let refused: Vec<_> = plan.leave.iter().filter(|d| !d.granted).collect();
    if !plan.leave.is_empty() {
        diag!(
            "wfm: roster: leave: {} granted, {} refused",
            granted.len(),
            refused.len()
        );
    }
    let page = wfm::report::roster_page(&plan, &agents, "Roster of named agents")?;
    outs.set(ids[0], page.into_bytes());
    outs.fill(ids[1], |b| write_assignments(b, &r.assignments))?;
    outs.fill(ids[2], |b| write_agent_summaries(b, &r.agents))?;
    outs.fill(ids[3], |b| write_uncovered(b, &r.uncovered))?;
    outs.fill(ids[4], |b| write_leave(b, &granted, false))?;
    outs.fill(ids[5], |b| write_leave(b, &refused, true))?;
    outs.commit()?;
    diag!(
        "wfm: roster: the report is {}",
        a.out.join("index.html").display()
    );
    Ok(if r.uncovered.is_empty() { 0 } else { 1 })
}

/// Arguments of `wfm check-roster`.
#[derive(Debug, Args)]
pub struct CheckRosterArgs {
    /// Assignments CSV: agent,date,shift,start,end,breaks,group,paid_h
    #[arg(long, value_name = "FILE")]
    assignments: Option<PathBuf>,
    /// Agents CSV
    #[arg(long, value_name = "FILE")]
    agents: Option<PathBuf>,
    /// Shift rules TOML (for its calendar)
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Labour rules TOML [default: Chinese standard working-hours system]
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Calendar CSV [default: the shift rules' `calendar`]
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// First day of the roster (whole weeks from it are checked for days off) [default: the first assignment's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last day [default: the last assignment's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Granted leave (`wfm roster`'s leave_granted.csv): those days count as unavailable
    #[arg(long, value_name = "FILE")]
    leave: Option<PathBuf>,
}

pub fn run_check(a: CheckRosterArgs, ctx: &Ctx) -> Result<i32> {
    let Some(assignments) = a.assignments.clone() else {
        bail!("give --assignments (wfm roster's assignments.csv)");
    };
    let shifts = ctx.need(Item::Shifts, a.shifts.as_deref(), "--shifts")?;
    let agents = ctx.need(Item::RosterAgents, a.agents.as_deref(), "--agents")?;
    let rules = ctx.pick(Item::LabourRules, a.rules.as_deref(), "--rules");
    let calendar = centre_calendar(ctx, &shifts, a.calendar.as_deref())?;
    let mut outs = OutputSet::new();
    outs.input("--assignments", &assignments);
    outs.input("--agents", &agents);
    outs.input("--shifts", &shifts);
    let out = outs.claim(None, "stdout")?;
    let (shift_rules, rules) = load_rules(&shifts, calendar.as_deref(), rules.as_deref())?;
    let text = wfm::textio::read_text(&agents)?;
    let (mut agents, w) = read_agents(text.as_bytes(), &agents.display().to_string())?;
    super::warn_all(&w);
    if let Some(p) = &a.leave {
        outs.input("--leave", p);
        let text = wfm::textio::read_text(p)?;
        let (l, w) = read_leave_requests(text.as_bytes(), &p.display().to_string(), &agents)?;
        super::warn_all(&w);
        for r in l {
            if let Some(ag) = agents.iter_mut().find(|x| x.id == r.agent) {
                ag.unavailable.push((r.from, r.to));
            }
        }
    }
    let text = wfm::textio::read_text(&assignments)?;
    let (rows, w) = read_assignments(text.as_bytes(), &assignments.display().to_string())?;
    super::warn_all(&w);
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.date).min(),
        rows.iter().map(|r| r.date).max(),
    ) else {
        outs.set(out, b"agent,date,rule,detail\n".to_vec());
        outs.commit()?;
        return Ok(0);
    };
    let (from, to) = (a.from.unwrap_or(first), a.to.unwrap_or(last));
    let v = check(&rules, &agents, &rows, from, to, &shift_rules.calendar_data);
    diag!(
        "wfm: check-roster: {} assignment(s) of {} agent(s), {} violation(s)",
        rows.len(),
        agents.len(),
        v.len()
    );
    outs.fill(out, |b| write_violations(b, &v))?;
    outs.commit()?;
    Ok(if v.is_empty() { 0 } else { 1 })
}

/// The shift rules (with `calendar` when given) and the labour rules (the
/// defaults without a file).
fn load_rules(
    shifts: &std::path::Path,
    calendar: Option<&std::path::Path>,
    rules: Option<&std::path::Path>,
) -> Result<(ShiftRules, LabourRules)> {
    let mut shift_rules = ShiftRules::from_path(shifts)?;
    if let Some(c) = calendar {
        let (cal, w) = wfm::calendar::Calendar::from_path(c)?;
        super::warn_all(&w);
        shift_rules = shift_rules.with_calendar(cal);
    }
    let rules = match rules {
        Some(p) => LabourRules::from_path(p)?,
        None => LabourRules::default(),
    };
    Ok((shift_rules, rules))
}

/// The calendar of a roster: `--calendar`, else the shift rules' own
/// `calendar` (None here: the rules load it), else the centre's first.
fn centre_calendar(
    ctx: &Ctx,
    shifts: &std::path::Path,
    flag: Option<&std::path::Path>,
) -> Result<Option<PathBuf>> {
    if let Some(p) = flag {
        return Ok(Some(p.to_path_buf()));
    }
    let rules = wfm::shifts::ShiftRules::from_path(shifts)?;
    if rules.calendar.is_some() {
        return Ok(None);
    }
    let Some(c) = &ctx.centre else {
        return Ok(None);
    };
    let paths = c.calendar_paths();
    if paths.len() > 1 {
        diag!(
            "wfm: warning: a roster takes one calendar: the centre's first, {}, is used",
            paths[0].display()
        );
    }
    Ok(paths.into_iter().next())
}
