//! `wfm simulate`: replications of the discrete-event simulator.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wfm::jobs::simulate::Request;

use super::centre_ctx::Ctx;
use super::ChannelFlags;
use wfm::io::output::OutputSet;

/// Arguments of `wfm simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Forecast CSV: date,time,channel,volume,aht_s[,patience_s] [default:
    /// the centre's `forecast`, else its `scenario`'s forecast]
    #[arg(long, value_name = "FILE")]
    forecast: Option<PathBuf>,
    /// Staffing CSV: date,time,group,agents (or channel; `wfm staff` output
    /// as is) [default: the Erlang requirement of the forecast, as `wfm
    /// staff` gives it]
    #[arg(long, value_name = "FILE")]
    staffing: Option<PathBuf>,
    /// Channel settings TOML ([channel.NAME] and [group.NAME] tables) [default: the centre's `channels`]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Interval length, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Replications
    #[arg(long, default_value_t = 30, value_name = "N")]
    replications: usize,
    /// Seed: the same seed gives the same output for any --threads
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// Worker threads [default: one per core; never more than the cores]
    #[arg(long, value_parser = super::parse_threads, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    limits: super::LimitFlags,
    /// Per-interval CSV (date,time,channel and every metric with its _ci95)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Summary CSV per channel and day, and overall [default: stdout]
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Per-contact trace CSV of replication 0
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Coefficient of variation of a day-level busyness factor on arrivals
    #[arg(long, default_value_t = 0.0, value_name = "CV")]
    day_cv: f64,
    /// Coefficient of variation of an interval-level busyness factor
    #[arg(long, default_value_t = 0.0, value_name = "CV")]
    interval_cv: f64,
    /// Contacts waiting at the start, CHANNEL=N (repeatable)
    #[arg(long, value_name = "CHANNEL=N")]
    start_waiting: Vec<String>,
    /// Contacts in service at the start, CHANNEL=N (repeatable)
    #[arg(long, value_name = "CHANNEL=N")]
    start_busy: Vec<String>,
    #[command(flatten)]
    flags: ChannelFlags,
    /// Blended groups: choose each group's reserve by simulation (the least that keeps every inbound target and, predictive, every day's dropped calls within the cap: the most outbound calls) and simulate with it
    #[arg(long)]
    choose_reserve: bool,
}

fn pair(flag: &str, s: &str) -> Result<(String, u32)> {
    let Some((c, n)) = s.split_once('=') else {
        bail!("{flag}: expected CHANNEL=N, got {s:?}");
    };
    let n: u32 = n
        .trim()
        .parse()
        .with_context(|| format!("{flag}: expected a whole number after =, got {s:?}"))?;
    Ok((c.trim().to_string(), n))
}

pub fn run(a: SimulateArgs, ctx: &Ctx) -> Result<i32> {
    let pairs =
        |flag: &str, v: &[String]| v.iter().map(|s| pair(flag, s)).collect::<Result<Vec<_>>>();
    let req = Request {
        centre: ctx.centre.clone(),
        forecast: a.forecast.clone(),
        staffing: a.staffing.clone(),
        channels: a.channels.clone(),
        interval_min: a.interval_min,
        replications: a.replications,
        seed: a.seed,
        threads: a.threads,
        limits: a.limits.limits()?,
        overdispersion: wfm::models::arrivals::Overdispersion {
            day_cv: a.day_cv,
            interval_cv: a.interval_cv,
        },
        start_waiting: pairs("--start-waiting", &a.start_waiting)?,
        start_busy: pairs("--start-busy", &a.start_busy)?,
        choose_reserve: a.choose_reserve,
        trace: a.trace.is_some(),
        channel_defaults: a.flags.settings(),
    };
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--forecast", a.forecast.as_deref()),
            ("--staffing", a.staffing.as_deref()),
            ("--channels", a.channels.as_deref()),
        ],
    );
    let trace_id = super::claim_opt(&mut outs, a.trace.as_deref(), "--trace")?;
    let out_id = super::claim_opt(&mut outs, a.out.as_deref(), "--out")?;
    let summary_id = outs.claim(a.summary.as_deref(), "--summary")?;
    let started = Instant::now();
    let bar =
        ProgressBar::with_draw_target(Some(a.replications as u64), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} simulating [{bar:30}] {pos}/{len} replications, {elapsed}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let shown = std::sync::atomic::AtomicBool::new(false);
    let tick = || {
        if !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() > Duration::from_secs(1)
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.inc(1);
    };
    let job = wfm::jobs::simulate::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run(Some(&tick))?;
    bar.finish_and_clear();
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
