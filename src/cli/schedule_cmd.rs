//! `wfm schedule`: the cheapest roster of real shifts covering a requirement.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::jobs::schedule::Request;
use wfm::optimize::schedule::Roster;

use super::centre_ctx::Ctx;
use wfm::io::output::OutputSet;

/// Arguments of `wfm schedule`: the request's fields and the outputs.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    req: Request,
    /// Roster CSV: date,shift,start,end,agents,breaks,channel [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Coverage CSV: date,time,channel,required,scheduled,gap
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Per-interval staffing for `wfm simulate`: date,time,channel,agents
    #[arg(long, value_name = "FILE")]
    staffing_out: Option<PathBuf>,
}

/// Prints a roster's totals and each channel's proof; 1 when it falls
/// short of the requirement.
pub fn report(roster: &Roster, money: &wfm::core::money::Money, cost: f64) -> i32 {
    for line in wfm::jobs::schedule::roster_lines(roster, money, cost) {
        diag!("wfm: roster: {line}");
    }
    if roster.summary().shortfall > 0 {
        1
    } else {
        0
    }
}

pub fn run(a: ScheduleArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        ..a.req.clone()
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let cov = super::claim_opt(&mut outs, a.coverage.as_deref(), "--coverage")?;
    let staff = super::claim_opt(&mut outs, a.staffing_out.as_deref(), "--staffing-out")?;
    let job = wfm::jobs::schedule::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = super::output::Stage::around(
        "schedule",
        "solving the shift model channel by channel",
        ctx.quiet,
        || job.run(),
    )?;
    if let Some(id) = cov {
        outs.set(id, done.coverage_table()?.bytes);
    }
    if let Some(id) = staff {
        outs.set(id, done.staffing_table()?.bytes);
    }
    outs.set(out, done.roster_table()?.bytes);
    outs.commit()?;
    Ok(report(
        &done.roster,
        &done.money,
        done.roster.summary().cost,
    ))
}
