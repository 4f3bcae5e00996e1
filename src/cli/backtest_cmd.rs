//! `wfm backtest`: rolling-origin evaluation of `fit` against baselines.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::backtest::Request;

/// Arguments of `wfm backtest`: the request's fields and the output.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    req: Request,
    /// Backtest CSV: method,origin,daily_mape,interval_wape,bias,coverage_80
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(a: BacktestArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        ..a.req
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let table = outs.claim(None, "--out")?;
    let csv = super::claim_opt(&mut outs, a.out.as_deref(), "--out")?;
    let job = wfm::jobs::backtest::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    outs.set(table, done.text().into_bytes());
    if let Some(id) = csv {
        outs.set(id, done.table()?.bytes);
    }
    outs.commit()?;
    Ok(0)
}
