//! The centre file: every job from `wfm.toml` with no path flags, the same
//! answer as with the flags, and no silent default.

use std::path::Path;

use crate::{root, s, scenario, wfm, wfm_centre};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file of two output folders is byte-identical.
fn same_files(a: &Path, b: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for n in names {
        let x = std::fs::read(a.join(&n)).unwrap();
        let y = std::fs::read(b.join(&n)).unwrap_or_else(|_| panic!("{n:?} missing"));
        assert!(
            x == y,
            "{n:?} differs between the centre's run and the flags' run"
        );
    }
}

#[test]
fn the_review_from_the_centre_is_the_review_from_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("centre"), dir.path().join("flags"));
    let o = wfm_centre(&root(), &["review", "--replications", "6", "--out", s(&a)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = wfm(&[
        "review",
        "--scenario",
        s(&scenario("spring_festival_2026.toml")),
        "--team",
        s(&scenario("team_spring_festival.toml")),
        "--replications",
        "6",
        "--out",
        s(&b),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    same_files(&a, &b);
}

#[test]
fn every_job_runs_from_the_shipped_centre_with_no_path_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).display().to_string();
    let jobs: Vec<Vec<String>> = vec![
        vec!["forecast".into(), "--out".into(), d("f.csv")],
        vec!["staff".into(), "--out".into(), d("staff.csv")],
        vec![
            "simulate".into(),
            "--replications".into(),
            "3".into(),
            "--summary".into(),
            d("sim.csv"),
        ],
        vec![
            "schedule".into(),
            "--node-limit".into(),
            "200".into(),
            "--out".into(),
            d("roster.csv"),
        ],
        vec![
            "backtest".into(),
            "--origins".into(),
            "2".into(),
            "--horizon-days".into(),
            "7".into(),
        ],
        vec!["fit".into(), "--out".into(), d("fit.toml")],
        vec![
            "plan".into(),
            "--node-limit".into(),
            "300".into(),
            "--replications".into(),
            "4".into(),
            "--rounds".into(),
            "1".into(),
            "--out".into(),
            d("plan"),
        ],
        vec!["capacity".into(), "--out".into(), d("capacity")],
        vec![
            "roster".into(),
            "--node-limit".into(),
            "300".into(),
            "--out".into(),
            d("named"),
        ],
    ];
    for job in jobs {
        let args: Vec<&str> = job.iter().map(String::as_str).collect();
        let o = wfm_centre(&root(), &args);
        let e = stderr(&o);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "wfm {args:?} from the centre: {e}"
        );
        assert!(!e.contains("panicked"), "{e}");
        assert!(!e.contains("no currency"), "the centre names CNY: {e}");
    }
}

#[test]
fn a_flag_over_a_centre_item_is_said() {
    let o = wfm_centre(
        &root(),
        &[
            "staff",
            "--channels",
            s(&scenario("channels_multiskill.toml")),
        ],
    );
    let e = stderr(&o);
    assert!(
        e.contains("--channels") && e.contains("overrides the centre's channels"),
        "{e}"
    );
}

#[test]
fn a_centre_naming_a_missing_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wfm.toml"), "channels = \"nope.toml\"\n").unwrap();
    let o = wfm_centre(dir.path(), &["forecast"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("wfm.toml: channels: names") && e.contains("nope.toml"),
        "{e}"
    );
    // A job that needs an item the centre lacks says which key sets it.
    std::fs::write(dir.path().join("wfm.toml"), "currency = \"CNY\"\n").unwrap();
    let o = wfm_centre(dir.path(), &["forecast"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("set `scenario` in the centre file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_forecast_with_no_channels_file_warns_for_each_channel() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    let o = wfm(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--out",
        s(&f),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = wfm(&["staff", "--forecast", s(&f)]);
    assert!(o.status.success());
    let e = stderr(&o);
    for ch in ["chat", "email", "phone"] {
        assert!(
            e.contains(&format!(
                "channel {ch}: no channels file is given: staffed with the defaults"
            )),
            "{e}"
        );
    }
}

#[test]
fn a_period_outside_the_calendar_is_a_named_warning() {
    let o = wfm_centre(
        &root(),
        &["forecast", "--from", "2025-12-29", "--to", "2026-01-04"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("has no day in 2025") && e.contains("`calendars`"),
        "{e}"
    );
}

#[test]
fn staff_then_schedule_keeps_the_closed_hours_work() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    let req = dir.path().join("req.csv");
    let o = wfm(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--out",
        s(&f),
    ]);
    assert!(o.status.success());
    // Without the rules, staff works around the clock, and schedule says
    // what it cannot cover instead of dropping it.
    let o = wfm(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&scenario("channels.toml")),
        "--out",
        s(&req),
    ]);
    assert!(o.status.success());
    let o = wfm(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&scenario("shifts.toml")),
        "--node-limit",
        "100",
    ]);
    let e = stderr(&o);
    assert!(
        e.contains("email: ") && e.contains("fall outside the opening hours"),
        "{e}"
    );
    assert!(e.contains("no currency named"), "{e}");
    // With the rules, staff moves that work into the opening, as plan does.
    let o = wfm(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&scenario("channels.toml")),
        "--shifts",
        s(&scenario("shifts.toml")),
        "--out",
        s(&req),
    ]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&req).unwrap();
    assert!(text.lines().filter(|l| l.contains(",email,")).all(|l| {
        let h: u32 = l[11..13].parse().unwrap();
        (8..21).contains(&h)
    }));
    let o = wfm(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&scenario("shifts.toml")),
        "--node-limit",
        "100",
    ]);
    assert!(
        !stderr(&o).contains("outside the opening hours"),
        "{}",
        stderr(&o)
    );
}
