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
