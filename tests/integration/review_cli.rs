//! The holiday capacity review of the shipped Spring Festival scenario, as
//! a planner runs it: the files, and a page whose every chart holds data.

use crate::{s, scenario, wfm, wfm_err};

fn shipped_review(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let (sc, team) = (
        scenario("spring_festival_2026.toml"),
        scenario("team_spring_festival.toml"),
    );
    let mut args = vec![
        "review",
        "--scenario",
        s(&sc),
        "--team",
        s(&team),
        "--replications",
        "4",
        "--out",
        s(dir),
    ];
    args.extend_from_slice(extra);
    wfm(&args)
}

#[test]
fn the_shipped_review_writes_a_report_with_data_in_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    let o = shipped_review(&dir, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "short days expected: {err}");
    assert!(err.contains("the report is"), "{err}");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    // Self-contained: no script, nothing from the network.
    assert!(!html.contains("<script"));
    for (i, _) in html.match_indices("http") {
        let rest = &html[i..];
        assert!(
            rest.starts_with("http://www.w3.org/"),
            "external reference: {}",
            &rest[..60.min(rest.len())]
        );
    }
    // Four charts or more, each with marks beyond its background.
    let svgs: Vec<&str> = html
        .split("<svg")
        .skip(1)
        .map(|p| p.split("</svg>").next().unwrap())
        .collect();
    assert!(svgs.len() >= 4, "{} charts", svgs.len());
    for (k, svg) in svgs.iter().enumerate() {
        let marks = svg.matches("<polyline").count()
            + svg.matches("<polygon").count()
            + svg.matches("<rect").count();
        assert!(marks > 3, "chart {k} has {marks} marks");
        assert!(svg.matches("<text").count() > 3, "chart {k} has no labels");
    }
    // The summary names every channel; the holiday is short somewhere.
    for ch in ["phone", "chat", "email"] {
        assert!(html.contains(&format!(">{ch}</td>")), "{ch}");
    }
    let days = std::fs::read_to_string(dir.join("days.csv")).unwrap();
    assert_eq!(days.lines().count(), 1 + 3 * 21);
    let short: f64 = days
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(short > 100.0, "{short}");
    let supply = std::fs::read_to_string(dir.join("supply.csv")).unwrap();
    assert!(
        supply.starts_with("date,group,roster_weekday,on_books,on_leave,rostered,paid_hours,cost")
    );
    // Statutory days cost more than the same roster on a workday.
    let avail = std::fs::read_to_string(dir.join("available.csv")).unwrap();
    assert!(avail.starts_with("date,time,group,agents\n"));
    assert!(avail.lines().count() > 3 * 21 * 48 / 2);
}

#[test]
fn review_inputs_are_checked_and_nothing_is_left_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let team = tmp.path().join("team.toml");
    let text = std::fs::read_to_string(scenario("team_spring_festival.toml"))
        .unwrap()
        .replace(
            "calendar = \"calendar_china_2026.csv\"",
            &format!("calendar = {:?}", s(&scenario("calendar_china_2026.csv"))),
        )
        .replace(
            "roster = \"week_roster.csv\"",
            &format!("roster = {:?}", s(&scenario("week_roster.csv"))),
        );
    let write = |t: &str| std::fs::write(&team, t).unwrap();
    let dir = tmp.path().join("out");
    let sc = scenario("spring_festival_2026.toml");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "review",
            "--scenario",
            s(&sc),
            "--team",
            s(&team),
            "--replications",
            "2",
            "--out",
            s(&dir),
        ];
        args.extend_from_slice(extra);
        wfm_err(&args)
    };
    write(&text.replacen("share = 0.35", "agents = 500", 1));
    let err = run(&[]);
    assert!(
        err.contains("team.toml") && err.contains("more than the"),
        "{err}"
    );
    assert!(!dir.exists(), "no output directory left behind");
    write(&text.replacen("headcount = 106", "headcount = 106\nheadcnt = 1", 1));
    let err = run(&[]);
    assert!(
        err.contains("team.toml") && err.contains("headcnt"),
        "{err}"
    );
    write(&text);
    let err = wfm_err(&[
        "review",
        "--scenario",
        s(&scenario("spring_festival_2026.toml")),
        "--team",
        s(&team),
        "--staffing",
        s(&team),
    ]);
    assert!(
        err.contains("--team") || err.contains("cannot be used"),
        "{err}"
    );
}

#[test]
fn variants_use_common_random_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let wi = tmp.path().join("w.toml");
    std::fs::write(
        &wi,
        "[[variant]]\nname = \"nothing\"\n\
         [[variant]]\nname = \"overtime\"\novertime = [{ group = \"phone\", from = \"2026-02-24\", to = \"2026-02-27\", hours_per_agent = 2 }]\n",
    )
    .unwrap();
    let dir = tmp.path().join("r");
    let o = shipped_review(&dir, &["--what-if", s(&wi)]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(dir.join("variants.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // A variant identical to the base: exactly zero, with a zero-width interval.
    for r in rows.iter().filter(|r| r[0] == "nothing") {
        assert_eq!((r[4], r[5], r[8]), ("0", "0", "0"), "{r:?}");
    }
    // Overtime for phone after the holiday: better, and the paired interval
    // is narrower than the unpaired one.
    let phone = rows
        .iter()
        .find(|r| r[0] == "overtime" && r[1] == "phone")
        .unwrap();
    let (change, paired, unpaired): (f64, f64, f64) = (
        phone[4].parse().unwrap(),
        phone[5].parse().unwrap(),
        phone[6].parse().unwrap(),
    );
    assert!(change > 0.0 && change > paired, "{phone:?}");
    assert!(paired < unpaired, "{phone:?}");
    assert!(
        phone[12].parse::<f64>().unwrap() > 0.0,
        "overtime costs: {phone:?}"
    );
    // The channels the levers do not touch see exactly the same customers
    // and the same agents: no change at all.
    for r in rows
        .iter()
        .filter(|r| r[0] == "overtime" && r[1] != "phone")
    {
        assert_eq!((r[4], r[5]), ("0", "0"), "{r:?}");
    }
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("What-ifs") && html.matches("<svg").count() >= 5);
    // Unknown groups and channels are named.
    for (text, key) in [
        ("[[variant]]\nname = \"x\"\novertime = [{ group = \"nosuch\", from = \"2026-02-24\", to = \"2026-02-24\", hours_per_agent = 1 }]\n", "overtime group"),
        ("[[variant]]\nname = \"x\"\ncontainment = { wechat = 0.5 }\n", "containment"),
        ("[[variant]]\nname = \"x\"\novertime = [{ group = \"phone\", from = \"2026-04-01\", to = \"2026-04-02\", hours_per_agent = 1 }]\n", "outside the review"),
        ("[[variant]]\nname = \"x\"\ntemporary = [{ group = \"phone\", from = \"2026-02-24\", to = \"2026-02-24\", agents = 2, shift = \"nosuch\" }]\n", "temporary shift"),
    ] {
        std::fs::write(&wi, text).unwrap();
        let d2 = tmp.path().join("r2");
        let err = wfm_err(&[
            "review",
            "--scenario",
            s(&scenario("spring_festival_2026.toml")),
            "--team",
            s(&scenario("team_spring_festival.toml")),
            "--what-if",
            s(&wi),
            "--out",
            s(&d2),
        ]);
        assert!(err.contains("w.toml") && err.contains(key), "{key}: {err}");
        assert!(!d2.exists());
    }
}

#[test]
fn the_recommended_fix_removes_the_misses_or_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let o = shipped_review(&dir, &["--recommend", "--fix-node-limit", "100"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("the cheapest fix costs"))
        .unwrap();
    // "... intervals missing a target: N before, M after"
    let after: usize = line
        .split(" before, ")
        .nth(1)
        .and_then(|x| x.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    assert!(
        after == 0 || line.contains("no shift type can cover"),
        "{line}"
    );
    let fix = std::fs::read_to_string(dir.join("fix.csv")).unwrap();
    assert!(fix.lines().count() > 10, "{fix}");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("The cheapest fix"));
}
