//! `wfm fit`: learn a scenario file from history.

use std::path::{Path, PathBuf};

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::jobs::fit::Request;

use wfm::io::output::OutputSet;

/// Arguments of `wfm fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// History CSV with the forecast's columns (actual volumes)
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Output scenario TOML [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A scenario whose calendar, [[repayment]], [month_end] and [holidays]
    /// say what to estimate (its factors are ignored)
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Calendar CSV of holidays and make-up workdays
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Due days of the month, e.g. 10,25 (estimates offsets -3..+2)
    #[arg(long, value_delimiter = ',', value_name = "DAYS")]
    due_days: Vec<u32>,
    /// Estimate a month-end factor for the last N days of each month
    #[arg(long, value_name = "N")]
    month_end_days: Option<u32>,
    /// Interval length of the history, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Days held out at the end to measure the fit
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    holdout_days: u32,
    /// Fit on the last N days of the history only
    #[arg(long, value_name = "N")]
    fit_days: Option<u32>,
}

pub fn run(a: FitArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        history: a.history.clone(),
        template: a.template.clone(),
        calendar: a.calendar.clone(),
        due_days: a.due_days.clone(),
        month_end_days: a.month_end_days,
        interval_min: a.interval_min,
        holdout_days: a.holdout_days,
        fit_days: a.fit_days,
        written_in: a
            .out
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf),
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
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let job = wfm::jobs::fit::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    super::warn_all(&done.report.warnings);
    for line in done.summary() {
        diag!("wfm: fit: {line}");
    }
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    Ok(0)
}
