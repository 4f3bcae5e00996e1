//! `wfm erlang`: one interval, a person's quick question.

use anyhow::Result;
use clap::{Args, ValueEnum};
use wfm::jobs::erlang::Request;

use super::ChannelFlags;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Arguments of `wfm erlang`: the question, the answer's format and the
/// channel's settings.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    #[command(flatten)]
    req: Request,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    flags: ChannelFlags,
}

pub fn run(a: ErlangArgs) -> Result<i32> {
    let req = Request {
        channel: a.flags.settings(),
        ..a.req
    };
    let ans = wfm::jobs::erlang::run(&req)?;
    let text = match a.format {
        Format::Json => ans.json(),
        Format::Text => ans.text(),
    };
    super::output::print_answer(&text)?;
    Ok(0)
}
