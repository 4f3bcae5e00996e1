//! The centre a command runs on, found once for every command.

use std::path::Path;

use anyhow::Result;
use wfm::core::centre::Centre;

/// The centre (if any).
pub struct Ctx {
    /// The centre file found or given.
    pub centre: Option<Centre>,
    /// `--quiet`: no progress on the terminal.
    pub quiet: bool,
}

impl Ctx {
    /// The centre from `--centre`, `WFM_CENTRE` or the working directory.
    pub fn locate(explicit: Option<&Path>, quiet: bool) -> Result<Ctx> {
        Ok(Ctx {
            centre: Centre::locate(explicit)?,
            quiet,
        })
    }
}
