//! Collections books in the scenario, through `wfm forecast`.

use super::*;

const BOOK: &str = r#"
[channel.phone]
daily_volume = 2000
aht_s = 240

[[collections]]
name = "cash"
due_days = [10, 25]
loans_due = 20000
delinquency = [[1, 0.06], [3, 0.045], [7, 0.03], [30, 0.015]]
[[collections.tier]]
name = "small"
share = 0.8
treatment = [{ from_day = 4, to_day = 30, kind = "message", handle_s = 90 }]
[[collections.tier]]
name = "large"
share = 0.2
treatment = [{ from_day = 4, to_day = 30, kind = "call", attempts_per_day = 2, reach = 0.35, talk_s = 240 }]
"#;

#[test]
fn forecast_writes_the_outbound_workload_inside_the_window() {
    let (dir, sc) = temp_file("s.toml", BOOK);
    let out = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-16",
        "--to",
        "2026-03-22",
        "--out",
        s(&out),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let calls: Vec<&str> = text.lines().filter(|l| l.contains(",cash_call,")).collect();
    assert!(!calls.is_empty());
    for l in &calls {
        let t = l.split(',').nth(1).unwrap();
        assert!(("08:00".."22:00").contains(&t), "{l}");
    }
    assert!(text.lines().any(|l| l.contains(",cash_message,")));
}

#[test]
fn a_rising_delinquency_curve_is_a_located_error() {
    let bad = BOOK.replace("[7, 0.03]", "[7, 0.05]");
    let (dir, sc) = temp_file("s.toml", &bad);
    let out = dir.path().join("f.csv");
    let e = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-16",
        "--to",
        "2026-03-22",
        "--out",
        s(&out),
    ]);
    assert!(
        e.contains("[[collections]] #1 delinquency") && e.contains("rises"),
        "{e}"
    );
    assert!(!out.exists());
}

/// The shipped collections week staffed with its predictive dialer: the
/// outbound rows carry the dialer's model, no row outside 08:00–22:00,
/// abandonment within the cap; every dialer mode staffs the same attempts,
/// preview needing the most agents and predictive the fewest.
#[test]
fn staff_turns_attempts_into_collectors_by_dialer_mode() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        "scenarios/collections_week.toml",
        "--to",
        "2026-03-12",
        "--out",
        s(&f),
    ]);
    let base = std::fs::read_to_string("scenarios/channels_collections.toml").unwrap();
    let mut total = Vec::new();
    for mode in ["preview", "progressive", "predictive"] {
        let (_d, ch) = temp_file(
            "c.toml",
            &base.replace("mode = \"predictive\"", &format!("mode = \"{mode}\"")),
        );
        let out = dir.path().join(format!("{mode}.csv"));
        wfm_ok(&[
            "staff",
            "--forecast",
            s(&f),
            "--channels",
            s(&ch),
            "--out",
            s(&out),
        ]);
        let text = std::fs::read_to_string(&out).unwrap();
        let mut agents = 0u32;
        for l in text.lines().filter(|l| l.contains(",cash_call,")) {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c[13], mode, "{l}");
            assert!(("08:00".."22:00").contains(&c[1]), "{l}");
            let abandon: f64 = c[10].parse().unwrap();
            assert!(abandon <= 0.03, "{l}");
            agents += c[5].parse::<u32>().unwrap();
        }
        total.push(agents);
    }
    assert!(
        total[0] > total[1] && total[1] > total[2],
        "agent-intervals preview, progressive, predictive: {total:?}"
    );
}

/// A reach above 1 and a cap of 0 in the channels file: located errors.
#[test]
fn bad_dialer_settings_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        "scenarios/collections_week.toml",
        "--to",
        "2026-03-11",
        "--out",
        s(&f),
    ]);
    let base = std::fs::read_to_string("scenarios/channels_collections.toml").unwrap();
    for (from, to, want) in [
        (
            "reach = 0.35",
            "reach = 1.4",
            "[channel.cash_call] outbound.reach",
        ),
        (
            "abandon_cap = 0.03",
            "abandon_cap = 0",
            "[channel.cash_call] outbound.abandon_cap",
        ),
        (
            "mode = \"predictive\"",
            "mode = \"psychic\"",
            "expected one of `preview`",
        ),
    ] {
        let (_d, ch) = temp_file("c.toml", &base.replace(from, to));
        let out = dir.path().join("s.csv");
        let e = wfm_err(&[
            "staff",
            "--forecast",
            s(&f),
            "--channels",
            s(&ch),
            "--out",
            s(&out),
        ]);
        assert!(e.contains(want) && e.contains("c.toml"), "{want}: {e}");
        assert!(!out.exists());
    }
}
