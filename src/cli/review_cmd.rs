//! `wfm review`: the capacity review of an existing roster.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::forecast::Forecast;
use wfm::requirement::StaffingTable;
use wfm::review::{review, write_review};

use wfm::output::OutputSet;

use super::ChannelFlags;

/// Arguments of `wfm review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Forecast CSV (e.g. from `wfm forecast` on the holiday's scenario)
    #[arg(long, value_name = "FILE")]
    forecast: PathBuf,
    /// The roster's staffing: date,time,channel,agents (`wfm schedule --staffing-out`)
    #[arg(long, value_name = "FILE")]
    staffing: PathBuf,
    /// Channel settings TOML
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules whose [open.CHANNEL] hours apply: volume arriving while a
    /// channel is closed moves to its opening, as in `wfm plan`
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Interval length, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Replications of the simulation
    #[arg(long, default_value_t = 20, value_name = "N")]
    replications: usize,
    /// Seed of the simulation
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// Simulation threads [default: one per core; never more than the cores]
    #[arg(long, value_parser = super::parse_threads, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    limits: super::LimitFlags,
    /// Review CSV [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: ReviewArgs) -> Result<i32> {
    let mut outs = OutputSet::new();
    outs.input("--forecast", &a.forecast);
    outs.input("--staffing", &a.staffing);
    for (flag, p) in [("--channels", &a.channels), ("--shifts", &a.shifts)] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let (forecast, warnings) = Forecast::from_path(&a.forecast, a.interval_min)?;
    super::warn_all(&warnings);
    let rules = match &a.shifts {
        Some(p) => Some((
            wfm::shifts::ShiftRules::from_path(p)?,
            p.display().to_string(),
        )),
        None => None,
    };
    if a.replications == 0 {
        anyhow::bail!("--replications: expected at least 1");
    }
    let (staffing, warnings) = StaffingTable::from_path(&a.staffing, a.interval_min)?;
    super::warn_all(&warnings);
    let book = super::channel_book(a.channels.as_deref(), &a.flags)?;
    let rows = review(
        &forecast,
        &staffing,
        &book,
        &a.staffing.display().to_string(),
        rules.as_ref().map(|(r, s)| (r, s.as_str())),
        &wfm::review::ReviewOptions {
            replications: a.replications,
            seed: a.seed,
            threads: a.threads,
            limits: a.limits.limits()?,
        },
    )?;
    let short: u64 = rows.iter().map(|r| r.short as u64).sum();
    let misses: Vec<_> = rows.iter().filter(|r| r.misses_target).collect();
    diag!(
        "wfm: review: {} agent-intervals short of the requirement, {} interval(s) where the simulated service misses a target",
        short,
        misses.len()
    );
    let mut worst: Vec<_> = rows.iter().filter(|r| r.short > 0).collect();
    worst.sort_by(|x, y| {
        y.short
            .cmp(&x.short)
            .then(x.date.cmp(&y.date))
            .then(x.time.cmp(&y.time))
    });
    for r in worst.iter().take(5) {
        let sl = r.service_level.mean;
        let sl = if sl.is_finite() {
            format!("{:.1}%", 100.0 * sl)
        } else {
            "-".into()
        };
        diag!(
            "wfm: review: {} {} {}: {} short ({} of {}), simulated service level {sl}",
            r.date,
            wfm::textio::format_time(r.time),
            r.channel,
            r.short,
            r.scheduled,
            r.required,
        );
    }
    outs.fill(out, |buf| write_review(buf, &rows))?;
    outs.commit()?;
    Ok(if short > 0 || !misses.is_empty() {
        1
    } else {
        0
    })
}
