//! `wfm capacity`: the long-range capacity plan.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::{bail, Result};
use clap::Args;
use wfm::io::output::OutputSet;
use wfm::jobs::capacity::{Request, FILES};

use super::{parse_date_flag, ChannelFlags, NodeLimit};

/// Arguments of `wfm capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Scenario TOML: the demand over the horizon (26–104 weeks), its
    /// calendar [default: the centre's `capacity.scenario`, else `scenario`]
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules TOML for the representative weeks [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// The team as it is (the capacity review's team file: headcount, leave, changes)
    /// [default: the centre's `capacity.team`, else `team`]
    #[arg(long, value_name = "FILE")]
    team: Option<PathBuf>,
    /// Attrition and the hiring pipeline (TOML) [default: every key's default]
    #[arg(long, value_name = "FILE")]
    hiring: Option<PathBuf>,
    /// First day of the horizon [default: the scenario's `from`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last day of the horizon [default: the scenario's `to`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Solve for the class starts and sizes that cover the gap at least cost
    #[arg(long)]
    optimize_hiring: bool,
    /// Weekly attrition, overriding the hiring file's `[attrition] weekly`; several
    /// (`0.005,0.012`) plan each side by side, the first being the plan written
    #[arg(long, value_name = "SHARE[,SHARE...]")]
    attrition_weekly: Option<String>,
    /// Override any key of the hiring file: KEY=VALUE (e.g. hiring.class_max=40); repeatable
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Schedule every week instead of one representative week per demand pattern
    #[arg(long)]
    every_week: bool,
    /// Branch-and-bound nodes of the hiring optimizer (`none`: no limit)
    #[arg(long, default_value_t = NodeLimit(Some(wfm::jobs::capacity::DEFAULT_NODE_LIMIT)), value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: NodeLimit,
    /// Time limit of the hiring optimizer, seconds
    #[arg(long, default_value_t = wfm::jobs::capacity::DEFAULT_TIME_LIMIT_S, value_name = "S")]
    time_limit_s: f64,
    /// Longest horizon, weeks
    #[arg(long, default_value_t = wfm::supply::capacity::DEFAULT_MAX_WEEKS, value_name = "N")]
    max_weeks: u32,
    /// Output directory: capacity.csv, hiring.csv, variants.csv, index.html [default: capacity.csv on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: CapacityArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(&a, ctx))
}

fn request(a: &CapacityArgs, ctx: &Ctx) -> Result<Request> {
    let mut attrition_weekly = Vec::new();
    for x in a.attrition_weekly.iter().flat_map(|l| l.split(',')) {
        match x.trim().parse::<f64>() {
            Ok(v) => attrition_weekly.push(v),
            Err(_) => {
                bail!("--attrition-weekly: expected shares separated by commas, got {x:?}")
            }
        }
    }
    Ok(Request {
        centre: ctx.centre.clone(),
        scenario: a.scenario.clone(),
        channels: a.channels.clone(),
        shifts: a.shifts.clone(),
        team: a.team.clone(),
        hiring: a.hiring.clone(),
        hiring_overrides: a.set.clone(),
        attrition_weekly,
        from: a.from,
        to: a.to,
        optimize_hiring: a.optimize_hiring,
        every_week: a.every_week,
        node_limit: a.node_limit.0,
        time_limit_s: a.time_limit_s,
        max_weeks: a.max_weeks,
        channel_defaults: a.flags.settings(),
    })
}

fn run_in(a: &CapacityArgs, ctx: &Ctx) -> Result<i32> {
    let req = request(a, ctx)?;
    let mut outs = OutputSet::new();
    super::given_inputs(
        ctx,
        &mut outs,
        &[
            ("--scenario", a.scenario.as_deref()),
            ("--channels", a.channels.as_deref()),
            ("--shifts", a.shifts.as_deref()),
            ("--team", a.team.as_deref()),
            ("--hiring", a.hiring.as_deref()),
        ],
    );
    let ids = super::claim_dir(&mut outs, a.out.as_deref(), &FILES)?;
    let job = wfm::jobs::capacity::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    super::warn_all(&done.plan.warnings);
    for line in done.summary() {
        diag!("wfm: capacity: {line}");
    }
    let tables = match &a.out {
        Some(_) => done.tables()?,
        None => vec![done.capacity_table()?],
    };
    super::publish(outs, &ids, tables)?;
    if let Some(dir) = &a.out {
        diag!(
            "wfm: capacity: the report is {}",
            dir.join("index.html").display()
        );
    }
    Ok(if done.covered() { 0 } else { 1 })
}
