//! The one integration-test binary, organised by behaviour.

mod arrivals_cli;
mod bounds_prop;
mod capacity_cli;
mod centre_cli;
mod collections_cli;
mod erlang_reference;
mod hostile_cli;
mod jobs_lib;
mod multiskill_cli;
mod outputs_cli;
mod parsers_fuzz;
/// The crate's tolerance policy, shared with its unit tests.
#[path = "../../src/prec.rs"]
#[allow(dead_code)]
mod prec;
mod properties;
mod protected_cli;
mod review_cli;
mod roster_cli;
mod schedule_cli;
mod sim;
mod sim_cli;
mod staff_cli;
mod value_stability;
mod values_cli;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file shipped in `scenarios/`.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// The real `wfm` binary with no centre file: the tests name every input,
/// so the project's own `wfm.toml` (found from the working directory) must
/// not fill in what a test leaves out. Centre tests use [`wfm_centre`].
pub fn wfm_command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wfm"));
    c.env("WFM_CENTRE", "none");
    c
}

/// A copy of the shipped centre (wfm.toml and scenarios/) in a temporary
/// folder, for tests that edit its files.
pub fn centre_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("wfm.toml"), dir.path().join("wfm.toml")).unwrap();
    let sc = dir.path().join("scenarios");
    std::fs::create_dir(&sc).unwrap();
    for e in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), sc.join(e.file_name())).unwrap();
    }
    dir
}

/// Runs the real `wfm` binary in `dir` with the centre found from there.
pub fn wfm_centre(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .env_remove("WFM_CENTRE")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run wfm")
}

/// Runs the real `wfm` binary.
pub fn wfm(args: &[&str]) -> Output {
    crate::wfm_command()
        .args(args)
        .current_dir(root())
        .output()
        .expect("run wfm")
}

/// Runs `wfm`, asserting success; returns stdout.
pub fn wfm_ok(args: &[&str]) -> String {
    let out = wfm(args);
    assert!(
        out.status.success(),
        "wfm {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `wfm`, asserting exit code 2 and one error line; returns stderr.
pub fn wfm_err(args: &[&str]) -> String {
    let out = wfm(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "wfm {args:?} should fail with 2"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    let errors: Vec<_> = err
        .lines()
        .filter(|l| !l.starts_with("wfm: warning:"))
        .collect();
    assert_eq!(errors.len(), 1, "one error line expected: {err}");
    assert!(errors[0].starts_with("wfm: error: "), "{err}");
    err
}

/// Writes `text` into a fresh temporary directory; returns the file path and the dir guard.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

/// Path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The forecast and `wfm staff` requirement of the shipped lender week from
/// its first day to `to`, written into `dir` as `f.csv` and `req.csv`.
pub fn lender_week_until(dir: &Path, to: &str) -> (PathBuf, PathBuf) {
    let f = dir.join("f.csv");
    let req = dir.join("req.csv");
    let week = scenario("lender_week.toml");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&week),
        "--to",
        to,
        "--out",
        s(&f),
    ]);
    let channels = scenario("channels.toml");
    wfm_ok(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&channels),
        "--out",
        s(&req),
    ]);
    (f, req)
}
