//! `wfm staff`: agents per interval for a forecast CSV.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::jobs::staff::Request;
use wfm::models::staffing::Model;

use wfm::io::output::OutputSet;

use super::centre_ctx::Ctx;
use super::ChannelFlags;

/// Arguments of `wfm staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    /// Forecast CSV: date,time,channel,volume,aht_s[,patience_s] [default:
    /// the centre's `forecast`, else its `scenario`'s forecast]
    #[arg(long, value_name = "FILE")]
    forecast: Option<PathBuf>,
    /// Channel settings TOML ([channel.NAME] tables) [default: the centre's `channels`]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules whose opening hours the requirement keeps to: volume
    /// arriving while a channel is closed moves to its next opening, as in
    /// `wfm plan` [default: the centre's `shifts`]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Interval length, minutes; forecast times must be on this grid
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Queueing model for every channel [default: erlang-a where a patience is given, else erlang-c]
    #[arg(long, value_parser = wfm::jobs::args::parsed::<Model>, value_name = "MODEL")]
    model: Option<Model>,
    /// Staff the channels file's [group.NAME] groups by simulation (multi-skill): date,time,group,agents
    #[arg(long)]
    groups: bool,
    /// --groups: replications per candidate staffing
    #[arg(long, default_value_t = 12, value_name = "N")]
    replications: usize,
    /// --groups: seed shared by every candidate (common random numbers)
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// --groups: most blocks of like load to search
    #[arg(long, default_value_t = 2000, value_name = "N")]
    max_blocks: usize,
    /// --groups: most contacts simulated over every search
    #[arg(long, default_value_t = 5e8, value_name = "N")]
    max_contacts: f64,
    /// --groups: volume bucket, share of each channel's largest volume
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    bucket_share: f64,
    /// Output CSV [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: StaffArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        forecast: a.forecast.clone(),
        channels: a.channels.clone(),
        shifts: a.shifts.clone(),
        interval_min: a.interval_min,
        model: a.model,
        groups: a
            .groups
            .then_some(wfm::optimize::multiskill::GroupStaffOptions {
                replications: a.replications,
                seed: a.seed,
                bucket_share: a.bucket_share,
                max_blocks: a.max_blocks,
                max_contacts: a.max_contacts,
            }),
        channel_defaults: a.flags.settings(),
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let job = wfm::jobs::staff::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    for line in done.summary() {
        diag!("wfm: staff: {line}");
    }
    Ok(if done.met() { 0 } else { 1 })
}
