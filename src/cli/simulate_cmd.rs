//! `wfm simulate`: replications of the discrete-event simulator.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wfm::arrivals::Overdispersion;
use wfm::sim::{from_forecast, StaffingTable};

use super::centre_ctx::Ctx;
use super::ChannelFlags;
use wfm::output::OutputSet;

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
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    let (forecast, source, scenario) =
        ctx.demand(a.forecast.as_deref(), a.interval_min, &mut outs)?;
    let sc = scenario.as_ref().map(|(s, p)| (s, p.as_path()));
    let (channels, _) = ctx.scenario_files(sc, a.channels.as_deref(), None);
    if let Some(c) = &channels {
        outs.input("--channels", c);
    }
    if let Some(p) = &a.staffing {
        outs.input("--staffing", p);
    }
    let trace_id = match &a.trace {
        Some(p) => Some(outs.claim(Some(p), "--trace")?),
        None => None,
    };
    let out_id = match &a.out {
        Some(p) => Some(outs.claim(Some(p), "--out")?),
        None => None,
    };
    let summary_id = outs.claim(a.summary.as_deref(), "--summary")?;
    if forecast.rows.is_empty() {
        bail!("{source}: the forecast has no rows");
    }
    let book = super::channel_book(channels.as_deref(), &a.flags, forecast.channels())?;
    let (staffing, staffing_source) = match &a.staffing {
        Some(p) => {
            let (t, warnings) = StaffingTable::from_path(p, a.interval_min)?;
            super::warn_all(&warnings);
            (t, p.display().to_string())
        }
        None => {
            diag!("wfm: note: no --staffing: simulating the Erlang requirement of the forecast (wfm staff's agents per interval)");
            let rows = wfm::requirement::staff_forecast(&forecast, &book, None, &source)?;
            let t = StaffingTable {
                rows: rows
                    .iter()
                    .map(|r| {
                        wfm::requirement::StaffingRow::new(r.date, r.time, &r.channel, r.agents)
                    })
                    .collect(),
            };
            (t, "the Erlang requirement".to_string())
        }
    };
    let mut builder = from_forecast(&forecast, &staffing, &book, &staffing_source)?
        .replications(a.replications)
        .seed(a.seed)
        .threads(a.threads)
        .limits(a.limits.limits()?)
        .overdispersion(Overdispersion {
            day_cv: a.day_cv,
            interval_cv: a.interval_cv,
        });
    for s in &a.start_waiting {
        let (c, n) = pair("--start-waiting", s)?;
        builder = builder.start_waiting(&c, n);
    }
    for s in &a.start_busy {
        let (c, n) = pair("--start-busy", s)?;
        builder = builder.start_busy(&c, n);
    }
    if a.replications == 0 {
        bail!("--replications: expected at least 1");
    }
    // Routing and distribution errors come from the channels file's tables.
    let mut sim = builder.build().map_err(|e| match (&channels, &e) {
        (
            Some(p),
            wfm::sim::SimError::Channel { .. }
            | wfm::sim::SimError::UnknownChannel { .. }
            | wfm::sim::SimError::Unserved(_)
            | wfm::sim::SimError::Concurrency { .. },
        ) => anyhow::anyhow!("{}: {e}", p.display()),
        _ => anyhow::anyhow!("{e}"),
    })?;
    if a.choose_reserve {
        let choice = wfm::sim::choose_reserves(&mut sim, &|c: &str| {
            book.resolve(c).ok().map(|x| x.targets)
        })?;
        if choice.chosen.is_empty() {
            bail!("--choose-reserve: no blended group ([group.NAME] blend = ...) in the channels");
        }
        for t in &choice.trials {
            let dropped = if t.abandon_share > 0.0 {
                format!(
                    ", at most {:.2}% of a day's answered calls dropped ({} day(s) over the cap)",
                    100.0 * t.abandon_share,
                    t.days_over_cap
                )
            } else {
                String::new()
            };
            diag!(
                "wfm: simulate: {} reserves {}: {} inbound interval(s) missing a target, {:.0} outbound calls{dropped}",
                t.group,
                t.by_day
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                t.inbound_misses,
                t.outbound_calls
            );
        }
        for (g, d, r) in &choice.by_day {
            diag!("wfm: simulate: {g}: {d} reserve {r} chosen");
        }
    }

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
    let result = sim.run(Some(&tick))?;
    bar.finish_and_clear();
    super::print_campaign_days("wfm: simulate: ", &result.campaigns());

    // Everything is computed before any file is written.
    if let Some(id) = trace_id {
        let mut buf = Vec::new();
        sim.trace(&mut buf).context("writing the trace")?;
        outs.set(id, buf);
    }
    if let Some(id) = out_id {
        outs.fill(id, |buf| result.write_intervals(buf))?;
    }
    outs.fill(summary_id, |buf| result.write_summary(buf))?;
    outs.commit()?;
    Ok(0)
}
