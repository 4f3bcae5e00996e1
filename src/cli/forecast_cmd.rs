//! `wfm forecast`: expected volumes per interval from a scenario file.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::forecast::Request;

/// Arguments of `wfm forecast`: the request's fields and the output.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    req: Request,
    /// Output forecast CSV [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(a: ForecastArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        ..a.req
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let job = wfm::jobs::forecast::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    Ok(0)
}
