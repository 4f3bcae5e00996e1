//! `wfm staff` and `wfm erlang`, run as a user runs them.

use crate::{s, scenario, temp_file, wfm_err, wfm_ok};

const HEADER: &str = "date,time,channel,volume,aht_s\n";

#[test]
fn staffs_the_shipped_day() {
    let out = wfm_ok(&[
        "staff",
        "--forecast",
        s(&scenario("lender_day.csv")),
        "--channels",
        s(&scenario("channels.toml")),
    ]);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(
        &headers.iter().take(12).collect::<Vec<_>>(),
        &[
            "date",
            "time",
            "channel",
            "volume",
            "aht_s",
            "agents",
            "fte",
            "service_level",
            "asa_s",
            "p_wait",
            "abandon_rate",
            "occupancy"
        ]
    );
    let rows: Vec<_> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 48 + 48 + 26);
    for r in &rows {
        let agents: u32 = r[5].parse().unwrap();
        let fte: f64 = r[6].parse().unwrap();
        assert!((fte - agents as f64 / 0.7).abs() < 1e-3);
        match &r[2] {
            "phone" => {
                assert!(r[7].parse::<f64>().unwrap() >= 0.8);
                assert!(r[10].parse::<f64>().unwrap() <= 0.05);
                assert_eq!(&r[13], "erlang-a");
            }
            "chat" => assert!(r[8].parse::<f64>().unwrap() <= 30.0),
            "email" => assert_eq!(&r[13], "deferred"),
            other => panic!("unexpected channel {other}"),
        }
    }
    // The 10:00 phone peak needs more agents than 03:00.
    let agents = |t: &str, ch: &str| -> u32 {
        rows.iter().find(|r| &r[1] == t && &r[2] == ch).unwrap()[5]
            .parse()
            .unwrap()
    };
    assert!(agents("10:00", "phone") > 5 * agents("03:00", "phone"));
}

#[test]
fn writes_the_out_file_and_same_columns_for_every_model() {
    let (dir, f) = temp_file(
        "f.csv",
        &format!("{HEADER}2026-03-02,09:00,phone,100,240\n2026-03-02,09:30,phone,0,240\n"),
    );
    let out = dir.path().join("staff.csv");
    wfm_ok(&[
        "staff",
        "--forecast",
        s(&f),
        "--out",
        s(&out),
        "--model",
        "erlang-c",
    ]);
    let c = std::fs::read_to_string(&out).unwrap();
    wfm_ok(&[
        "staff",
        "--forecast",
        s(&f),
        "--out",
        s(&out),
        "--patience-s",
        "120",
    ]);
    let a = std::fs::read_to_string(&out).unwrap();
    assert_eq!(c.lines().next(), a.lines().next());
    assert!(
        c.lines().nth(2).unwrap().contains(",phone,0,240,0,0,"),
        "{c}"
    );
    assert!(a.contains("erlang-a"));
}

/// Every malformed input: one line naming file, line and column; exit 2; no output file.
#[test]
fn bad_forecasts_are_reported_with_position_and_leave_no_output() {
    let cases: &[(&str, &str)] = &[
        ("date,time,channel,aht_s\n2026-03-02,09:00,phone,240\n", "f.csv:1: missing column volume"),
        ("date,time,channel,volumne,aht_s\n2026-03-02,09:00,phone,1,240\n", "found unknown column(s) volumne"),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,lots,240\n",
            "f.csv:2: column 4 (volume): expected a number of contacts >= 0 (at most 1e7 in an interval), got \"lots\"",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,-5,240\n",
            "f.csv:2: column 4 (volume): expected a number of contacts >= 0 (at most 1e7 in an interval), got \"-5\"",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:15,phone,5,240\n",
            "f.csv:2: column 2 (time): expected a time on the 30-minute grid",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-02-30,09:00,phone,5,240\n",
            "f.csv:2: column 1 (date): expected a date YYYY-MM-DD from 1900 to 2199, got \"2026-02-30\"",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,5,0\n",
            "f.csv:2: column 5 (aht_s): expected a handle time in seconds > 0 (at most a day, 86400), got \"0\"",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,5,240\n2026-03-02,09:00,phone,6,240\n",
            "f.csv:3: duplicate row for 2026-03-02 09:00 phone (first on line 2)",
        ),
        (
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,5\n",
            "f.csv:2: expected 5 fields like the header, found 4",
        ),
        (
            "date,time,channel,volume,aht_s,patience_s\n2026-03-02,09:00,phone,5,240,-3\n",
            "f.csv:2: column 6 (patience_s): expected a patience in seconds > 0 (at most a day, 86400), or empty",
        ),
        ("", "f.csv: empty file"),
    ];
    for (text, want) in cases {
        let (dir, f) = temp_file("f.csv", text);
        let out = dir.path().join("out.csv");
        let err = wfm_err(&["staff", "--forecast", s(&f), "--out", s(&out)]);
        let err = err.replace(&format!("{}/", dir.path().display()), "");
        assert!(err.contains(want), "want {want:?}, got {err:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!out.exists(), "partial output written for {want}");
    }
}

#[test]
fn unknown_columns_are_reported_on_stderr() {
    let (_d, f) = temp_file(
        "f.csv",
        "date,time,channel,volume,aht_s,site\n2026-03-02,09:00,phone,5,240,bj\n",
    );
    let out = crate::wfm(&["staff", "--forecast", s(&f)]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("column 6 (site): unknown column, ignored"),
        "{err}"
    );
}

#[test]
fn bad_options_and_files() {
    let (dir, f) = temp_file("f.csv", &format!("{HEADER}2026-03-02,09:00,phone,5,240\n"));
    let err = wfm_err(&["staff", "--forecast", s(&f), "--model", "erlang-x"]);
    assert!(err.contains("expected erlang-c or erlang-a"), "{err}");
    let err = wfm_err(&["staff", "--forecast", "no/such/file.csv"]);
    assert!(err.contains("no/such/file.csv: cannot read"), "{err}");
    let err = wfm_err(&["staff", "--forecast", s(&f), "--interval-min", "0"]);
    assert!(
        err.contains("interval must be a whole number of minutes that divides the day"),
        "{err}"
    );
    let err = wfm_err(&["staff", "--forecast", s(&f), "--interval-min", "7"]);
    assert!(err.contains("divides the day"), "{err}");
    // A target no staff can meet says which and why.
    let out = dir.path().join("o.csv");
    let err = wfm_err(&[
        "staff",
        "--forecast",
        s(&f),
        "--service-level",
        "1",
        "--answer-within-s",
        "0",
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains("f.csv:2: channel phone: target service_level cannot be met"),
        "{err}"
    );
    assert!(!out.exists());
    let err = wfm_err(&["staff", "--forecast", s(&f), "--max-abandon", "0.05"]);
    assert!(err.contains("max_abandon"), "{err}");
    let err = wfm_err(&["staff", "--forecast", s(&f), "--model", "erlang-a"]);
    assert!(err.contains("erlang-a needs a patience"), "{err}");
    let err = wfm_err(&["staff", "--forecast", s(&f), "--shrinkage", "1.2"]);
    assert!(
        err.contains("shrinkage: expected a share in [0, 1), got 1.2"),
        "{err}"
    );
}

#[test]
fn bad_channel_files_name_the_key() {
    let (_d, f) = temp_file("f.csv", &format!("{HEADER}2026-03-02,09:00,phone,5,240\n"));
    let (_d2, c) = temp_file(
        "c.toml",
        "[channel.phone]\nservice_level = 0.8\nanswer_whithin_s = 20\n",
    );
    let err = wfm_err(&["staff", "--forecast", s(&f), "--channels", s(&c)]);
    assert!(
        err.contains("c.toml:3: column 1: unknown field `answer_whithin_s`"),
        "{err}"
    );
    let (_d3, c) = temp_file("c.toml", "[channel.phone]\nkind = \"phone\"\n");
    let err = wfm_err(&["staff", "--forecast", s(&f), "--channels", s(&c)]);
    assert!(err.contains("c.toml:2"), "{err}");
    let (_d4, c) = temp_file("c.toml", "[channel.phone]\nmax_occupancy = 0\n");
    let err = wfm_err(&["staff", "--forecast", s(&f), "--channels", s(&c)]);
    assert!(
        err.contains("[channel.phone] max_occupancy: expected a share in (0, 1], got 0"),
        "{err}"
    );
}

#[test]
fn erlang_answers_a_quick_question() {
    let out = wfm_ok(&[
        "erlang", "--volume", "400", "--aht-s", "240", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["agents"], 60);
    assert_eq!(v["model"], "erlang-c");
    for key in [
        "service_level",
        "asa_s",
        "p_wait",
        "abandon_rate",
        "occupancy",
        "fte",
        "load_erl",
    ] {
        assert!(v[key].is_number(), "{key} missing in {out}");
    }
    let out = wfm_ok(&[
        "erlang",
        "--volume",
        "400",
        "--aht-s",
        "240",
        "--agents",
        "55",
        "--patience-s",
        "120",
        "--interval-min",
        "45",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["agents"], 55);
    assert_eq!(v["model"], "erlang-a");
    let text = wfm_ok(&[
        "erlang", "--volume", "100", "--aht-s", "180", "--agents", "12",
    ]);
    assert!(text.contains("service level"), "{text}");
    let err = wfm_err(&["erlang", "--volume=-1", "--aht-s", "180"]);
    assert!(
        err.contains("--volume: expected a number of contacts >= 0"),
        "{err}"
    );
    let err = wfm_err(&[
        "erlang",
        "--volume",
        "10",
        "--aht-s",
        "180",
        "--service-level",
        "1",
        "--answer-within-s",
        "0",
    ]);
    assert!(err.contains("target service_level cannot be met"), "{err}");
}

/// `wfm staff --groups`: the requirement per group of the channels file,
/// and located errors for groups that do not fit the forecast.
#[test]
fn staff_by_groups_and_its_errors() {
    let forecast = "date,time,channel,volume,aht_s\n\
                    2026-03-10,09:00,phone,120,200\n2026-03-10,09:00,chat,200,300\n\
                    2026-03-10,09:30,phone,90,200\n2026-03-10,09:30,chat,150,300\n";
    let (dir, f) = temp_file("f.csv", forecast);
    let ch = dir.path().join("ch.toml");
    let write = |groups: &str| {
        std::fs::write(
            &ch,
            format!("[channel.phone]\nanswer_within_s = 20\n[channel.chat]\nkind = \"chat\"\nanswer_within_s = 60\n{groups}"),
        )
        .unwrap();
    };
    write("[group.p]\nchannels = [\"phone\"]\n[group.c]\nchannels = [\"chat\"]\n[group.both]\nchannels = [\"phone\", \"chat\"]\ncost_per_hour = 1.1\n");
    let out = wfm_ok(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&ch),
        "--groups",
        "--replications",
        "6",
    ]);
    assert!(out.starts_with("date,time,group,agents\n"), "{out}");
    assert_eq!(out.lines().count(), 1 + 2 * 3);
    let total: u32 = out
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert!(total > 10, "{out}");
    write("[group.p]\nchannels = [\"phone\", \"fraud\"]\n[group.c]\nchannels = [\"chat\"]\n");
    let e = wfm_err(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&ch),
        "--groups",
    ]);
    assert!(e.contains("[group.p]") && e.contains("fraud"), "{e}");
    write("[group.p]\nchannels = [\"phone\"]\n");
    let e = wfm_err(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&ch),
        "--groups",
    ]);
    assert!(e.contains("no group serves channel \"chat\""), "{e}");
}
