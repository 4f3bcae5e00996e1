//! `wfm simulate`: replications of the discrete-event simulator.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::jobs::simulate::Request;

use super::centre_ctx::Ctx;
use super::ChannelFlags;
use wfm::io::output::OutputSet;

/// Arguments of `wfm simulate`: the request's fields, the outputs and the
/// channel defaults.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    req: Request,
    /// Per-interval CSV (date,time,channel and every metric with its _ci95)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Summary CSV per channel and day, and overall [default: stdout]
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Per-contact trace CSV of replication 0
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: SimulateArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        trace: a.trace.is_some(),
        channel_defaults: a.flags.settings(),
        ..a.req.clone()
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let bar = super::output::Progress::new(req.replications as u64, "simulating", "replications");
    let tick = || bar.inc();
    let trace_id = super::claim_opt(&mut outs, a.trace.as_deref(), "--trace")?;
    let out_id = super::claim_opt(&mut outs, a.out.as_deref(), "--out")?;
    let summary_id = outs.claim(a.summary.as_deref(), "--summary")?;
    let job = wfm::jobs::simulate::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run(Some(&tick))?;
    bar.finish();
    for line in done.summary() {
        diag!("wfm: simulate: {line}");
    }
    // Everything is computed before any file is written.
    if let (Some(id), Some(t)) = (trace_id, &done.trace) {
        outs.set(id, t.clone());
    }
    if let Some(id) = out_id {
        outs.set(id, done.intervals_table()?.bytes);
    }
    outs.set(summary_id, done.summary_table()?.bytes);
    outs.commit()?;
    Ok(0)
}
