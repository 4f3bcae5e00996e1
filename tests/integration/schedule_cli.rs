//! `wfm schedule` and `wfm plan`, run as a user runs them.

use crate::{s, scenario, temp_file, wfm, wfm_err, wfm_ok};

fn minutes(hhmm: &str) -> i64 {
    let (h, m) = hhmm.split_once(':').unwrap();
    h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
}

/// A day of requirements from the shipped week.
fn day_requirement(dir: &std::path::Path) -> std::path::PathBuf {
    crate::lender_week_until(dir, "2026-03-09").1
}

#[test]
fn roster_covers_the_requirement_within_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let req = day_requirement(dir.path());
    let (roster, cov, staffing) = (
        dir.path().join("r.csv"),
        dir.path().join("c.csv"),
        dir.path().join("s.csv"),
    );
    let out = wfm(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&scenario("shifts.toml")),
        "--node-limit",
        "2000",
        "--solver",
        "microlp",
        "--out",
        s(&roster),
        "--coverage",
        s(&cov),
        "--staffing-out",
        s(&staffing),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("paid hours") && err.contains("gap"), "{err}");
    // Coverage never below the requirement.
    let cov_text = std::fs::read_to_string(&cov).unwrap();
    assert!(cov_text.starts_with("date,time,channel,required,scheduled,gap\n"));
    for line in cov_text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (r, x): (i64, i64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        assert!(x >= r, "{line}");
        // E-mail is open 08:00-21:00: nobody is scheduled outside.
        if f[2] == "email" && (minutes(f[1]) < 8 * 60 || minutes(f[1]) >= 21 * 60) {
            assert_eq!(x, 0, "{line}");
        }
    }
    // Every break inside its window; e-mail shifts inside opening hours.
    let rules: toml::Value =
        toml::from_str(&std::fs::read_to_string(scenario("shifts.toml")).unwrap()).unwrap();
    let text = std::fs::read_to_string(&roster).unwrap();
    assert!(text.starts_with("date,shift,start,end,agents,breaks"));
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let shift = rules["shift"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"].as_str() == Some(f[1]))
            .unwrap();
        let start = minutes(f[2]);
        let windows = shift
            .get("break")
            .and_then(|b| b.as_array())
            .cloned()
            .unwrap_or_default();
        let breaks: Vec<&str> = if f[5].is_empty() {
            vec![]
        } else {
            f[5].split(';').collect()
        };
        assert_eq!(breaks.len(), windows.len(), "{line}");
        for (b, w) in breaks.iter().zip(&windows) {
            let (a, e) = b.split_once('-').unwrap();
            let off = (minutes(a) - start).rem_euclid(1440);
            let len = (minutes(e) - minutes(a)).rem_euclid(1440);
            assert!(
                off >= w["window_start_min"].as_integer().unwrap()
                    && off <= w["window_end_min"].as_integer().unwrap(),
                "{line}"
            );
            assert_eq!(len, w["length_min"].as_integer().unwrap(), "{line}");
        }
        if f[6] == "email" {
            assert!(start >= 8 * 60 && (minutes(f[3]) <= 21 * 60), "{line}");
        }
    }
    // The roster's staffing is what `wfm simulate` reads.
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&staffing),
        "--channels",
        s(&scenario("channels.toml")),
        "--replications",
        "3",
    ]);
}

#[test]
fn impossible_coverage_is_a_shortfall_report() {
    let (_d, req) = temp_file(
        "req.csv",
        "date,time,channel,agents\n2026-03-10,10:00,phone,3\n2026-03-10,23:00,phone,1\n",
    );
    let (_d2, rules) = temp_file(
        "s.toml",
        "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1\nmax_agents = 2\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let cov = dir.path().join("c.csv");
    let out = wfm(&[
        "schedule",
        "--requirements",
        s(&req),
        "--shifts",
        s(&rules),
        "--coverage",
        s(&cov),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("coverage falls short by 2 agent-intervals"),
        "{err}"
    );
    let c = std::fs::read_to_string(&cov).unwrap();
    assert!(c.contains("2026-03-10,10:00,phone,3,2,-1"), "{c}");
    assert!(c.contains("2026-03-10,23:00,phone,1,0,-1"), "{c}");
}

#[test]
fn bad_rules_are_named() {
    let (_d, req) = temp_file(
        "req.csv",
        "date,time,channel,agents\n2026-03-10,10:00,phone,3\n",
    );
    let base = "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"10:00\"\nlength_min = 480\ncost_per_hour = 1\n";
    let cases = [
        (base.replace("480", "1500"), "length_min: expected a paid length of 1 to 1440 minutes (a shift cannot be longer than a day)"),
        (format!("{base}[[shift.break]]\nlength_min = 60\nwindow_start_min = 400\nwindow_end_min = 450\n"), "the window lies outside its shift"),
        (base.replace("latest_start = \"10:00\"", "latest_start = \"10:00\"\nstart_step_min = 20"), "start_step_min: 20 minutes is not on the requirement's 30-minute grid"),
        (base.replace("cost_per_hour", "cost_per_hr"), "unknown field `cost_per_hr`"),
    ];
    for (text, want) in cases {
        let (_d, rules) = temp_file("s.toml", &text);
        let err = wfm_err(&["schedule", "--requirements", s(&req), "--shifts", s(&rules)]);
        assert!(
            err.contains("s.toml") && err.contains(want),
            "want {want:?} in {err}"
        );
    }
    // A requirement off the grid.
    let (_d, q) = temp_file(
        "q.csv",
        "date,time,channel,agents\n2026-03-10,10:15,phone,3\n",
    );
    let (_d2, rules) = temp_file("s.toml", base);
    let err = wfm_err(&["schedule", "--requirements", s(&q), "--shifts", s(&rules)]);
    assert!(
        err.contains("q.csv:2: column 2 (time): expected a time on the 30-minute grid"),
        "{err}"
    );
}

#[test]
fn plan_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("plan");
    let o = wfm(&[
        "plan",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--to",
        "2026-03-09",
        "--out",
        s(&out_dir),
        "--rounds",
        "2",
        "--replications",
        "4",
        "--node-limit",
        "300",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{err}"
    );
    assert!(err.contains("wfm: plan: round 1:"), "{err}");
    let read = |f: &str| -> Vec<csv::StringRecord> {
        let text = std::fs::read_to_string(out_dir.join(f)).unwrap_or_else(|_| panic!("{f}"));
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    // One day of three channels on 30-minute intervals.
    let forecast = read("forecast.csv");
    assert!(forecast.iter().all(|r| &r[0] == "2026-03-09"));
    let requirement = read("requirement.csv");
    assert_eq!(requirement.len(), forecast.len());
    // The roster covers the final requirement wherever the rules allow:
    // coverage's gap is scheduled − required, and staffing.csv holds the
    // same scheduled agents.
    let coverage = read("coverage.csv");
    let staffing = read("staffing.csv");
    assert_eq!(coverage.len(), staffing.len());
    for (c, st) in coverage.iter().zip(&staffing) {
        let (req, sch, gap): (i64, i64, i64) = (
            c[3].parse().unwrap(),
            c[4].parse().unwrap(),
            c[5].parse().unwrap(),
        );
        assert_eq!(gap, sch - req);
        assert_eq!((&c[0], &c[1], &c[2]), (&st[0], &st[1], &st[2]));
        assert_eq!(st[3].parse::<i64>().unwrap(), sch);
    }
    let short: i64 = coverage
        .iter()
        .map(|c| (-c[5].parse::<i64>().unwrap()).max(0))
        .sum();
    let required: i64 = coverage.iter().map(|c| c[3].parse::<i64>().unwrap()).sum();
    assert!(short * 50 < required, "short {short} of {required}");
    // The simulated summary has one row per channel; the phone's service
    // level is close to its 80% target after the rounds.
    let summary = read("simulated_summary.csv");
    let channels: Vec<&str> = summary.iter().map(|r| &r[1]).collect();
    assert_eq!(channels, ["chat", "email", "phone"]);
    let phone_sl: f64 = summary[2][2 + 2 * 4].parse().unwrap_or(0.0);
    let head = std::fs::read_to_string(out_dir.join("simulated_summary.csv")).unwrap();
    let cols: Vec<&str> = head.lines().next().unwrap().split(',').collect();
    let sl_col = cols.iter().position(|c| *c == "service_level").unwrap();
    let phone_sl = summary[2][sl_col].parse::<f64>().unwrap_or(phone_sl);
    assert!(phone_sl > 0.7, "phone service level {phone_sl}");
    let html = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(!html.contains("<script"));
    let rounds = read("rounds.csv");
    assert!(!rounds.is_empty() && rounds.len() <= 2);
    assert_eq!(&rounds[0][0], "1");
    // Requirement raises only ever add agent-intervals.
    let need: Vec<u64> = rounds.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(need.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn review_finds_the_short_hours() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--to",
        "2026-03-09",
        "--out",
        s(&f),
    ]);
    // A flat roster of 20 phone agents all day, nothing else.
    let mut st = String::from("date,time,channel,agents\n");
    for h in 0..48 {
        st.push_str(&format!(
            "2026-03-09,{:02}:{:02},phone,20\n",
            h / 2,
            (h % 2) * 30
        ));
    }
    let staffing = dir.path().join("s.csv");
    std::fs::write(&staffing, st).unwrap();
    let out = dir.path().join("review");
    let o = wfm(&[
        "review",
        "--forecast",
        s(&f),
        "--staffing",
        s(&staffing),
        "--channels",
        s(&scenario("channels.toml")),
        "--replications",
        "4",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("agent-intervals short of the requirement"),
        "{err}"
    );
    let text = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(text.starts_with("date,time,channel,volume,required,scheduled,short,service_level"));
    for f in ["index.html", "days.csv", "available.csv", "supply.csv"] {
        assert!(out.join(f).exists(), "{f}");
    }
    // The 10:00 phone peak needs far more than 20: short, and the simulated service misses.
    let peak = text
        .lines()
        .find(|l| l.starts_with("2026-03-09,10:00,phone"))
        .unwrap();
    let f: Vec<&str> = peak.split(',').collect();
    assert_eq!(f[5], "20");
    assert!(f[6].parse::<u32>().unwrap() > 10, "{peak}");
    assert_eq!(f[13], "yes", "{peak}");
    // At 03:00, 20 agents are plenty: nothing short.
    let night = text
        .lines()
        .find(|l| l.starts_with("2026-03-09,03:00,phone"))
        .unwrap();
    assert_eq!(night.split(',').nth(6), Some("0"), "{night}");
}

#[test]
fn a_node_limit_gives_the_same_roster_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let req = day_requirement(dir.path());
    let shifts = scenario("shifts.toml");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "schedule",
            "--requirements",
            s(&req),
            "--shifts",
            s(&shifts),
        ];
        args.extend_from_slice(extra);
        let out = wfm(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // microlp: CBC has no node limit through good_lp.
    let (a, err) = run(&["--node-limit", "150", "--solver", "microlp"]);
    let (b, _) = run(&["--node-limit", "150", "--solver", "microlp"]);
    assert_eq!(a, b, "same nodes, same roster");
    for line in err.lines().filter(|l| l.contains("solver ")) {
        assert!(
            line.contains("solver node-limit") || line.contains("solver optimal"),
            "{line}"
        );
    }
    // CBC has no node limit, and the user is told.
    if cfg!(feature = "cbc") {
        let (_, err) = run(&[
            "--node-limit",
            "5",
            "--solver",
            "cbc",
            "--time-limit-s",
            "1",
        ]);
        assert!(
            err.contains("--node-limit applies to microlp only"),
            "{err}"
        );
    }
    // A loose gap stops early and says so.
    let (_, err) = run(&["--mip-gap", "0.5"]);
    for line in err.lines().filter(|l| l.contains("solver ")) {
        assert!(
            line.contains("solver gap-limit") || line.contains("solver optimal"),
            "{line}"
        );
    }
    for bad in ["1.5", "-0.1", "nan"] {
        let flag = format!("--mip-gap={bad}");
        let err = wfm_err(&[
            "schedule",
            "--requirements",
            s(&req),
            "--shifts",
            s(&shifts),
            &flag,
        ]);
        assert!(err.contains("--mip-gap"), "{err}");
    }
}

#[test]
fn schedule_prices_statutory_holidays_from_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = String::from("date,time,channel,agents\n");
    for d in ["2026-02-13", "2026-02-16"] {
        for h in 9..17 {
            req.push_str(&format!("{d},{h:02}:00,phone,1\n{d},{h:02}:30,phone,1\n"));
        }
    }
    let rq = dir.path().join("req.csv");
    std::fs::write(&rq, req).unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1.0\n[[premium]]\nday_types = [\"statutory\"]\nmultiplier = 3.0\n",
    )
    .unwrap();
    let cost = |extra: &[&str]| -> String {
        let mut args = vec!["schedule", "--requirements", s(&rq), "--shifts", s(&rules)];
        args.extend_from_slice(extra);
        let out = wfm(&args);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(0), "{err}");
        err
    };
    // Without a calendar Feb 16 is a plain Monday: 8 + 8 hours.
    assert!(cost(&[]).contains("cost ¥16,"));
    // With the 2026 calendar it is a statutory holiday: 8 + 3 × 8.
    let cal = scenario("calendar_china_2026.csv");
    let err = cost(&["--calendar", s(&cal)]);
    assert!(err.contains("cost ¥32,"), "{err}");
}
