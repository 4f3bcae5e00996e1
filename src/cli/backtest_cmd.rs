//! `wfm backtest`: rolling-origin evaluation of `fit` against baselines.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::backtest::{backtest, write_backtest, BacktestOptions, METHODS};
use wfm::centre::Item;
use wfm::fit::FitOptions;
use wfm::forecast::Forecast;
use wfm::output::OutputSet;

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
    let history = ctx.need(Item::History, a.history.as_deref(), "--history")?;
    let template = ctx.pick(Item::Scenario, a.template.as_deref(), "--template");
    let calendar = match (&a.calendar, &ctx.centre) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(c)) if template.is_none() => c.calendar_paths().into_iter().next(),
        _ => None,
    };
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    outs.input("--history", &history);
    for (flag, p) in [("--calendar", &calendar), ("--template", &template)] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let table = outs.claim(None, "--out")?;
    let csv = match &a.out {
        Some(p) => Some(outs.claim(Some(p), "--out")?),
        None => None,
    };
    let (hist, w) = Forecast::from_path(&history, a.interval_min)?;
    super::warn_all(&w);
    let mut fit = FitOptions::default();
    super::fit_cmd::template_and_calendar(&mut fit, template.as_deref(), calendar.as_deref())?;
    let opts = BacktestOptions {
        origins: a.origins,
        horizon_days: a.horizon_days,
        fit,
        ..BacktestOptions::default()
    };
    let rows = backtest(&hist, &opts).map_err(|e| anyhow::anyhow!("{}: {e}", history.display()))?;
    let pct = |v: f64| {
        if v.is_finite() {
            format!("{:7.1}%", 100.0 * v)
        } else {
            "      -".into()
        }
    };
    let mut text = String::from(
        "method          origin      daily MAPE  interval WAPE    bias  80% coverage\n",
    );
    for m in METHODS {
        for r in rows.iter().filter(|r| r.method == m) {
            text.push_str(&format!(
                "{:<15} {}    {}       {}  {}      {}\n",
                r.method,
                r.origin,
                pct(r.daily_mape),
                pct(r.interval_wape),
                pct(r.bias),
                pct(r.coverage_80)
            ));
        }
    }
    outs.set(table, text.into_bytes());
    if let Some(id) = csv {
        outs.fill(id, |b| write_backtest(b, &rows))?;
    }
    outs.commit()?;
    Ok(0)
}
