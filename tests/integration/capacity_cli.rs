//! `wfm capacity`: the long-range capacity plan from the command line.

use super::*;

/// The shipped year's first half (26 weeks), to keep the test quick.
fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    args_to("2026-07-05", extra)
}

/// The shipped year to `to`.
fn args_to<'a>(to: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "capacity",
        "--scenario",
        "scenarios/lender_year_2026.toml",
        "--team",
        "scenarios/team_2026.toml",
        "--hiring",
        "scenarios/hiring_2026.toml",
        "--to",
        to,
    ];
    v.extend_from_slice(extra);
    v
}

fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn the_plan_writes_its_files_and_the_identity_holds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    // At 1.5% a week the first half-year needs hiring.
    let o = wfm(&args(&[
        "--optimize-hiring",
        "--attrition-weekly",
        "0.015",
        "--out",
        s(&out),
    ]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    assert!(err.contains("hiring optimizer: objective"), "{err}");
    assert!(err.contains("gap"), "{err}");
    let cap = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
    assert!(cap.starts_with("week_start,group,required_fte,headcount,in_training,nesting_fte,leavers,graduates,leave_fte,net_fte,gap_fte,cost"));
    let r = rows(&cap);
    assert_eq!(r.len(), 26 * 3);
    for g in ["phone", "chat", "email"] {
        let mine: Vec<&csv::StringRecord> = r.iter().filter(|x| &x[1] == g).collect();
        for w in 0..mine.len() - 1 {
            let n = |i: usize, k: usize| mine[i][k].parse::<i64>().unwrap();
            // headcount(w+1) = headcount(w) − leavers + graduates + changes
            assert_eq!(
                n(w + 1, 3),
                n(w, 3) - n(w, 6) + n(w, 7) + n(w, 14),
                "{g} week {w}"
            );
        }
        // net = (headcount − nesting + nesting_fte) × 0.7 − leave.
        for x in &mine {
            let f = |k: usize| x[k].parse::<f64>().unwrap();
            let net = (f(3) - f(12) + f(5)) * 0.7 - f(8);
            assert!((net - f(9)).abs() < 0.02, "{x:?}");
            // required FTE = required hours × efficiency / 40 paid hours a week.
            assert!((f(15) * f(16) / 40.0 - f(2)).abs() < 0.02, "{x:?}");
            assert!(
                (f(9) - f(2) - f(10)).abs() < 0.02,
                "gap = net − required: {x:?}"
            );
        }
    }
    let hiring = std::fs::read_to_string(out.join("hiring.csv")).unwrap();
    assert!(hiring.starts_with("group,start,size,graduates,first_productive_week,decided\n"));
    assert!(
        hiring.contains("phone,2026-01-12,15,13,2026-02-09,true"),
        "{hiring}"
    );
    assert!(
        hiring.contains(",false"),
        "the optimizer proposes classes: {hiring}"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script"));
    assert!(html.contains("Required and net FTE") && html.contains("Classes"));
}

#[test]
fn attrition_what_ifs_come_from_the_command_line() {
    // Two rates side by side: one schedule of the representative weeks, two plans.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v");
    let o = wfm(&args(&[
        "--attrition-weekly",
        "0.005,0.012",
        "--out",
        s(&out),
    ]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("what-if attrition 0.012"), "{err}");
    let v = std::fs::read_to_string(out.join("variants.csv")).unwrap();
    assert!(v.starts_with(
        "variant,week_start,group,required_fte,headcount,net_fte,gap_fte,cost,currency\n"
    ));
    let heads = |name: &str| -> i64 {
        rows(&v)
            .iter()
            .filter(|x| &x[0] == name && &x[1] == "2026-06-29")
            .map(|x| x[4].parse::<i64>().unwrap())
            .sum()
    };
    let (low, high) = (heads("attrition 0.005"), heads("attrition 0.012"));
    assert!(low > high + 20, "0.5%: {low}, 1.2%: {high}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("What-ifs side by side"));
    // Any key of the hiring file, by --set.
    let out = wfm(&args(&["--set", "hiring.class_max=9", "--optimize-hiring"]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.is_empty());
    let e = wfm_err(&args(&["--attrition-weekly", "0.01,lots"]));
    assert!(e.contains("--attrition-weekly"), "{e}");
}

#[test]
fn bad_capacity_inputs_are_located_errors() {
    // A flag's value is the flag's error, not the hiring file's.
    let e = wfm_err(&args(&["--attrition-weekly", "-0.1"]));
    assert!(
        e.contains("wfm: error: --attrition-weekly: expected weekly shares in [0, 1), got -0.1"),
        "{e}"
    );
    let e = wfm_err(&args_to(
        "2026-03-01",
        &["--set", "hiring.lead_weeks=30", "--optimize-hiring"],
    ));
    assert!(e.contains("lead_weeks") && e.contains("horizon"), "{e}");
    let e = wfm_err(&args_to("2027-03-01", &[]));
    assert!(e.contains("no forecast") && e.contains("to"), "{e}");
    let e = wfm_err(&args(&["--set", "nonsense"]));
    assert!(e.contains("KEY=VALUE"), "{e}");
    let (_d, h) = temp_file(
        "h.toml",
        "[[hiring.class]]\nstart = \"2026-02-02\"\nsize = 5\ngroup = \"fraud\"\n",
    );
    let mut a = args(&[]);
    a[6] = s(&h);
    let e = wfm_err(&a);
    assert!(
        e.contains("[[hiring.class]] #1 group") && e.contains("fraud"),
        "{e}"
    );
    let e = wfm_err(&args(&["--max-weeks", "10"]));
    assert!(e.contains("--max-weeks"), "{e}");
}

/// Classes too small to cover: the plan says which weeks stay short.
#[test]
fn what_no_plan_can_cover_is_reported_by_week() {
    let out = wfm(&args(&[
        "--set",
        "hiring.class_max=1",
        "--set",
        "hiring.class_min=1",
        "--attrition-weekly",
        "0.03",
        "--optimize-hiring",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("group-week(s) short: "), "{err}");
    assert!(err.contains("2026-06-"), "{err}");
}

/// Dates inside weeks: the plan keeps the whole weeks between them and says so.
#[test]
fn the_plan_runs_by_whole_weeks_inside_the_dates() {
    let out = wfm(&args_to("2026-03-04", &["--from", "2026-01-07"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("whole weeks: 2026-01-12 to 2026-03-01"),
        "{err}"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let r = rows(&text);
    assert_eq!(r.len(), 7 * 3);
    assert_eq!(&r[0][0], "2026-01-12");
}
