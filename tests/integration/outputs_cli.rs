//! Output sets: all or nothing, never an input, through links and devices,
//! and diagnostics that never cost the result.

use std::process::Stdio;

use crate::{s, scenario, wfm, wfm_err, wfm_ok};

fn day() -> std::path::PathBuf {
    scenario("lender_day.csv")
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    std::fs::copy(day(), &f).unwrap();
    let before = std::fs::read(&f).unwrap();
    let err = wfm_err(&["staff", "--forecast", s(&f), "--out", s(&f)]);
    assert!(
        err.contains("--out") && err.contains("is also an input"),
        "{err}"
    );
    // Another spelling of the same file.
    let other = dir.path().join(".").join("f.csv");
    wfm_err(&["staff", "--forecast", s(&f), "--out", s(&other)]);
    let err = wfm_err(&["fit", "--history", s(&f), "--out", s(&f)]);
    assert!(err.contains("--history"), "{err}");
    assert_eq!(std::fs::read(&f).unwrap(), before);
    let x = dir.path().join("x.csv");
    let err = wfm_err(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&f),
        "--out",
        s(&x),
        "--summary",
        s(&x),
    ]);
    assert!(err.contains("the same file as --out"), "{err}");
    assert!(!x.exists());
}

#[test]
fn simulate_writes_all_its_files_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let iv = dir.path().join("iv.csv");
    let tr = dir.path().join("tr.csv");
    let bad = dir.path().join("nodir").join("s.csv");
    let req = dir.path().join("req.csv");
    wfm_ok(&[
        "staff",
        "--forecast",
        s(&day()),
        "--channels",
        s(&scenario("channels.toml")),
        "--out",
        s(&req),
    ]);
    let err = wfm_err(&[
        "simulate",
        "--forecast",
        s(&day()),
        "--staffing",
        s(&req),
        "--channels",
        s(&scenario("channels.toml")),
        "--replications",
        "2",
        "--out",
        s(&iv),
        "--trace",
        s(&tr),
        "--summary",
        s(&bad),
    ]);
    assert!(err.contains("--summary"), "{err}");
    assert!(!iv.exists() && !tr.exists());
    // Nothing but the requirement is left in the directory: no temporaries.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn plan_with_one_output_blocked_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    std::fs::create_dir_all(out.join("roster.csv")).unwrap();
    let err = wfm_err(&[
        "plan",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains("roster.csv") && err.contains("is a directory"),
        "{err}"
    );
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("roster.csv")]);
}

#[test]
fn schedule_with_a_bad_out_writes_no_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let cov = dir.path().join("cov.csv");
    let st = dir.path().join("st.csv");
    let err = wfm_err(&[
        "schedule",
        "--requirements",
        s(&day()),
        "--shifts",
        s(&scenario("shifts.toml")),
        "--coverage",
        s(&cov),
        "--staffing-out",
        s(&st),
        "--out",
        s(&dir.path().join("no/r.csv")),
    ]);
    assert!(err.contains("--out"), "{err}");
    assert!(!cov.exists() && !st.exists());
}

#[cfg(unix)]
#[test]
fn links_are_followed_and_devices_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    wfm_ok(&["staff", "--forecast", s(&day()), "--out", s(&link)]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("date,time"));
    wfm_ok(&["staff", "--forecast", s(&day()), "--out", "/dev/null"]);
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn temporaries_are_unique_and_a_users_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let theirs = dir.path().join("o.csv.tmp-wfm");
    std::fs::write(&theirs, "mine").unwrap();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            crate::wfm_command()
                .args(["staff", "--forecast", s(&day()), "--out", s(&out)])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_an_error_and_a_closed_stderr_costs_nothing() {
    use std::os::unix::process::CommandExt;
    let mut cmd = crate::wfm_command();
    cmd.args(["staff", "--forecast", s(&day())])
        .stderr(Stdio::piped());
    // SAFETY: close(2) is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(1);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("standard output is closed"));

    // stderr on a full device, and stderr a pipe nobody reads: the scenario is still written.
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("h.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--sample-seed",
        "3",
        "--out",
        s(&hist),
    ]);
    let out = dir.path().join("fit.toml");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = crate::wfm_command()
        .args(["fit", "--history", s(&hist), "--out", s(&out)])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(out.exists());
    std::fs::remove_file(&out).unwrap();
    let mut child = crate::wfm_command()
        .args(["fit", "--history", s(&hist), "--out", s(&out)])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(out.exists());
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    let mut child = crate::wfm_command()
        .args(["forecast", "--scenario", s(&scenario("lender_week.toml"))])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stderr.is_empty());
}

#[test]
fn errors_are_one_line_even_for_clap() {
    let err = wfm_err(&["staff", "--forecast", s(&day()), "--nosuch"]);
    assert!(err.contains("--nosuch"));
    let out = wfm(&["staff", "--forecast", s(&day()), "--shrinkage", "-0.5"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shrinkage") && err.contains("-0.5"), "{err}");
}

/// A long job's progress spinner never reaches a pipe (the tests', a
/// script's): stderr holds only the job's lines, with or without `--quiet`.
#[test]
fn progress_never_goes_to_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    for quiet in [false, true] {
        let out = dir.path().join(format!("cap{quiet}"));
        let mut args = vec![
            "capacity",
            "--scenario",
            "scenarios/lender_year_2026.toml",
            "--team",
            "scenarios/team_2026.toml",
            "--hiring",
            "scenarios/hiring_2026.toml",
            "--to",
            "2026-03-29",
            "--out",
            s(&out),
        ];
        if quiet {
            args.push("--quiet");
        }
        let o = wfm(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{err}");
        assert!(
            !err.contains("wfm capacity:") && !err.contains('\r'),
            "{err}"
        );
        assert!(err.lines().all(|l| l.starts_with("wfm: ")), "{err}");
    }
}

/// `--xlsx FILE`: a workbook with a sheet per CSV of the directory (the
/// zip's entries name them), written with the other outputs or not at
/// all; a workbook that would overwrite an input is refused before work.
#[test]
fn the_workbook_is_one_more_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cap");
    let book = dir.path().join("cap.xlsx");
    let base = [
        "capacity",
        "--scenario",
        "scenarios/lender_year_2026.toml",
        "--team",
        "scenarios/team_2026.toml",
        "--hiring",
        "scenarios/hiring_2026.toml",
        "--to",
        "2026-03-29",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", s(&out), "--xlsx", s(&book)]);
    let o = wfm(&args);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bytes = std::fs::read(&book).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let text = String::from_utf8_lossy(&bytes);
    let csvs = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "csv")
        })
        .count();
    for k in 1..=csvs {
        assert!(
            text.contains(&format!("xl/worksheets/sheet{k}.xml")),
            "sheet {k}"
        );
    }
    assert!(!text.contains(&format!("xl/worksheets/sheet{}.xml", csvs + 1)));
    // An input as the workbook: refused, nothing written, the input intact.
    let copy = dir.path().join("hiring.toml");
    std::fs::copy("scenarios/hiring_2026.toml", &copy).unwrap();
    let out2 = dir.path().join("cap2");
    let mut args = base.to_vec();
    args[6] = s(&copy);
    args.extend(["--out", s(&out2), "--xlsx", s(&copy)]);
    let o = wfm(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--xlsx"), "{err}");
    assert!(!out2.exists());
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read("scenarios/hiring_2026.toml").unwrap()
    );
}
