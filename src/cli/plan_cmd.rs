//! `wfm plan`: forecast → requirement → roster → simulation, in rounds.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::jobs::plan::{Request, FILES, GROUP_FILES};

use super::centre_ctx::Ctx;
use wfm::io::output::OutputSet;

/// Arguments of `wfm plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenario TOML (with `channels_file` and `shifts_file`, or give the
    /// flags) [default: the centre's `scenario`]
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Output directory
    #[arg(long, default_value = "plan", value_name = "DIR")]
    out: PathBuf,
    /// Workbook (.xlsx): every table of the output directory as a sheet,
    /// numbers as numbers, dates as dates, money in the centre's currency
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,

    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules TOML [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// First date [default: the scenario's]
    #[arg(long, value_parser = wfm::jobs::args::date, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last date [default: the scenario's]
    #[arg(long, value_parser = wfm::jobs::args::date, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Rounds of schedule and simulate at most
    #[arg(long, default_value_t = 4, value_name = "N")]
    rounds: usize,
    /// Replications per simulation
    #[arg(long, default_value_t = 20, value_name = "N")]
    replications: usize,
    /// Seed of the simulations
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// Solver time limit per channel and round, seconds (a safety net: the
    /// node limit, which gives the same plan on every machine, usually ends the search first)
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes per channel and round at most (microlp only); 0: no branch and bound (the rounded LP roster); `none`: no limit
    #[arg(long, default_value = "10000", value_parser = wfm::jobs::args::node_limit, value_name = "N")]
    node_limit: ::std::option::Option<u64>,
    /// Relative gap at which the optimizer may stop (0: prove optimality)
    #[arg(long, default_value_t = 0.0, value_name = "R")]
    mip_gap: f64,
    /// Simulation threads [default: one per core; never more than the cores]
    #[arg(long, value_parser = wfm::jobs::args::threads, value_name = "N")]
    threads: Option<usize>,
    /// Candidate shifts per channel at most [default: 2000000]
    #[arg(long, value_name = "N")]
    max_shifts: Option<usize>,
    #[command(flatten)]
    limits: wfm::sim::SimLimits,
    /// MIP solver: microlp (the default: its node limit makes the plan reproducible), or cbc when built with `--features cbc`
    #[arg(long, value_parser = wfm::jobs::args::parsed::<wfm::optimize::schedule::SolverChoice>, value_name = "SOLVER")]
    solver: Option<wfm::optimize::schedule::SolverChoice>,
    /// Plan by the channels file's [group.NAME] agent groups (multi-skill), next to planning each channel on its own; adds groups.csv and comparison.csv
    #[arg(long)]
    groups: bool,
    /// Ignore the channels file's blends ([group.NAME] blend = ...): the campaigns' collectors make every attempt (to compare)
    #[arg(long)]
    no_blend: bool,
    /// --groups: replications per candidate staffing of the group search
    #[arg(long, default_value_t = 12, value_name = "N")]
    group_replications: usize,
    /// --groups: most blocks of like load to search
    #[arg(long, default_value_t = 2000, value_name = "N")]
    max_blocks: usize,
    /// --groups: volume bucket, share of each channel's largest volume
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    bucket_share: f64,
}

pub fn run(a: PlanArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(Some(&a.out), || run_in(&a, ctx))
}

fn request(a: &PlanArgs, ctx: &Ctx) -> Request {
    let mut req = Request::on(ctx.centre.clone());
    req.scenario = a.scenario.clone();
    req.channels = a.channels.clone();
    req.shifts = a.shifts.clone();
    req.from = a.from;
    req.to = a.to;
    let o = &mut req.options;
    o.rounds = a.rounds;
    o.replications = a.replications;
    o.seed = a.seed;
    o.threads = a.threads;
    o.limits = a.limits;
    o.no_blend = a.no_blend;
    o.schedule.node_limit = a.node_limit;
    o.schedule.mip_gap = a.mip_gap;
    o.schedule.time_limit_s = a.time_limit_s;
    if let Some(s) = a.solver {
        o.schedule.solver = s;
    }
    if let Some(m) = a.max_shifts {
        o.schedule.max_candidates = m;
    }
    if a.groups {
        o.groups = Some(wfm::optimize::multiskill::GroupStaffOptions {
            replications: a.group_replications,
            seed: a.seed,
            bucket_share: a.bucket_share,
            max_blocks: a.max_blocks,
            max_contacts: o.limits.max_contacts,
        });
    }
    req
}

fn run_in(a: &PlanArgs, ctx: &Ctx) -> Result<i32> {
    let req = request(a, ctx);
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let names = FILES
        .iter()
        .chain(if a.groups { &GROUP_FILES[..] } else { &[] });
    let ids = super::claim_dir(&mut outs, Some(&a.out), names)?;
    let xlsx = super::claim_opt(&mut outs, a.xlsx.as_deref(), "--xlsx")?;
    let job = wfm::jobs::plan::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let stage = super::output::Stage::start("plan", "round 1: schedule and simulate", ctx.quiet);
    let done = job.run(|line| {
        stage.println(&format!("wfm: plan: {line}"));
        stage.set(format!(
            "after {}",
            line.split(':').next().unwrap_or("a round")
        ));
    });
    stage.finish();
    let done = done?;
    for line in done.summary() {
        diag!("wfm: plan: {line}");
    }
    super::warn_all(&done.warnings);
    for line in done.outbound_summary() {
        diag!("wfm: plan: {line}");
    }
    let tables = done.tables()?;
    if let Some(id) = xlsx {
        outs.set(id, wfm::jobs::workbook(&tables, &done.decision.money)?);
    }
    super::publish(outs, &ids, tables)?;
    diag!(
        "wfm: plan: wrote {} files to {}",
        ids.len(),
        a.out.display()
    );
    let code = super::schedule_cmd::report(
        &done.result.roster,
        &done.decision.money,
        done.result.cost(),
    );
    Ok(if !done.meets_targets() || code != 0 {
        1
    } else {
        0
    })
}
