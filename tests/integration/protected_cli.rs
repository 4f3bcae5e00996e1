//! Inputs named inside other inputs, device and FIFO outputs, flags a
//! channels table overrides, and values out of range (issue: every input
//! protected, every value checked).

use super::*;
use std::path::Path;

/// A copy of the shipped scenarios in a temporary folder.
fn shipped_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    wfm_command().args(args).current_dir(dir).output().unwrap()
}

#[test]
fn a_file_an_input_names_is_never_an_output() {
    let d = shipped_copy();
    let before = std::fs::read(d.path().join("calendar_china_2026.csv")).unwrap();
    // fit: the template scenario names the calendar.
    let o = run_in(
        d.path(),
        &[
            "fit",
            "--history",
            "history_2026.csv",
            "--template",
            "lender_week.toml",
            "--out",
            "calendar_china_2026.csv",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("calendar_china_2026.csv"), "{err}");
    assert_eq!(
        std::fs::read(d.path().join("calendar_china_2026.csv")).unwrap(),
        before
    );
    // review: the team file names its standing roster CSV; an output
    // directory whose days.csv is a link to it is refused, nothing written.
    #[cfg(unix)]
    {
        let roster = std::fs::read(d.path().join("week_roster.csv")).unwrap();
        let out = d.path().join("r");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(d.path().join("week_roster.csv"), out.join("days.csv")).unwrap();
        let o = run_in(
            d.path(),
            &[
                "review",
                "--scenario",
                "spring_festival_2026.toml",
                "--team",
                "team_spring_festival.toml",
                "--replications",
                "2",
                "--out",
                "r",
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("week_roster.csv"), "{err}");
        assert_eq!(
            std::fs::read(d.path().join("week_roster.csv")).unwrap(),
            roster
        );
        assert!(!out.join("index.html").exists(), "nothing is published");
    }
}

#[test]
fn the_shift_rules_calendar_is_protected_in_a_roster() {
    let d = shipped_copy();
    // shifts.toml with its own calendar: the roster's output directory
    // holds a symlink named like an output pointing at it.
    let rules = std::fs::read_to_string(d.path().join("shifts.toml")).unwrap();
    std::fs::write(
        d.path().join("shifts_cal.toml"),
        format!("calendar = \"calendar_china_2026.csv\"\n{rules}"),
    )
    .unwrap();
    let before = std::fs::read(d.path().join("calendar_china_2026.csv")).unwrap();
    let out = d.path().join("ro");
    std::fs::create_dir(&out).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        d.path().join("calendar_china_2026.csv"),
        out.join("agents.csv"),
    )
    .unwrap();
    let o = run_in(
        d.path(),
        &[
            "roster",
            "--requirements",
            "roster_requirements.csv",
            "--shifts",
            "shifts_cal.toml",
            "--agents",
            "roster_agents.csv",
            "--node-limit",
            "50",
            "--out",
            "ro",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    #[cfg(unix)]
    {
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("calendar"), "{err}");
        assert!(
            !out.join("assignments.csv").exists(),
            "nothing is published"
        );
    }
    assert_eq!(
        std::fs::read(d.path().join("calendar_china_2026.csv")).unwrap(),
        before
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_failing_device_publishes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("intervals.csv");
    let o = wfm_command()
        .args([
            "simulate",
            "--forecast",
            s(&scenario("lender_day.csv")),
            "--channels",
            s(&scenario("channels.toml")),
            "--replications",
            "2",
            "--out",
            s(&out),
            "--summary",
            "/dev/full",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("/dev/full"), "{err}");
    assert!(!out.exists(), "the regular file is not published");
}

#[cfg(unix)]
#[test]
fn a_fifo_output_gets_the_whole_file_once() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("scenario.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = wfm_command()
        .args([
            "fit",
            "--history",
            s(&scenario("history_2026.csv")),
            "--out",
            s(&fifo),
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = reader.join().unwrap();
    assert!(text.starts_with("# Fitted by `wfm fit`"), "{text:.200}");
}

#[test]
fn channel_flags_are_checked_even_when_a_table_overrides_them() {
    for (flag, v) in [
        ("--shrinkage", "1"),
        ("--service-level", "nan"),
        ("--containment", "-1"),
        ("--max-occupancy", "0"),
        ("--patience-s", "-5"),
        ("--concurrency", "0"),
    ] {
        let e = wfm_err(&[
            "staff",
            "--forecast",
            s(&scenario("lender_day.csv")),
            "--channels",
            s(&scenario("channels.toml")),
            flag,
            v,
        ]);
        assert!(e.contains(flag), "{flag} {v}: {e}");
    }
}

#[test]
fn day_counts_and_dates_out_of_reason_are_refused() {
    let e = wfm_err(&[
        "fit",
        "--history",
        s(&scenario("history_2026.csv")),
        "--fit-days",
        "1000000000",
    ]);
    assert!(e.contains("--fit-days"), "{e}");
    let e = wfm_err(&[
        "fit",
        "--history",
        s(&scenario("history_2026.csv")),
        "--holdout-days",
        "4294967295",
    ]);
    assert!(e.contains("--holdout-days"), "{e}");
    // A requirement at the date type's end is refused at its line, not
    // looped over.
    let (_d, req) = temp_file(
        "req.csv",
        "date,time,channel,agents\n9999-12-30,09:00,phone,3\n9999-12-31,09:00,phone,3\n",
    );
    let e = wfm_err(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&scenario("shifts.toml")),
    ]);
    assert!(e.contains("req.csv:2") && e.contains("1900 to 2199"), "{e}");
    let e = wfm_err(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--to",
        "9999-12-31",
    ]);
    assert!(e.contains("--to") && e.contains("1900 to 2199"), "{e}");
}

#[test]
fn the_library_checks_channel_defaults() {
    let d = wfm::models::channels::ChannelSettings {
        shrinkage: Some(1.0),
        ..Default::default()
    };
    let e = d.check_defaults().unwrap_err().to_string();
    assert!(
        e.contains("ChannelSettings.shrinkage") && e.contains("[0, 1)"),
        "{e}"
    );
    assert!(wfm::models::channels::ChannelSettings::default()
        .check_defaults()
        .is_ok());
    assert_eq!(wfm::core::textio::parse_date("9999-12-31"), None);
    assert!(wfm::core::textio::parse_date("2199-12-31").is_some());
}
