//! `wfm roster` and `wfm check-roster`: rosters of named agents.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::{bail, Result};
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::roster::{CheckRequest, Request, FILES};

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
    #[arg(long, default_value_t = wfm::jobs::roster::DEFAULT_TIME_LIMIT_S, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes of the shift optimizer per group (`none`: no limit)
    #[arg(long, default_value_t = super::NodeLimit(Some(wfm::jobs::roster::DEFAULT_NODE_LIMIT)), value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: super::NodeLimit,
    /// Output directory: assignments.csv, agents.csv, uncovered.csv, leave_granted.csv, leave_refused.csv, index.html
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Most agents x roster days to assign (the work grows with its square)
    #[arg(long, default_value_t = wfm::optimize::roster::DEFAULT_MAX_AGENT_DAYS, value_name = "N")]
    max_agent_days: u64,
}

pub fn run(a: RosterArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(Some(&a.out), || run_in(&a, ctx))
}

fn run_in(a: &RosterArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        requirements: a.requirements.clone(),
        shifts: a.shifts.clone(),
        agents: a.agents.clone(),
        rules: a.rules.clone(),
        leave_requests: a.leave_requests.clone(),
        calendar: a.calendar.clone(),
        from: a.from,
        to: a.to,
        interval_min: a.interval_min,
        time_limit_s: a.time_limit_s,
        node_limit: a.node_limit.0,
        max_agent_days: a.max_agent_days,
    };
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--requirements", a.requirements.as_deref()),
            ("--shifts", a.shifts.as_deref()),
            ("--agents", a.agents.as_deref()),
            ("--rules", a.rules.as_deref()),
            ("--leave-requests", a.leave_requests.as_deref()),
            ("--calendar", a.calendar.as_deref()),
        ],
    );
    let ids = super::claim_dir(&mut outs, Some(&a.out), &FILES)?;
    let job = wfm::jobs::roster::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    for line in done.summary() {
        diag!("wfm: roster: {line}");
    }
    super::publish(outs, &ids, done.tables()?)?;
    diag!(
        "wfm: roster: the report is {}",
        a.out.join("index.html").display()
    );
    Ok(if done.covered() { 0 } else { 1 })
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
    let req = CheckRequest {
        centre: ctx.centre.clone(),
        assignments,
        agents: a.agents.clone(),
        shifts: a.shifts.clone(),
        rules: a.rules.clone(),
        calendar: a.calendar.clone(),
        from: a.from,
        to: a.to,
        leave: a.leave.clone(),
    };
    let mut outs = OutputSet::new();
    let out = outs.claim(None, "stdout")?;
    let done = wfm::jobs::roster::check(&req)?;
    super::print_setup(&done.setup);
    diag!(
        "wfm: check-roster: {} assignment(s) of {} agent(s), {} violation(s)",
        done.assignments,
        done.agents,
        done.violations.len()
    );
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    Ok(if done.violations.is_empty() { 0 } else { 1 })
}
