//! `wfm backtest`: rolling-origin evaluation of `fit` against baselines.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::backtest::Request;

/// Arguments of `wfm backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// History CSV with the forecast's columns (actual volumes)
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Origins, a week apart, the last one a horizon before the history's end
    #[arg(long, default_value_t = 4, value_name = "N")]
    origins: usize,
    /// Days forecast from each origin
    #[arg(long, default_value_t = 28, value_name = "DAYS")]
    horizon_days: u32,
    /// Fit each origin on its last N days only [default: all the history before it]
    #[arg(long, value_name = "DAYS")]
    fit_days: Option<u32>,
    /// Most history rows fitted over all origins (origins × rows each) [default: 2e6]
    #[arg(long, value_name = "N")]
    max_fit_rows: Option<f64>,
    /// Interval length of the history, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Calendar CSV of holidays and make-up workdays
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// A scenario whose calendar, repayment products, month-end and holiday
    /// effects say what `fit` estimates
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Backtest CSV: method,origin,daily_mape,interval_wape,bias,coverage_80
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(a: BacktestArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        history: a.history.clone(),
        template: a.template.clone(),
        calendar: a.calendar.clone(),
        origins: a.origins,
        horizon_days: a.horizon_days,
        fit_days: a.fit_days,
        max_fit_rows: a
            .max_fit_rows
            .unwrap_or(wfm::jobs::backtest::DEFAULT_MAX_FIT_ROWS),
        interval_min: a.interval_min,
    };
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--history", a.history.as_deref()),
            ("--template", a.template.as_deref()),
            ("--calendar", a.calendar.as_deref()),
        ],
    );
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
