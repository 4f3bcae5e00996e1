//! `wfm capacity`: the long-range capacity plan.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::capacity::{Request, FILES};

use super::ChannelFlags;

/// Arguments of `wfm capacity`: the request's fields, the output and the
/// channel defaults.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    #[command(flatten)]
    req: Request,
    /// Output directory: capacity.csv, hiring.csv, variants.csv, index.html [default: capacity.csv on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Workbook (.xlsx): every table of the output directory as a sheet,
    /// numbers as numbers, dates as dates, money in the centre's currency
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: CapacityArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(&a, ctx))
}

fn run_in(a: &CapacityArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        channel_defaults: a.flags.settings(),
        ..a.req.clone()
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let ids = super::claim_dir(&mut outs, a.out.as_deref(), &FILES)?;
    let xlsx = super::claim_opt(&mut outs, a.xlsx.as_deref(), "--xlsx")?;
    let job = wfm::jobs::capacity::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = super::output::Stage::around(
        "capacity",
        "scheduling the representative weeks and planning the year",
        ctx.quiet,
        || job.run(),
    )?;
    super::warn_all(&done.plan.warnings);
    for line in done.summary() {
        diag!("wfm: capacity: {line}");
    }
    let tables = super::tables_and_workbook(
        &mut outs,
        a.out.is_some(),
        xlsx,
        &done.decision.money,
        || done.tables(),
        || done.capacity_table(),
    )?;
    super::publish(outs, &ids, tables)?;
    if let Some(dir) = &a.out {
        diag!(
            "wfm: capacity: the report is {}",
            dir.join("index.html").display()
        );
    }
    Ok(if done.covered() { 0 } else { 1 })
}
