//! `wfm erlang`: one interval, a person's quick question.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use wfm::models::channels::ChannelBook;
use wfm::models::erlang::Metrics;
use wfm::models::staffing::{fte, metrics_for, required_agents, Model, Workload};

use super::{parse_model, ChannelFlags};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Arguments of `wfm erlang`.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    /// Contacts offered in the interval
    #[arg(long, value_name = "N")]
    volume: f64,
    /// Average handle time, seconds
    #[arg(long, value_name = "S")]
    aht_s: f64,
    /// Interval length, minutes (any whole number)
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Metrics for this many agents instead of searching the required number
    #[arg(long, value_name = "N")]
    agents: Option<u32>,
    /// Queueing model [default: erlang-a with a patience, else erlang-c]
    #[arg(long, value_parser = parse_model, value_name = "MODEL")]
    model: Option<Model>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    flags: ChannelFlags,
}

#[derive(Serialize)]
struct Answer {
    model: Model,
    load_erl: f64,
    #[serde(flatten)]
    metrics: Metrics,
    fte: f64,
}

pub fn run(a: ErlangArgs) -> Result<i32> {
    if a.interval_min == 0 {
        bail!("--interval-min: expected a whole number of minutes >= 1, got 0");
    }
    if !(a.volume.is_finite() && a.volume >= 0.0) {
        bail!(
            "--volume: expected a number of contacts >= 0, got {}",
            a.volume
        );
    }
    if !(a.aht_s.is_finite() && a.aht_s > 0.0) {
        bail!(
            "--aht-s: expected a handle time in seconds > 0, got {}",
            a.aht_s
        );
    }
    let book = ChannelBook::new(Default::default(), "", a.flags.settings());
    let ch = book.resolve("interval").map_err(|e| {
        anyhow::anyhow!(
            "{}",
            e.to_string()
                .replace("defaults (command-line flags): channel interval: ", "--")
        )
    })?;
    let work = Workload {
        volume: a.volume,
        aht_s: a.aht_s,
        interval_min: a.interval_min as f64,
        patience_s: ch.patience_s,
        containment: ch.containment,
        concurrency: ch.concurrency,
    };
    let model = a.model.unwrap_or(if ch.patience_s.is_some() {
        Model::ErlangA
    } else {
        Model::ErlangC
    });
    let metrics = match a.agents {
        Some(n) => metrics_for(&work, model, &ch.targets, n)?,
        None => required_agents(&work, model, &ch.targets)?,
    };
    let ans = Answer {
        model,
        load_erl: work.load_erl(),
        metrics,
        fte: fte(metrics.agents, ch.shrinkage),
    };
    let text = match a.format {
        Format::Json => format!("{}\n", serde_json::to_string(&ans)?),
        Format::Text => {
            let t = ch.targets.answer_within_s;
            let pct = |v: f64| format!("{:.2}%", v * 100.0);
            [
                format!("model          {}", ans.model),
                format!("load           {:.4} Erlangs", ans.load_erl),
                format!("agents         {}", metrics.agents),
                format!("fte            {:.3}", ans.fte),
                format!("service level  {} within {t} s", pct(metrics.service_level)),
                format!("asa            {:.2} s", metrics.asa_s),
                format!("p(wait)        {}", pct(metrics.p_wait)),
                format!("abandon rate   {}", pct(metrics.abandon_rate)),
                format!("occupancy      {}", pct(metrics.occupancy)),
                format!("queue length   {:.4}", metrics.queue_len),
                String::new(),
            ]
            .join("\n")
        }
    };
    super::output::print_answer(&text)?;
    Ok(0)
}
