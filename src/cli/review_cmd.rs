//! `wfm review`: the holiday capacity review.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::review::{Request, FILES};

use super::ChannelFlags;

/// Arguments of `wfm review`: the request's fields, the output and the
/// channel defaults.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    req: Request,
    /// Output directory: index.html, intervals.csv, days.csv, available.csv,
    /// supply.csv, variants.csv, fix.csv, campaigns.csv, team_roster.csv [default: the interval CSV on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Workbook (.xlsx): every table of the output directory as a sheet,
    /// numbers as numbers, dates as dates, money in the centre's currency
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: ReviewArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(a.req.clone(), &a, ctx))
}

fn run_in(mut req: Request, a: &ReviewArgs, ctx: &Ctx) -> Result<i32> {
    req.centre = ctx.centre.clone();
    req.channel_defaults = a.flags.settings();
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let ids = super::claim_dir(&mut outs, a.out.as_deref(), &FILES)?;
    let xlsx = super::claim_opt(&mut outs, a.xlsx.as_deref(), "--xlsx")?;
    let job = wfm::jobs::review::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = super::output::Stage::around(
        "review",
        "scheduling the team, simulating the base, the what-ifs and the fix",
        ctx.quiet,
        || job.run(),
    )?;
    for line in done.summary() {
        diag!("wfm: review: {line}");
    }
    let tables = super::tables_and_workbook(
        &mut outs,
        a.out.is_some(),
        xlsx,
        &done.decision.money,
        || done.tables(),
        || done.intervals_table(),
    )?;
    super::publish(outs, &ids, tables)?;
    if let Some(dir) = &a.out {
        diag!(
            "wfm: review: the report is {}",
            dir.join("index.html").display()
        );
    }
    Ok(if done.meets_targets() { 0 } else { 1 })
}
