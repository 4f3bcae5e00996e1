//! `wfm simulate`, run as a user runs it.

use crate::{s, scenario, temp_file, wfm_err, wfm_ok};

fn week(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    crate::lender_week_until(dir, "2026-03-10")
}

#[test]
fn simulates_staff_output_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let (f, st) = week(dir.path());
    let out = dir.path().join("iv.csv");
    let sum = dir.path().join("sum.csv");
    let trace = dir.path().join("trace.csv");
    wfm_ok(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st),
        "--channels",
        s(&scenario("channels.toml")),
        "--replications",
        "6",
        "--out",
        s(&out),
        "--summary",
        s(&sum),
        "--trace",
        s(&trace),
    ]);
    let summary = std::fs::read_to_string(&sum).unwrap();
    let head = summary.lines().next().unwrap();
    for col in [
        "channel",
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "service_level_ci95",
        "asa_s",
        "asa_s_ci95",
        "abandon_rate",
        "abandon_rate_ci95",
        "occupancy",
    ] {
        assert!(
            head.split(',').any(|c| c == col),
            "summary lacks {col}: {head}"
        );
    }
    let mut rdr = csv::Reader::from_reader(summary.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[0] == "all" && &r[1] == "phone" {
            // Staffed by Erlang A for 80/20 and 5% abandonment: the simulation
            // of the same model lands close to it.
            let sl: f64 = r[col("service_level")].parse().unwrap();
            let ab: f64 = r[col("abandon_rate")].parse().unwrap();
            assert!(sl > 0.78 && ab < 0.06, "sl {sl} ab {ab}");
        }
    }
    let intervals = std::fs::read_to_string(&out).unwrap();
    assert!(intervals.starts_with("date,time,channel,offered,offered_ci95,"));
    assert_eq!(intervals.lines().count(), 1 + 2 * 48 * 3);
    let trace = std::fs::read_to_string(&trace).unwrap();
    assert!(trace.starts_with("contact,channel,arrival_s,outcome,wait_s,handle_s,group,account\n"));
    assert!(trace.contains(",bot,") && trace.contains(",answered,"));
}

#[test]
fn output_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (f, st) = week(dir.path());
    let run = |threads: &str| {
        wfm_ok(&[
            "simulate",
            "--forecast",
            s(&f),
            "--staffing",
            s(&st),
            "--channels",
            s(&scenario("channels.toml")),
            "--replications",
            "5",
            "--seed",
            "9",
            "--threads",
            threads,
        ])
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn bad_staffing_and_routing_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (f, _) = week(dir.path());
    let sum = dir.path().join("sum.csv");
    let cases: &[(&str, &str)] = &[
        (
            "date,time,channel,agents\n2026-03-09,09:00,phone,-2\n",
            "column 4 (agents): expected a whole number of agents from 0 to 10000000, got \"-2\"",
        ),
        (
            "date,time,channel,agents\n2026-03-09,09:00,phone,20000000\n",
            "s.csv:2: column 4 (agents): expected a whole number of agents from 0 to 10000000",
        ),
        (
            "date,time,channel,agents\n2026-03-09,09:00,fax,3\n",
            "s.csv:2: unknown group \"fax\"",
        ),
        (
            "date,time,channel,agents\n2026-04-01,09:00,phone,3\n",
            "s.csv:2: 2026-04-01 09:00 is outside the forecast's intervals",
        ),
        (
            "date,time,agents\n2026-03-09,09:00,3\n",
            "s.csv:1: missing column channel",
        ),
    ];
    let st = dir.path().join("s.csv");
    // `wfm simulate` on the week and `st`, with `extra` flags; its error.
    let simulate_err = |extra: &[&str]| {
        let mut args = vec!["simulate", "--forecast", s(&f), "--staffing", s(&st)];
        args.extend_from_slice(extra);
        wfm_err(&args)
    };
    for (text, want) in cases {
        std::fs::write(&st, text).unwrap();
        let err = simulate_err(&["--summary", s(&sum)]);
        assert!(err.contains(want), "want {want:?} in {err}");
        assert!(!sum.exists());
    }
    std::fs::write(&st, "date,time,group,agents\n2026-03-09,09:00,voice,3\n").unwrap();
    let (_d, c) = temp_file("c.toml", "[group.voice]\nchannels = [\"phone\"]\n");
    let err = simulate_err(&["--channels", s(&c)]);
    assert!(
        err.contains("c.toml: channel chat has no group to serve it"),
        "{err}"
    );
    let (_d, c) = temp_file(
        "c.toml",
        "[channel.phone]\nhandle_time = { dist = \"lognormal\", cv = -1 }\n",
    );
    let err = simulate_err(&["--channels", s(&c)]);
    assert!(
        err.contains("[channel.phone] handle_time: cv must be a finite number > 0, got -1"),
        "{err}"
    );
    std::fs::write(&st, "date,time,channel,agents\n2026-03-09,09:00,phone,3\n").unwrap();
    let err = simulate_err(&["--start-waiting", "phone"]);
    assert!(
        err.contains("--start-waiting") && err.contains("expected CHANNEL=N"),
        "{err}"
    );
}
