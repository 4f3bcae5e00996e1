//! Diagnostics that never cost the result: stderr may be closed, full or a
//! pipe whose reader has gone; a failed diagnostic is dropped, never a panic.
//! Output files go through [`wfm::io::output::OutputSet`].

use std::io::Write;

/// Writes one line to stderr, ignoring failures.
pub fn diag_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|_| err.write_all(b"\n"));
}

/// Writes text to stdout for a command whose whole answer is that text
/// (`wfm erlang`). A closed pipe ends quietly; a closed stdout is an error.
pub fn print_answer(text: &str) -> anyhow::Result<()> {
    let mut set = wfm::io::output::OutputSet::new();
    let id = set.claim(None, "--format")?;
    set.set(id, text.as_bytes().to_vec());
    set.commit()?;
    Ok(())
}
