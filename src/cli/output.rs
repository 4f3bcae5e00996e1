//! Output files are written whole or not at all: into memory first, then to
//! a temporary file beside the target, renamed into place.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes what `fill` produces to `path`, or to stdout when `path` is `None`.
pub fn write_output(
    path: Option<&Path>,
    fill: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Result<()> {
    let mut buf = Vec::new();
    fill(&mut buf).context("formatting output")?;
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&buf).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(e).context("writing to stdout"),
            }
        }
        Some(p) => write_file_atomic(p, &buf),
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp-wfm");
    let tmp = std::path::PathBuf::from(tmp);
    let res = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}
