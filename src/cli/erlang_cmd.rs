//! `wfm erlang`: one interval, a person's quick question.

use anyhow::Result;
use clap::{Args, ValueEnum};
use wfm::jobs::erlang::Request;
use wfm::models::staffing::Model;

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

pub fn run(a: ErlangArgs) -> Result<i32> {
    let req = Request {
        volume: a.volume,
        aht_s: a.aht_s,
        interval_min: a.interval_min,
        agents: a.agents,
        model: a.model,
        channel: a.flags.settings(),
    };
    // The library names keys; here they are flags.
    let ans = wfm::jobs::erlang::run(&req).map_err(|e| {
        let msg = e.to_string();
        let flag = |k: &str| format!("--{}", k.replace('_', "-"));
        let msg = match msg.strip_prefix("defaults (command-line flags): channel interval: ") {
            Some(rest) => match rest.split_once(':') {
                Some((k, why)) => format!("{}:{why}", flag(k)),
                None => rest.to_string(),
            },
            None => match msg.split_once(':') {
                Some((k, rest)) if ["volume", "aht_s", "interval_min"].contains(&k) => {
                    format!("{}:{rest}", flag(k))
                }
                _ => msg,
            },
        };
        anyhow::anyhow!("{msg}")
    })?;
    let text = match a.format {
        Format::Json => ans.json(),
        Format::Text => ans.text(),
    };
    super::output::print_answer(&text)?;
    Ok(0)
}
