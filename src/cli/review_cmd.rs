//! `wfm review`: the holiday capacity review.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::review::{Request, FILES};

use super::{parse_date_flag, ChannelFlags};

/// Arguments of `wfm review`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("demand").args(["scenario", "forecast"])))]
#[command(group(clap::ArgGroup::new("supply").args(["team", "staffing"])))]
pub struct ReviewArgs {
    /// Scenario TOML of the holiday (its forecast, calendar, channels_file and shifts_file)
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Forecast CSV, instead of a scenario
    #[arg(long, value_name = "FILE")]
    forecast: Option<PathBuf>,
    /// The team as it is (TOML: groups, headcount, standing roster, leave, changes)
    #[arg(long, value_name = "FILE")]
    team: Option<PathBuf>,
    /// Agents on duty per interval instead of a team: date,time,channel,agents
    #[arg(long, value_name = "FILE")]
    staffing: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules: opening hours, and the shift types and premiums a team's
    /// roster is priced with [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// First date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Interval length of a forecast CSV, minutes
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
    /// What-if variants (TOML: overtime, containment, borrow, temporary,
    /// callbacks), each compared with the base on common random numbers
    #[arg(long, value_name = "FILE")]
    what_if: Option<PathBuf>,
    /// Also solve for the cheapest fix: temporary shifts of the rules' types
    /// (with holiday pay) covering the shortfall, and simulate it
    #[arg(long)]
    recommend: bool,
    /// Branch-and-bound nodes per channel for --recommend (0: the rounded LP)
    #[arg(long, default_value_t = 500, value_name = "N")]
    fix_node_limit: u64,
    /// Output directory: index.html, intervals.csv, days.csv, available.csv,
    /// supply.csv, variants.csv, fix.csv, campaigns.csv [default: the interval CSV on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: ReviewArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(&a, ctx))
}

fn request(a: &ReviewArgs, ctx: &Ctx) -> Result<Request> {
    Ok(Request {
        centre: ctx.centre.clone(),
        scenario: a.scenario.clone(),
        forecast: a.forecast.clone(),
        team: a.team.clone(),
        staffing: a.staffing.clone(),
        channels: a.channels.clone(),
        shifts: a.shifts.clone(),
        from: a.from,
        to: a.to,
        interval_min: a.interval_min,
        replications: a.replications,
        seed: a.seed,
        threads: a.threads,
        limits: a.limits.limits()?,
        what_if: a.what_if.clone(),
        recommend: a.recommend,
        fix_node_limit: a.fix_node_limit,
        channel_defaults: a.flags.settings(),
    })
}

fn run_in(a: &ReviewArgs, ctx: &Ctx) -> Result<i32> {
    let req = request(a, ctx)?;
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--scenario", a.scenario.as_deref()),
            ("--forecast", a.forecast.as_deref()),
            ("--team", a.team.as_deref()),
            ("--staffing", a.staffing.as_deref()),
            ("--channels", a.channels.as_deref()),
            ("--shifts", a.shifts.as_deref()),
            ("--what-if", a.what_if.as_deref()),
        ],
    );
    let ids = super::claim_dir(&mut outs, a.out.as_deref(), &FILES)?;
    let job = wfm::jobs::review::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    for line in done.summary() {
        diag!("wfm: review: {line}");
    }
    let tables = match &a.out {
        Some(_) => done.tables()?,
        None => vec![done.intervals_table()?],
    };
    super::publish(outs, &ids, tables)?;
    if let Some(dir) = &a.out {
        diag!(
            "wfm: review: the report is {}",
            dir.join("index.html").display()
        );
    }
    Ok(if done.meets_targets() { 0 } else { 1 })
}
