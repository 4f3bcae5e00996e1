//! `wfm roster` and `wfm check-roster`: rosters of named agents.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::roster::{CheckRequest, Request, FILES};

/// Arguments of `wfm roster`: the request's fields and the output.
#[derive(Debug, Args)]
pub struct RosterArgs {
    #[command(flatten)]
    req: Request,
    /// Output directory: assignments.csv, agents.csv, uncovered.csv, leave_granted.csv, leave_refused.csv, index.html
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Workbook (.xlsx): every table of the output directory as a sheet,
    /// numbers as numbers, dates as dates, money in the centre's currency
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
}

pub fn run(a: RosterArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(Some(&a.out), || run_in(&a, ctx))
}

fn run_in(a: &RosterArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        ..a.req.clone()
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let ids = super::claim_dir(&mut outs, Some(&a.out), &FILES)?;
    let xlsx = super::claim_opt(&mut outs, a.xlsx.as_deref(), "--xlsx")?;
    let job = wfm::jobs::roster::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = super::output::Stage::around(
        "roster",
        "scheduling the shifts, then giving them to the agents",
        ctx.quiet,
        || job.run(),
    )?;
    for line in done.summary() {
        diag!("wfm: roster: {line}");
    }
    let tables = done.tables()?;
    if let Some(id) = xlsx {
        outs.set(id, wfm::jobs::workbook(&tables, &done.decision.money)?);
    }
    super::publish(outs, &ids, tables)?;
    diag!(
        "wfm: roster: the report is {}",
        a.out.join("index.html").display()
    );
    Ok(if done.covered() { 0 } else { 1 })
}

pub fn run_check(a: CheckRequest, ctx: &Ctx) -> Result<i32> {
    let req = CheckRequest {
        centre: ctx.centre.clone(),
        ..a
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
