//! `wfm forecast`: expected volumes per interval from a scenario file.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::forecast::Request;

use super::parse_date_flag;

/// Arguments of `wfm forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Scenario TOML [default: the centre's `scenario`]
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// First date, YYYY-MM-DD [default: the scenario's `from`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last date, inclusive [default: the scenario's `to`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Interval length, minutes [default: the scenario's `interval_min`, else 30]
    #[arg(long, value_name = "MIN")]
    interval_min: Option<u32>,
    /// Draw random counts (a synthetic history) instead of expected volumes, with this seed
    #[arg(long, value_name = "SEED")]
    sample_seed: Option<u64>,
    /// With --sample-seed: coefficient of variation of a day-level busyness factor
    #[arg(long, default_value_t = 0.0, value_name = "CV")]
    day_cv: f64,
    /// With --sample-seed: coefficient of variation of an interval-level busyness factor
    #[arg(long, default_value_t = 0.0, value_name = "CV")]
    interval_cv: f64,
    /// Prediction quantiles, e.g. 0.1,0.9: adds columns volume_p10,volume_p90
    /// from the scenario's day_cv and interval_cv (negative binomial)
    #[arg(long, value_delimiter = ',', value_name = "Q")]
    quantiles: Vec<f64>,
    /// Most forecast rows (days × intervals × channels) [default: 10000000]
    #[arg(long, value_name = "N")]
    max_rows: Option<u64>,
    /// Output forecast CSV [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(a: ForecastArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        scenario: a.scenario.clone(),
        from: a.from,
        to: a.to,
        interval_min: a.interval_min,
        sample_seed: a.sample_seed,
        overdispersion: wfm::models::arrivals::Overdispersion {
            day_cv: a.day_cv,
            interval_cv: a.interval_cv,
        },
        quantiles: a.quantiles.clone(),
        max_rows: a
            .max_rows
            .unwrap_or(wfm::demand::scenario::DEFAULT_MAX_FORECAST_ROWS),
    };
    let mut outs = OutputSet::new();
    super::given_inputs(ctx, &mut outs, &[("--scenario", a.scenario.as_deref())]);
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let job = wfm::jobs::forecast::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    Ok(0)
}
