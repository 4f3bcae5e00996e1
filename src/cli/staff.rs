//! `wfm staff`: agents per interval for a forecast CSV.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use wfm::requirement::staff_forecast;
use wfm::staffing::Model;

use wfm::output::OutputSet;

use super::centre_ctx::Ctx;
use super::{parse_model, ChannelFlags};

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
    #[arg(long, value_parser = parse_model, value_name = "MODEL")]
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
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    let (mut forecast, source, scenario) =
        ctx.demand(a.forecast.as_deref(), a.interval_min, &mut outs)?;
    let sc = scenario.as_ref().map(|(s, p)| (s, p.as_path()));
    let (channels, shifts) = ctx.scenario_files(sc, a.channels.as_deref(), a.shifts.as_deref());
    for (what, p) in [("--channels", &channels), ("--shifts", &shifts)] {
        if let Some(p) = p {
            outs.input(what, p);
        }
    }
    let out = outs.claim(a.out.as_deref(), "--out")?;
    if let Some(p) = &shifts {
        let rules = wfm::shifts::ShiftRules::from_path(p)?;
        wfm::plan::move_to_opening(&mut forecast, &rules, &p.display().to_string())?;
    }
    let book = super::channel_book(channels.as_deref(), &a.flags, forecast.channels())?;
    super::warn_all(&wfm::requirement::outbound_time_warnings(&forecast, &book));
    if a.groups {
        if a.replications == 0 {
            anyhow::bail!("--replications: expected at least 1");
        }
        if !(a.bucket_share.is_finite() && a.bucket_share > 0.0 && a.bucket_share <= 1.0) {
            anyhow::bail!(
                "--bucket-share: expected a share in (0, 1], got {}",
                a.bucket_share
            );
        }
        let opts = wfm::multiskill::GroupStaffOptions {
            replications: a.replications,
            seed: a.seed,
            bucket_share: a.bucket_share,
            max_blocks: a.max_blocks,
        };
        let found = wfm::multiskill::staff_groups(&forecast, &book, &opts)?;
        outs.fill(out, |buf| {
            wfm::requirement::write_staffing_table_as(&found.table, buf, "group")
        })?;
        outs.commit()?;
        diag!(
            "wfm: staff: {} block(s) of like load in {} component(s), {} simulations; each staffing locally optimal on its sample (no removal, move or two-for-one exchange keeps every target for less)",
            found.search.blocks,
            found.search.components,
            found.search.simulations
        );
        if found.search.unmet > 0 {
            diag!(
                "wfm: staff: {} interval(s) of a component meet no staffing with every target (up to {} agents a group): the best found is written",
                found.search.unmet,
                wfm::staffing::MAX_AGENTS.min(20_000)
            );
            return Ok(1);
        }
        return Ok(0);
    }
    let rows = staff_forecast(&forecast, &book, a.model, &source)?;
    outs.fill(out, |buf| wfm::requirement::write_staffing(buf, &rows))?;
    outs.commit()?;
    Ok(0)
}
