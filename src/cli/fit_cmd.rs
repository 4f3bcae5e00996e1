//! `wfm fit`: learn a scenario file from history.

use std::path::{Path, PathBuf};

use super::centre_ctx::Ctx;
use anyhow::Result;
use clap::Args;
use wfm::jobs::fit::Request;

use wfm::io::output::OutputSet;

/// Arguments of `wfm fit`: the request's fields and the output.
#[derive(Debug, Args)]
pub struct FitArgs {
    #[command(flatten)]
    req: Request,
    /// Output scenario TOML [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(a: FitArgs, ctx: &Ctx) -> Result<i32> {
    let req = Request {
        centre: ctx.centre.clone(),
        written_in: a
            .out
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf),
        ..a.req
    };
    let mut outs = OutputSet::new();
    super::given(&req, ctx, &mut outs);
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let job = wfm::jobs::fit::prepare(&req)?;
    super::prepared(&job.setup, &mut outs);
    let done = job.run()?;
    super::warn_all(&done.report.warnings);
    for line in done.summary() {
        diag!("wfm: fit: {line}");
    }
    outs.set(out, done.table()?.bytes);
    outs.commit()?;
    Ok(0)
}
