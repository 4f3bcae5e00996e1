//! `wfm schedule`: the cheapest roster of real shifts covering a requirement.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::jobs::schedule::Request;
use wfm::optimize::schedule::{Roster, SolverChoice};

use super::centre_ctx::Ctx;
use wfm::io::output::OutputSet;

/// Arguments of `wfm schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Requirement CSV: date,time,channel,agents (or group); `wfm staff`
    /// output as is [default: the centre's `requirements`]
    #[arg(long, value_name = "FILE")]
    requirements: Option<PathBuf>,
    /// Shift rules TOML [default: the centre's `shifts`]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Interval length of the requirement, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Time limit of the solver per channel, seconds; the best roster so far is returned
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes per channel at most, a budget that gives the same roster on any machine (microlp only); 0: no branch and bound (the rounded LP roster); `none`: no limit
    #[arg(long, default_value = "none", value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: super::NodeLimit,
    /// Candidate shifts per channel at most [default: 2000000]
    #[arg(long, value_name = "N")]
    max_shifts: Option<usize>,
    /// Relative gap at which the optimizer may stop (0: prove optimality)
    #[arg(long, default_value_t = 0.0, value_name = "R")]
    mip_gap: f64,
    /// Roster CSV: date,shift,start,end,agents,breaks,channel [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Coverage CSV: date,time,channel,required,scheduled,gap
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Per-interval staffing for `wfm simulate`: date,time,channel,agents
    #[arg(long, value_name = "FILE")]
    staffing_out: Option<PathBuf>,
    /// Calendar CSV for `[[premium]] day_types` (statutory holidays, rest
    /// days) [default: the rules' `calendar`, else the centre's `calendars`]
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// MIP solver: microlp, or cbc when built with `--features cbc` [default: cbc if built, else microlp]
    #[arg(long, value_parser = parse_solver, value_name = "SOLVER")]
    solver: Option<SolverChoice>,
}

pub fn parse_solver(s: &str) -> Result<SolverChoice, String> {
    s.parse()
}

/// Prints the roster summary on stderr; returns the exit code (1 when
/// coverage falls short of the requirement).
/// Prints a roster's totals and each channel's proof; 1 when it falls
/// short of the requirement.
pub fn report(roster: &Roster) -> i32 {
    for line in wfm::jobs::schedule::roster_lines(roster) {
        diag!("wfm: roster: {line}");
    }
    if roster.summary().shortfall > 0 {
        1
    } else {
        0
    }
}

pub fn run(a: ScheduleArgs, ctx: &Ctx) -> Result<i32> {
    let mut req = Request::on(ctx.centre.clone());
    req.requirements = a.requirements.clone();
    req.shifts = a.shifts.clone();
    req.calendar = a.calendar.clone();
    req.interval_min = a.interval_min;
    let o = &mut req.options;
    o.time_limit_s = a.time_limit_s;
    o.node_limit = a.node_limit.0;
    o.max_candidates = a
        .max_shifts
        .unwrap_or(wfm::optimize::shifts::DEFAULT_MAX_CANDIDATES);
    o.mip_gap = a.mip_gap;
    if let Some(s) = a.solver {
        o.solver = s;
    }
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--requirements", a.requirements.as_deref()),
            ("--shifts", a.shifts.as_deref()),
            ("--calendar", a.calendar.as_deref()),
        ],
    );
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let cov = super::claim_opt(&mut outs, a.coverage.as_deref(), "--coverage")?;
    let staff = super::claim_opt(&mut outs, a.staffing_out.as_deref(), "--staffing-out")?;
    let job = wfm::jobs::schedule::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    if let Some(id) = cov {
        outs.set(id, done.coverage_table()?.bytes);
    }
    if let Some(id) = staff {
        outs.set(id, done.staffing_table()?.bytes);
    }
    outs.set(out, done.roster_table()?.bytes);
    outs.commit()?;
    Ok(report(&done.roster))
}
