//! `wfm forecast` and `wfm fit`, run as a user runs them.

use crate::{s, scenario, temp_file, wfm_err, wfm_ok};

fn totals(csv_text: &str, channel: &str) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[2] == channel {
            *out.entry(r[0].to_string()).or_insert(0.0) += r[3].parse::<f64>().unwrap();
        }
    }
    out
}

#[test]
fn forecast_of_the_shipped_week_feeds_staff() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("forecast.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--out",
        s(&f),
    ]);
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.starts_with("date,time,channel,volume,aht_s,patience_s\n"));
    assert_eq!(text.lines().count(), 1 + 7 * 48 * 3);
    let phone = totals(&text, "phone");
    // Thu 12 March is the due day: the busiest day of the week.
    let busiest = phone.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    assert_eq!(busiest.0, "2026-03-12");
    // Reminders two days before (Tue 10:00-11:00) raise that hour above 09:00.
    let row = |t: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(&format!("2026-03-10,{t},phone")))
            .unwrap()
            .split(',')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(row("10:00") > 1.5 * row("09:00"));
    let staffed = wfm_ok(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&scenario("channels.toml")),
    ]);
    assert_eq!(staffed.lines().count(), 1 + 7 * 48 * 3);
}

#[test]
fn spring_festival_dips_and_rebounds() {
    let out = wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("spring_festival_2026.toml")),
    ]);
    let phone = totals(&out, "phone");
    assert!(phone["2026-02-17"] < 0.5 * phone["2026-02-10"]);
    assert!(phone["2026-02-24"] > 1.3 * phone["2026-02-10"]);
    // The --from/--to flags narrow the file's range; --interval-min regrids it.
    let out = wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("spring_festival_2026.toml")),
        "--from",
        "2026-02-24",
        "--to",
        "2026-02-24",
        "--interval-min",
        "15",
    ]);
    assert_eq!(out.lines().count(), 1 + 96 * 3);
}

#[test]
fn fit_recovers_what_forecast_sampled() {
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("history.csv");
    let (_d, sc) = temp_file(
        "truth.toml",
        &format!(
            "from = \"2026-01-05\"\nto = \"2026-04-26\"\ncalendar = \"{}\"\n\
             [channel.phone]\ndaily_volume = 5000\naht_s = 300\npatience_s = 120\n\
             dow_factors = [1.2, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5]\nholiday_factor = 0.4\n\
             [[repayment]]\ndue_days = [15]\nday_factors = [[-1, 1.2], [0, 1.7]]\n\
             [month_end]\ndays = 2\nfactor = 1.15\n",
            s(&scenario("calendar_china_2026.csv"))
        ),
    );
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--sample-seed",
        "4",
        "--out",
        s(&hist),
    ]);
    let out = dir.path().join("fitted.toml");
    let o = crate::wfm(&[
        "fit",
        "--history",
        s(&hist),
        "--template",
        s(&sc),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("channel phone: last 7 days held out: daily MAPE"),
        "{err}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let fitted: toml::Value = toml::from_str(&text).unwrap();
    let ph = &fitted["channel"]["phone"];
    let base = ph["daily_volume"].as_float().unwrap();
    let dow = |i: usize| ph["dow_factors"][i].as_float().unwrap();
    let level = (1.2 + 4.0) / 5.0;
    assert!((base / (5000.0 * level) - 1.0).abs() < 0.03, "{base}");
    assert!((base * dow(5) / 3000.0 - 1.0).abs() < 0.05);
    let due = fitted["repayment"][0]["day_factors"][1][1]
        .as_float()
        .unwrap();
    assert!((due / 1.7 - 1.0).abs() < 0.08, "{due}");
    assert!((fitted["month_end"]["factor"].as_float().unwrap() / 1.15 - 1.0).abs() < 0.08);
    // The fitted file is a scenario `wfm forecast` reads back.
    let again = wfm_ok(&[
        "forecast",
        "--scenario",
        s(&out),
        "--from",
        "2026-05-04",
        "--to",
        "2026-05-04",
    ]);
    assert_eq!(again.lines().count(), 1 + 48);
    // A template with a relative calendar path: the fitted file, written
    // elsewhere, still finds the calendar.
    let other = tempfile::tempdir().unwrap();
    let fitted2 = other.path().join("fitted.toml");
    wfm_ok(&[
        "fit",
        "--history",
        s(&hist),
        "--template",
        "scenarios/lender_week.toml",
        "--out",
        s(&fitted2),
    ]);
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&fitted2),
        "--from",
        "2026-05-04",
        "--to",
        "2026-05-04",
    ]);
    // Fit from flags alone: --due-days and --calendar.
    wfm_ok(&[
        "fit",
        "--history",
        s(&hist),
        "--due-days",
        "15",
        "--calendar",
        s(&scenario("calendar_china_2026.csv")),
        "--month-end-days",
        "2",
    ]);
}

#[test]
fn bad_scenarios_and_histories_are_named() {
    let (dir, sc) = temp_file(
        "s.toml",
        "from = \"2026-03-10\"\nto = \"2026-03-09\"\n[channel.phone]\ndaily_volume = 10\naht_s = 300\n",
    );
    let out = dir.path().join("f.csv");
    let err = wfm_err(&["forecast", "--scenario", s(&sc), "--out", s(&out)]);
    assert!(
        err.contains("s.toml: to: the date range 2026-03-10 to 2026-03-09 has no days"),
        "{err}"
    );
    assert!(!out.exists());
    let (_d, sc) = temp_file(
        "s.toml",
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\ndow_factors = [1, 1, -1, 1, 1, 1, 1]\n",
    );
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-09",
    ]);
    assert!(
        err.contains(
            "[channel.phone] dow_factors[2]: expected a factor >= 0 (at most 1000), got -1"
        ),
        "{err}"
    );
    let (_d, sc) = temp_file(
        "s.toml",
        "calendar = \"cal.csv\"\n[channel.phone]\ndaily_volume = 10\naht_s = 300\n",
    );
    std::fs::write(
        sc.parent().unwrap().join("cal.csv"),
        "date,day_type\n2026-10-01,festival\n",
    )
    .unwrap();
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-09",
    ]);
    assert!(
        err.contains("cal.csv:2: column 2 (day_type): expected a day type"),
        "{err}"
    );
    let (_d, sc) = temp_file("s.toml", "[channel.phone]\ndaily_volume = 10\naht_s = 300\n[[event]]\nstart = \"2026-03-09 25:00\"\nend = \"2026-03-09 26:00\"\nfactor = 2\n");
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-09",
    ]);
    assert!(
        err.contains("[[event]] #1 start: expected YYYY-MM-DD HH:MM"),
        "{err}"
    );
    let err = wfm_err(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--from",
        "2026-13-01",
    ]);
    assert!(err.contains("expected a date YYYY-MM-DD"), "{err}");
    // A history with too few days.
    let (_d, h) = temp_file(
        "h.csv",
        "date,time,channel,volume,aht_s\n2026-03-09,09:00,phone,5,300\n",
    );
    let err = wfm_err(&["fit", "--history", s(&h)]);
    assert!(
        err.contains("cannot fit: channel phone: only 0 usable day(s)"),
        "{err}"
    );
}

#[test]
fn backtest_scores_fit_against_the_baselines() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&scenario("lender_week.toml")),
        "--from",
        "2026-01-05",
        "--to",
        "2026-03-29",
        "--sample-seed",
        "2",
        "--out",
        s(&h),
    ]);
    let out = dir.path().join("bt.csv");
    let table = wfm_ok(&[
        "backtest",
        "--history",
        s(&h),
        "--origins",
        "2",
        "--horizon-days",
        "14",
        "--calendar",
        s(&scenario("calendar_china_2026.csv")),
        "--out",
        s(&out),
    ]);
    for m in ["fit", "seasonal-naive", "mean-4", "median-8", "ets"] {
        assert!(table.contains(m), "{table}");
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("method,origin,daily_mape,interval_wape,bias,coverage_80\n"));
    assert_eq!(csv.lines().count(), 1 + 2 * 5);
    let err = wfm_err(&["backtest", "--history", s(&h), "--origins", "30"]);
    assert!(err.contains("h.csv") && err.contains("--origins"), "{err}");
}

#[test]
fn forecast_quantiles_bracket_the_expected_volume() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::write(
        &sc,
        "from = \"2026-03-09\"\nto = \"2026-03-09\"\n[channel.phone]\ndaily_volume = 4800\naht_s = 240\nday_cv = 0.1\ninterval_cv = 0.05\n",
    )
    .unwrap();
    let out = wfm_ok(&["forecast", "--scenario", s(&sc), "--quantiles", "0.1,0.9"]);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let head = rdr.headers().unwrap().clone();
    assert_eq!(&head[5], "volume_p10");
    assert_eq!(&head[6], "volume_p90");
    for r in rdr.records().map(|r| r.unwrap()) {
        let (v, lo, hi): (f64, f64, f64) = (
            r[3].parse().unwrap(),
            r[5].parse().unwrap(),
            r[6].parse().unwrap(),
        );
        assert!(lo <= v && v <= hi + 1.0, "{r:?}");
        if v > 50.0 {
            assert!(hi - lo > 0.15 * v, "{r:?}");
        }
    }
    let err = wfm_err(&["forecast", "--scenario", s(&sc), "--quantiles", "1.5"]);
    assert!(err.contains("--quantiles"), "{err}");
}
