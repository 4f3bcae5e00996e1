//! Values out of reason and errors that say where (issue: every input
//! protected, every value checked): each class with its examples, through
//! the binary on the shipped centre (a copy, so the tests can edit it).

use super::*;
use std::path::Path;

/// Runs `wfm` on the centre in `dir`; expects exit 2 and one error line.
fn err_in(dir: &Path, args: &[&str]) -> String {
    let o = wfm_centre(dir, args);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "wfm {args:?}: {err}");
    let last = err.lines().last().unwrap_or("").to_string();
    assert!(last.starts_with("wfm: error: "), "{err}");
    last
}

/// Appends `extra` to the shipped file `name` in the copy.
fn append(dir: &Path, name: &str, extra: &str) {
    let p = dir.join("scenarios").join(name);
    let mut s = std::fs::read_to_string(&p).unwrap();
    s.push_str(extra);
    std::fs::write(p, s).unwrap();
}

#[test]
fn team_values_out_of_reason_are_refused_at_their_key() {
    // A change that takes the books below zero: not clamped to 0.
    let d = crate::centre_copy();
    append(
        d.path(),
        "team_spring_festival.toml",
        "\n[[group.phone.change]]\ndate = \"2026-02-12\"\nagents = -500\n",
    );
    let e = err_in(d.path(), &["review"]);
    assert!(
        e.contains("team_spring_festival.toml: [[group.phone.change]]")
            && e.contains("agents: takes the books to"),
        "{e}"
    );
    // More agents on leave than on the books: not a negative FTE.
    let d = crate::centre_copy();
    append(
        d.path(),
        "team_2026.toml",
        "\n[[group.phone.leave]]\nfrom = \"2026-06-01\"\nto = \"2026-06-05\"\nagents = 500\n",
    );
    let e = err_in(d.path(), &["capacity"]);
    assert!(
        e.contains("team_2026.toml: [[group.phone.leave]]") && e.contains("more than the"),
        "{e}"
    );
}

#[test]
fn team_and_demand_must_cover_each_other() {
    // A group serving a channel the demand does not have.
    let d = crate::centre_copy();
    let p = d.path().join("scenarios/team_spring_festival.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        s.replacen("[group.email]", "[group.email]\nchannels = [\"emial\"]", 1),
    )
    .unwrap();
    let e = err_in(d.path(), &["review"]);
    assert!(
        e.contains("[group.email] channels: channel emial is not in the demand"),
        "{e}"
    );
    // A channel of the demand that no group serves.
    let d = crate::centre_copy();
    let p = d.path().join("scenarios/team_2026.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    let cut = s.find("[group.email]").unwrap();
    std::fs::write(&p, &s[..cut]).unwrap();
    let e = err_in(d.path(), &["capacity"]);
    assert!(
        e.contains("team_2026.toml: group: no group serves channel email"),
        "{e}"
    );
}

#[test]
fn roster_rows_no_group_serves_are_named() {
    let d = crate::centre_copy();
    append(
        d.path(),
        "week_roster.csv",
        "2026-03-09,day,09:00,18:00,3,12:00-13:00,phnoe\n",
    );
    let o = wfm_centre(d.path(), &["review", "--out", "r"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("week_roster.csv:")
            && err.contains("1 roster row(s) name phnoe, which no group of the team serves"),
        "{err}"
    );
}

#[test]
fn hiring_classes_outside_the_plan_and_set_errors_name_their_key() {
    let d = crate::centre_copy();
    append(
        d.path(),
        "hiring_2026.toml",
        "\n[[hiring.class]]\nstart = \"2199-01-05\"\nsize = 5\ngroup = \"phone\"\n\
         \n[[hiring.class]]\nstart = \"2024-01-08\"\nsize = 5\ngroup = \"phone\"\n",
    );
    let o = wfm_centre(d.path(), &["capacity"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is after the plan's last day"), "{err}");
    assert!(
        err.contains("graduates before the plan's first day"),
        "{err}"
    );
    let d = crate::centre_copy();
    let e = err_in(d.path(), &["capacity", "--set", "hiring.class_max=abc"]);
    assert!(
        e.contains("--set: hiring.class_max=abc: invalid type"),
        "{e}"
    );
    let e = err_in(d.path(), &["capacity", "--set", "attrition.weekly=2"]);
    assert!(
        e.contains("--set attrition.weekly=2: [attrition] weekly: expected a share in [0, 1)"),
        "{e}"
    );
    let e = err_in(d.path(), &["capacity", "--attrition-weekly", "0.01,2"]);
    assert!(
        e.contains("wfm: error: --attrition-weekly: expected weekly shares in [0, 1), got 2"),
        "{e}"
    );
    // No --set given: no word of one.
    let p = d.path().join("scenarios/hiring_2026.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        s.replacen("[hiring]", "[hiring]\nclass_max = \"many\"", 1),
    )
    .unwrap();
    let e = err_in(d.path(), &["capacity"]);
    assert!(
        e.contains("hiring_2026.toml") && !e.contains("--set"),
        "{e}"
    );
}

#[test]
fn roster_inputs_are_checked() {
    let d = crate::centre_copy();
    let agents = d.path().join("scenarios/roster_agents.csv");
    let text = std::fs::read_to_string(&agents).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains("prefer"), "{header}");
    // A preferred shift that does not exist.
    let col = header.split(',').position(|c| c == "prefer").unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[col] = "nigth".into();
    lines[1] = cells.join(",");
    std::fs::write(&agents, lines.join("\n") + "\n").unwrap();
    let e = err_in(d.path(), &["roster", "--out", "r"]);
    assert!(
        e.contains("roster_agents.csv:2: agent") && e.contains("prefer: no shift nigth"),
        "{e}"
    );
    // requested_at is a date or a date and time.
    let d = crate::centre_copy();
    let leave = d.path().join("scenarios/roster_leave.csv");
    std::fs::write(
        &leave,
        "agent,from,to,priority,requested_at\nA001,2026-03-10,2026-03-11,1,last tuesday\n",
    )
    .unwrap();
    let e = err_in(d.path(), &["roster", "--out", "r"]);
    assert!(
        e.contains("roster_leave.csv:2: column 5 (requested_at): expected a date"),
        "{e}"
    );
    // --from after --to.
    let e = err_in(
        d.path(),
        &[
            "roster",
            "--from",
            "2026-03-20",
            "--to",
            "2026-03-01",
            "--out",
            "r",
        ],
    );
    assert!(
        e.contains("--from 2026-03-20 is after --to 2026-03-01"),
        "{e}"
    );
    let e = err_in(
        d.path(),
        &["review", "--from", "2026-02-20", "--to", "2026-02-10"],
    );
    assert!(
        e.contains("--from 2026-02-20 is after --to 2026-02-10"),
        "{e}"
    );
}

#[test]
fn paid_hours_in_a_checked_roster_are_the_shifts() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.csv");
    for bad in ["-5", "NaN", "1e308", "3"] {
        std::fs::write(
            &a,
            format!("agent,date,shift,start,end,breaks,group,paid_h\nA001,2026-03-02,day,09:00,18:00,,phone,{bad}\n"),
        )
        .unwrap();
        let e = err_in(
            &root(),
            &["check-roster", "--assignments", a.to_str().unwrap()],
        );
        assert!(
            e.contains("a.csv:2: column 8 (paid_h): expected"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn outbound_bounds_and_blends() {
    let d = crate::centre_copy();
    let p = d.path().join("scenarios/channels_collections.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        s.replacen("blend = \"cash_call\"", "blend = \"phone\"", 1),
    )
    .unwrap();
    let e = err_in(
        d.path(),
        &[
            "plan",
            "--scenario",
            "scenarios/collections_week.toml",
            "--out",
            "p",
        ],
    );
    assert!(
        e.contains("blend: phone is an inbound channel")
            || e.contains(
                "[channel.phone]: a blended channel needs its [channel.NAME.outbound] campaign"
            ),
        "{e}"
    );
    let s = std::fs::read_to_string(&p).unwrap();
    let s = s.replacen("blend = \"phone\"", "blend = \"cash_call\"", 1);
    let at = s.find("[channel.cash_call.outbound]").unwrap() + "[channel.cash_call.outbound]".len();
    for (key, v) in [("dial_s", "1e308"), ("wrap_s", "1e6")] {
        let mut t = s.clone();
        t.insert_str(at, &format!("\n{key} = {v}"));
        // A key given twice is a TOML error: drop the file's own.
        let t: String = {
            let mut seen = false;
            t.lines()
                .filter(|l| {
                    if l.trim_start().starts_with(&format!("{key} "))
                        || l.trim_start().starts_with(&format!("{key}="))
                    {
                        if seen {
                            return false;
                        }
                        seen = true;
                    }
                    true
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        std::fs::write(&p, t).unwrap();
        let e = err_in(
            d.path(),
            &[
                "plan",
                "--scenario",
                "scenarios/collections_week.toml",
                "--out",
                "p",
            ],
        );
        assert!(
            e.contains(key) && e.contains("expected seconds from 0 to"),
            "{e}"
        );
    }
}

#[test]
fn fit_and_forecast_values() {
    let d = crate::centre_copy();
    let e = err_in(
        d.path(),
        &["fit", "--interval-min", "15", "--out", "s.toml"],
    );
    assert!(
        e.contains("history_2026.csv: time: every time is on a 30-minute grid")
            && e.contains("give --interval-min 30"),
        "{e}"
    );
    let e = err_in(
        d.path(),
        &["fit", "--month-end-days", "40", "--out", "s.toml"],
    );
    assert!(e.contains("--month-end-days: expected 1 to 14 days"), "{e}");
    let e = err_in(
        d.path(),
        &["fit", "--holdout-days", "4294967295", "--out", "s.toml"],
    );
    assert!(e.contains("--holdout-days: expected 0 to"), "{e}");
    // A volume of 1e308 is refused where it is read, not as aht_s = inf.
    let h = d.path().join("scenarios/history_2026.csv");
    let text = std::fs::read_to_string(&h).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[3] = "1e308".into();
    lines[1] = cells.join(",");
    std::fs::write(&h, lines.join("\n") + "\n").unwrap();
    let e = err_in(d.path(), &["fit", "--out", "s.toml"]);
    assert!(
        e.contains("history_2026.csv:2: column 4 (volume): expected a number of contacts >= 0"),
        "{e}"
    );
    for (q, want) in [
        ("0.5,0.5", "0.5 and 0.5 are both column volume_p50"),
        ("0.1,0.1000000001", "are both column volume_p10"),
        ("0.00001", "would be column volume_p0"),
        ("0.999999", "would be column volume_p100"),
    ] {
        let e = err_in(d.path(), &["forecast", "--quantiles", q, "--out", "f.csv"]);
        assert!(e.contains(want), "{q}: {e}");
    }
    for flag in ["--day-cv", "--interval-cv"] {
        for v in ["nan", "-1", "inf", "1e308"] {
            let e = err_in(d.path(), &["simulate", flag, v, "--out", "s.csv"]);
            assert!(
                e.contains(&format!("{flag}: expected a coefficient of variation")),
                "{e}"
            );
        }
    }
}

#[test]
fn quantiles_are_of_the_arrivals_not_of_the_draw() {
    let d = crate::centre_copy();
    let run = |extra: &[&str]| {
        let mut args = vec!["forecast", "--quantiles", "0.1,0.9", "--out", "f.csv"];
        args.extend_from_slice(extra);
        let o = wfm_centre(d.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(d.path().join("f.csv")).unwrap();
        text.lines()
            .map(|l| l.split(',').rev().take(2).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&[]), run(&["--sample-seed", "7"]));
}

#[test]
fn long_values_are_cut_so_the_reason_shows() {
    let d = tempfile::tempdir().unwrap();
    let name = "x".repeat(1 << 20);
    let f = d.path().join("f.csv");
    std::fs::write(
        &f,
        format!("date,time,channel,volume,aht_s\n2026-03-02,09:00,{name},-1,240\n"),
    )
    .unwrap();
    let o = wfm(&["staff", "--forecast", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(300)]);
    assert!(err.len() < 600, "{} bytes", err.len());
    assert!(err.contains("expected a number of contacts"), "{err}");
}

#[test]
fn group_staffing_work_is_bounded_up_front() {
    let d = crate::centre_copy();
    let o = wfm_centre(
        d.path(),
        &[
            "forecast",
            "--scenario",
            "scenarios/multiskill_week.toml",
            "--out",
            "ms.csv",
        ],
    );
    assert!(o.status.success());
    let e = err_in(
        d.path(),
        &[
            "staff",
            "--groups",
            "--forecast",
            "ms.csv",
            "--channels",
            "scenarios/channels_multiskill.toml",
            "--max-contacts",
            "1e5",
        ],
    );
    assert!(
        e.contains("staffing search(es)") && e.contains("raise the limit (--max-contacts)"),
        "{e}"
    );
    // plan --groups refuses before the plan of each channel on its own runs
    // (no round of it is reported).
    let o = wfm_centre(
        d.path(),
        &[
            "plan",
            "--scenario",
            "scenarios/multiskill_week.toml",
            "--groups",
            "--max-blocks",
            "1",
            "--out",
            "p",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("more than the limit of 1"), "{err}");
    assert!(!err.contains("round"), "{err}");
}

#[test]
fn backtest_work_is_bounded_up_front() {
    let d = crate::centre_copy();
    let e = err_in(d.path(), &["backtest", "--max-fit-rows", "1000"]);
    assert!(
        e.contains("rows to fit, above the limit") && e.contains("--max-fit-rows"),
        "{e}"
    );
    // Many origins over the history are refused, not run.
    let e = err_in(d.path(), &["backtest", "--origins", "100000"]);
    assert!(e.contains("--origins"), "{e}");
    let e = err_in(d.path(), &["backtest", "--fit-days", "0"]);
    assert!(e.contains("--fit-days: expected 1 to 36600 days"), "{e}");
}

#[test]
fn collections_errors_name_the_scenario_file() {
    let d = crate::centre_copy();
    let p = d.path().join("scenarios/collections_week.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        s.replacen("window_end = \"22:00\"", "window_end = \"25:00\"", 1),
    )
    .unwrap();
    let e = err_in(
        d.path(),
        &[
            "forecast",
            "--scenario",
            "scenarios/collections_week.toml",
            "--out",
            "f.csv",
        ],
    );
    assert!(
        e.contains("wfm: error: scenarios/collections_week.toml: [[collections]] #1 window_end"),
        "{e}"
    );
}
