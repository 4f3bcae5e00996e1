//! Regression tests for the defects found by hostile use (issue 8): every
//! case ends in a clear one-line error (exit 2) or a right answer, quickly,
//! and never in a panic.

use crate::{s, scenario, temp_file, wfm, wfm_err, wfm_ok};

const F: &str = "date,time,channel,volume,aht_s\n";

#[test]
fn erlang_a_with_a_huge_patience_is_quick_and_coherent() {
    // The same load as 6.99 calls of 270 s, with patience from 5e5 to 1.3e6
    // handle times: across the switch to the infinite-patience limit.
    for p in ["1e6", "2e6", "2592000"] {
        let out = wfm_ok(&[
            "erlang",
            "--volume",
            "943.65",
            "--aht-s",
            "2",
            "--patience-s",
            p,
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let agents = v["agents"].as_u64().unwrap();
        let sl = v["service_level"].as_f64().unwrap();
        let p_wait = v["p_wait"].as_f64().unwrap();
        assert!(agents >= 2, "{out}");
        assert!(sl >= 0.8 && p_wait < 1.0, "{out}");
        assert!(v["asa_s"].as_f64().unwrap() < 60.0, "{out}");
    }
    // A patience beyond 30 days is a typo, refused at its flag.
    for p in ["1e17", "1e300"] {
        let err = wfm_err(&[
            "erlang",
            "--volume",
            "6.99",
            "--aht-s",
            "270",
            "--patience-s",
            p,
        ]);
        assert!(
            err.contains("--patience-s: expected seconds > 0 (at most 30 days, 2592000)"),
            "{err}"
        );
    }
    // One agent for 1.05 Erlangs: nobody is answered within 20 s.
    let out = wfm_ok(&[
        "erlang",
        "--volume",
        "943.65",
        "--aht-s",
        "2",
        "--patience-s",
        "2592000",
        "--agents",
        "1",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["service_level"].as_f64().unwrap() < 1e-6, "{out}");
    assert_eq!(v["p_wait"].as_f64().unwrap(), 1.0);
}

#[test]
fn forecast_volumes_that_overflow_name_the_key() {
    let (_d, sc) = temp_file(
        "s.toml",
        "from = \"2026-03-09\"\nto = \"2026-03-09\"\nbase_date = \"1900-01-01\"\n[channel.phone]\ndaily_volume = 100\naht_s = 200\nweekly_growth = 0.9\n",
    );
    let err = wfm_err(&["forecast", "--scenario", s(&sc)]);
    assert!(
        err.contains("weekly_growth") && err.contains("not a finite number"),
        "{err}"
    );
    let (_d, sc) = temp_file(
        "s.toml",
        "from = \"2026-03-09\"\nto = \"2026-03-09\"\n[channel.phone]\ndaily_volume = 100\naht_s = 200\n[[event]]\nstart = \"2026-03-09 09:00\"\nend = \"2026-03-09 10:00\"\nfactor = 1e308\n",
    );
    let err = wfm_err(&["forecast", "--scenario", s(&sc)]);
    assert!(
        err.contains("[[event]] #1 factor: expected a factor >= 0 (at most 1000)"),
        "{err}"
    );
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--from",
        "0001-01-01",
    ]);
    assert!(
        err.contains("--from") && err.contains("1900 to 2199"),
        "{err}"
    );
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--from",
        "1900-01-01",
        "--max-rows",
        "100000",
    ]);
    assert!(err.contains("--max-rows"), "{err}");
}

#[test]
fn simulation_work_is_bounded_before_it_starts() {
    let (dir, f) = temp_file("f.csv", &format!("{F}2026-03-09,09:00,phone,1e7,240\n"));
    let st = dir.path().join("st.csv");
    std::fs::write(&st, "date,time,channel,agents\n2026-03-09,09:00,phone,10\n").unwrap();
    let err = wfm_err(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st),
        "--replications",
        "100",
    ]);
    assert!(err.contains("--max-contacts"), "{err}");
    // A row a century away.
    std::fs::write(
        &f,
        format!("{F}2026-03-09,09:00,phone,10,240\n2126-03-09,09:00,phone,10,240\n"),
    )
    .unwrap();
    let err = wfm_err(&["simulate", "--forecast", s(&f), "--staffing", s(&st)]);
    assert!(err.contains("--max-cells"), "{err}");
    // A row in year 0.
    std::fs::write(
        &f,
        format!("{F}0000-01-01,09:00,phone,10,240\n2026-03-09,09:00,phone,10,240\n"),
    )
    .unwrap();
    let err = wfm_err(&["simulate", "--forecast", s(&f), "--staffing", s(&st)]);
    assert!(
        err.contains("more than the")
            || err.contains("--max-cells")
            || err
                .contains("f.csv:2: column 1 (date): expected a date YYYY-MM-DD from 1900 to 2199"),
        "{err}"
    );
    // Chat concurrency of a billion: agents × slots is bounded.
    std::fs::write(&f, format!("{F}2026-03-09,09:00,chat,10,240\n")).unwrap();
    std::fs::write(&st, "date,time,channel,agents\n2026-03-09,09:00,chat,20\n").unwrap();
    let ch = dir.path().join("ch.toml");
    std::fs::write(
        &ch,
        "[channel.chat]\nkind = \"chat\"\nconcurrency = 1000000000\n",
    )
    .unwrap();
    let err = wfm_err(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st),
        "--channels",
        s(&ch),
    ]);
    assert!(err.contains("slots"), "{err}");
    // A million threads are bounded by the machine; the answer is the same.
    std::fs::write(&ch, "[channel.chat]\nkind = \"chat\"\nconcurrency = 3\n").unwrap();
    let args = [
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st),
        "--channels",
        s(&ch),
        "--replications",
        "3",
    ];
    let one = wfm_ok(&[&args[..], &["--threads", "1"]].concat());
    let many = wfm_ok(&[&args[..], &["--threads", "1000000"]].concat());
    assert_eq!(one, many);
    let err = wfm_err(&[&args[..], &["--replications", "0"]].concat());
    assert!(err.contains("--replications"), "{err}");
    assert!(!err.contains("ch.toml"), "{err}");
}

#[test]
fn requirements_in_year_zero_and_bad_grids_are_refused() {
    let (dir, req) = temp_file(
        "req.csv",
        "date,time,channel,agents\n0000-01-01,09:00,phone,3\n2026-03-09,09:00,phone,3\n",
    );
    let shifts = scenario("shifts.toml");
    let err = wfm_err(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&shifts),
    ]);
    // A date outside the years a plan may cover is refused at its line.
    assert!(
        err.contains("req.csv:2") && err.contains("1900 to 2199"),
        "{err}"
    );
    std::fs::write(&req, "date,time,channel,agents\n2026-03-09,23:55,phone,3\n").unwrap();
    for im in ["0", "7"] {
        let err = wfm_err(&[
            "schedule",
            "--requirements",
            s(&req),
            "--shifts",
            s(&shifts),
            "--interval-min",
            im,
        ]);
        assert!(err.contains("divides the day"), "{err}");
    }
    // --node-limit 0 is the rounded LP roster, at once.
    std::fs::write(
        &req,
        "date,time,channel,agents\n2026-03-09,09:00,phone,3\n2026-03-09,09:30,phone,5\n",
    )
    .unwrap();
    let out = wfm(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&shifts),
        "--node-limit",
        "0",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{err}"
    );
    assert!(
        err.contains("solver node-limit") || err.contains("solver optimal"),
        "{err}"
    );
    drop(dir);
}

#[test]
fn a_deadline_past_any_horizon_does_not_panic() {
    let (dir, f) = temp_file(
        "f.csv",
        &format!("{F}2026-03-09,09:00,email,10,300\n2026-03-09,09:30,email,10,300\n"),
    );
    let ch = dir.path().join("ch.toml");
    std::fs::write(
        &ch,
        "[channel.email]\nkind = \"deferred\"\nanswer_within_s = 2592000\n",
    )
    .unwrap();
    let out = wfm_ok(&["staff", "--forecast", s(&f), "--channels", s(&ch)]);
    assert_eq!(out.lines().count(), 3);
}

#[cfg(unix)]
#[test]
fn endless_inputs_are_capped() {
    let err = wfm_err(&["staff", "--forecast", "/dev/zero"]);
    assert!(err.contains("/dev/zero") && err.contains("MiB"), "{err}");
    let err = wfm_err(&["forecast", "--scenario", "/dev/zero"]);
    assert!(err.contains("MiB"), "{err}");
}

#[test]
fn shift_rule_gaps_are_errors_that_name_the_key() {
    let req_text = "date,time,channel,agents\n2026-03-09,09:00,phone,3\n2026-03-09,09:00,email,2\n";
    let (dir, req) = temp_file("req.csv", req_text);
    let base = "[[shift]]\nname = \"day\"\nearliest_start = \"08:00\"\nlatest_start = \"10:00\"\nlength_min = 480\ncost_per_hour = 1.0\n";
    let cases = [
        (
            format!("{base}[open.email]\nstart = \"08:10\"\nend = \"18:00\"\n"),
            "[open.email] start",
        ),
        (
            base.replace("latest_start = \"10:00\"", "latest_start = \"07:00\""),
            "latest_start",
        ),
        (
            base.replace("cost_per_hour = 1.0", "cost_per_hour = 1e308"),
            "cost_per_hour",
        ),
    ];
    for (text, key) in cases {
        let rules = dir.path().join("rules.toml");
        std::fs::write(&rules, &text).unwrap();
        let err = wfm_err(&["schedule", "--requirements", s(&req), "--shifts", s(&rules)]);
        assert!(
            err.contains("rules.toml") && err.contains(key),
            "{key}: {err}"
        );
    }
    let ch = dir.path().join("ch.toml");
    std::fs::write(
        &ch,
        "[channel.phone]\nhandle_time = { dist = \"exponential\", cv = 1 }\n",
    )
    .unwrap();
    let (_d2, f) = temp_file("f.csv", &format!("{F}2026-03-09,09:00,phone,10,300\n"));
    let err = wfm_err(&["staff", "--forecast", s(&f), "--channels", s(&ch)]);
    assert!(err.contains("ch.toml") && err.contains("cv"), "{err}");
}

#[test]
fn broken_csv_headers_and_huge_fields_are_not_echoed() {
    let big = "x".repeat(1_000_000);
    let (_d, f) = temp_file("f.csv", &format!("{F}2026-03-09,09:00,phone,{big},300\n"));
    let err = wfm_err(&["staff", "--forecast", s(&f)]);
    assert!(err.len() < 500, "{} bytes", err.len());
    assert!(
        err.contains("f.csv:2") && err.contains("column 4 (volume)"),
        "{err}"
    );
    let rows: String = (0..2000)
        .map(|i| format!("2026-03-09,09:00,phone{i},1,300\n"))
        .collect();
    let (_d, f) = temp_file(
        "f.csv",
        &format!("date,\"time,channel,volume,aht_s\n{rows}"),
    );
    let err = wfm_err(&["staff", "--forecast", s(&f)]);
    assert!(err.len() < 1000, "{} bytes: {}", err.len(), &err[..200]);
}
