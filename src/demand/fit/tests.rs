//! Unit tests of [`super`].

use super::*;
use crate::models::arrivals::{stream_rng, ArrivalProcess};
use std::path::Path;

/// A known scenario over 14 weeks around Spring Festival 2026.
fn truth() -> Scenario {
    let text = r#"
        interval_min = 30
        [channel.phone]
        daily_volume = 3000
        aht_s = 270
        patience_s = 150
        dow_factors = [1.15, 1.0, 0.95, 0.95, 1.05, 0.6, 0.5]
        holiday_factor = 0.4
        makeup_factor = 0.9
        [channel.chat]
        daily_volume = 5000
        aht_s = 400
        dow_factors = [1.1, 1.0, 1.0, 0.95, 1.0, 0.7, 0.65]
        holiday_factor = 0.4
        makeup_factor = 0.9
        [[repayment]]
        due_days = [10, 25]
        day_factors = [[-2, 1.3], [-1, 1.15], [0, 1.6], [1, 1.25]]
        reminder_time = "10:00"
        reminder_factor = 1.8
        [month_end]
        days = 3
        factor = 1.12
        [holidays]
        long_min_days = 5
        before_days = 2
        before_factor = 1.3
        after_days = 2
        after_factor = 1.5
    "#;
    let mut s = Scenario::parse(text, "truth").unwrap();
    let cal = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calendar_china_2026.csv");
    s.calendar_data = Calendar::from_path(&cal).unwrap().0;
    s
}

/// Poisson history drawn from the scenario's expected volumes.
fn history(s: &Scenario, from: &str, to: &str, seed: u64) -> Forecast {
    let mut f = s
        .forecast(from.parse().unwrap(), to.parse().unwrap())
        .unwrap();
    let channels: Vec<String> = s.channel.keys().cloned().collect();
    for (k, ch) in channels.iter().enumerate() {
        let idx: Vec<usize> = (0..f.rows.len())
            .filter(|&i| &f.rows[i].channel == ch)
            .collect();
        let vols: Vec<f64> = idx.iter().map(|&i| f.rows[i].volume).collect();
        let p = ArrivalProcess::new(&vols, 30).unwrap();
        let counts = p.counts(&mut stream_rng(seed, k as u64));
        for (&i, c) in idx.iter().zip(counts) {
            f.rows[i].volume = c as f64;
        }
    }
    f
}

fn options(s: &Scenario) -> FitOptions {
    FitOptions {
        calendar: s.calendar_data.clone(),
        calendar_path: None,
        repayment: s.repayment.clone(),
        month_end_days: s.month_end.as_ref().map(|m| m.days),
        holidays: s.holidays.clone(),
        holdout_days: 7,
        fit_days: None,
        shape_half_life_days: None,
        day_half_life_days: None,
    }
}

fn within(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got / want - 1.0).abs() <= tol,
        "{what}: fitted {got}, true {want} (tolerance {tol})"
    );
}

#[test]
fn recovers_a_known_scenario_from_poisson_history() {
    let s = truth();
    let mut h = history(&s, "2026-01-05", "2026-04-12", 11);
    // An outage day: chat and phone triple on Wednesday 2026-03-18.
    for r in h.rows.iter_mut() {
        if r.date == "2026-03-18".parse::<Date>().unwrap() {
            r.volume *= 3.0;
        }
    }
    // A gap: the afternoon of 2026-03-04 is missing for phone.
    h.rows.retain(|r| {
        !(r.channel == "phone"
            && r.date == "2026-03-04".parse::<Date>().unwrap()
            && r.time.hour() >= 13)
    });
    let rep = fit(&h, &options(&s)).unwrap();
    for name in ["phone", "chat"] {
        let t = &s.channel[name];
        let f = &rep.scenario.channel[name];
        // The fit puts the level of Monday–Friday into the base volume, so
        // compare volumes: base × factor.
        for w in 0..7 {
            within(
                f.daily_volume * f.dow_factors[w],
                t.daily_volume * t.dow_factors[w],
                0.05,
                &format!("{name} weekday {w}"),
            );
        }
        let level = t.dow_factors[..5].iter().sum::<f64>() / 5.0;
        within(f.daily_volume, t.daily_volume * level, 0.03, "base volume");
        assert!(
            f.weekly_growth.abs() < 0.003,
            "{name}: growth {}",
            f.weekly_growth
        );
        within(
            f.daily_volume * f.holiday_factor,
            t.daily_volume * t.holiday_factor,
            0.10,
            "holiday",
        );
        within(
            f.daily_volume * f.makeup_factor,
            t.daily_volume * t.makeup_factor,
            0.12,
            "make-up day",
        );
        let Profile::Shares(sh) = &f.intraday.workday else {
            panic!()
        };
        let want = crate::demand::scenario::builtin_profile("lender-workday", 30).unwrap();
        for i in 16..44 {
            within(sh[i], want[i], 0.12, &format!("{name} share {i}"));
        }
    }
    let r = &rep.scenario.repayment[0];
    for ((_, got), (_, want)) in r.day_factors.iter().zip(&s.repayment[0].day_factors) {
        within(*got, *want, 0.08, "repayment factor");
    }
    within(r.reminder_factor, 1.8, 0.08, "reminder factor");
    within(
        rep.scenario.month_end.as_ref().unwrap().factor,
        1.12,
        0.08,
        "month-end",
    );
    let h2 = rep.scenario.holidays.as_ref().unwrap();
    within(h2.before_factor, 1.3, 0.12, "before holiday");
    within(h2.after_factor, 1.5, 0.12, "after holiday");
    assert!(rep
        .outliers
        .iter()
        .any(|o| o.date == "2026-03-18".parse::<Date>().unwrap() && o.ratio > 2.5));
    for q in &rep.quality {
        assert!(q.daily_mape < 0.05, "{q:?}");
        assert!(q.interval_wape < 0.12, "{q:?}");
    }
    assert_eq!(rep.quality.len(), 2);
}

#[test]
fn recovers_weekly_growth() {
    // +1.5% a week over 16 weeks, from a base on the first day.
    let mut s = truth();
    s.base_date = Some(jiff::civil::date(2026, 1, 5));
    for ch in s.channel.values_mut() {
        ch.weekly_growth = 0.015;
    }
    let h = history(&s, "2026-01-05", "2026-04-26", 21);
    let rep = fit(&h, &options(&s)).unwrap();
    for (name, f) in &rep.scenario.channel {
        assert!(
            (f.weekly_growth - 0.015).abs() < 0.003,
            "{name}: {}",
            f.weekly_growth
        );
        // The fitted base holds on the last day: 16 weeks of growth later.
        let t = &s.channel[name];
        let level = t.dow_factors[..5].iter().sum::<f64>() / 5.0;
        let want = t.daily_volume * level * 1.015f64.powf(111.0 / 7.0);
        within(f.daily_volume, want, 0.04, "base volume at the last day");
    }
    assert_eq!(rep.scenario.base_date, Some(jiff::civil::date(2026, 4, 26)));
    for q in &rep.quality {
        assert!(q.daily_mape < 0.05, "{q:?}");
    }
}

#[test]
fn too_short_history_is_an_error() {
    let s = truth();
    let h = history(&s, "2026-03-02", "2026-03-05", 1);
    let e = fit(&h, &FitOptions::default()).unwrap_err();
    assert!(matches!(e, FitError::TooShort { days: 4, .. }));
}

/// A centre working Sunday to Thursday: Friday closes at noon, Saturday
/// opens at 18:00. Fitted from the history alone (no calendar), the
/// weekday shapes carry it: Friday afternoon and Saturday morning stay
/// empty in the forecast, and intervals match the truth.
#[test]
fn a_sunday_to_thursday_week_is_learned_without_a_calendar() {
    let m = 48;
    let workday: Vec<f64> = (0..m)
        .map(|i| if (16..40).contains(&i) { 1.0 } else { 0.1 })
        .collect();
    let friday: Vec<f64> = (0..m)
        .map(|i| if (16..24).contains(&i) { 1.0 } else { 0.0 })
        .collect();
    let saturday: Vec<f64> = (0..m).map(|i| if i >= 36 { 1.0 } else { 0.0 }).collect();
    let list = |v: &Vec<f64>| {
        let total: f64 = v.iter().sum();
        format!(
            "[{}]",
            v.iter()
                .map(|x| format!("{}", x / total))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let text = format!(
        "[channel.phone]\ndaily_volume = 4000\naht_s = 240\n\
         dow_factors = [1.0, 1.0, 1.0, 1.0, 0.5, 0.4, 1.1]\n\
         intraday = {{ by_weekday = [{w}, {w}, {w}, {w}, {f}, {s}, {w}] }}\n",
        w = list(&workday),
        f = list(&friday),
        s = list(&saturday),
    );
    let truth = Scenario::parse(&text, "truth.toml").unwrap();
    let (a, b) = ("2025-11-02".parse().unwrap(), "2026-03-28".parse().unwrap());
    let history = truth.forecast(a, b).unwrap();
    let history =
        crate::models::arrivals::sample_forecast(&history, Default::default(), 11).unwrap();
    let report = fit(&history, &FitOptions::default()).unwrap();
    let (c, d) = ("2026-03-29".parse().unwrap(), "2026-04-11".parse().unwrap());
    let want = truth.forecast(c, d).unwrap();
    let got = report.scenario.forecast(c, d).unwrap();
    let (mut abs, mut sum) = (0.0, 0.0);
    let (mut fri_afternoon, mut fri) = (0.0, 0.0);
    for (w, g) in want.rows.iter().zip(&got.rows) {
        assert_eq!((w.date, w.time), (g.date, g.time));
        abs += (w.volume - g.volume).abs();
        sum += w.volume;
        if w.date.weekday() == jiff::civil::Weekday::Friday {
            fri += g.volume;
            if w.time.hour() >= 13 {
                fri_afternoon += g.volume;
            }
        }
    }
    let wape = abs / sum;
    assert!(wape < 0.05, "interval WAPE {wape}");
    assert_eq!(
        report.weekdays,
        vec!["channel phone: intraday shapes by weekday: mon tue wed thu sun alike; fri, sat each their own".to_string()]
    );
    assert!(
        fri_afternoon < 0.02 * fri,
        "Friday afternoon forecast {fri_afternoon} of {fri}"
    );
}

#[test]
fn fit_days_restricts_the_window() {
    let s = |v: f64| {
        Scenario::parse(
            &format!("[channel.phone]\ndaily_volume = {v}\naht_s = 240\n"),
            "s.toml",
        )
        .unwrap()
    };
    let mut history = s(1000.0)
        .forecast("2025-11-03".parse().unwrap(), "2026-01-25".parse().unwrap())
        .unwrap();
    history.rows.extend(
        s(2000.0)
            .forecast("2026-01-26".parse().unwrap(), "2026-03-01".parse().unwrap())
            .unwrap()
            .rows,
    );
    let opts = FitOptions {
        fit_days: Some(28),
        ..FitOptions::default()
    };
    let r = fit(&history, &opts).unwrap();
    let ch = &r.scenario.channel["phone"];
    assert!(
        (ch.daily_volume - 2000.0).abs() < 20.0,
        "{}",
        ch.daily_volume
    );
    assert!(ch.weekly_growth.abs() < 0.01, "{}", ch.weekly_growth);
}

#[test]
fn aht_by_weekday_and_interval_is_learned() {
    let row = |night: f64, day: f64| {
        format!(
            "[{}]",
            (0..48)
                .map(|i| if (16..40).contains(&i) { day } else { night }.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let rows: Vec<String> = (0..7)
        .map(|w| {
            if w == 6 {
                row(600.0, 400.0)
            } else {
                row(500.0, 300.0)
            }
        })
        .collect();
    let text = format!(
        "[channel.phone]\ndaily_volume = 3000\naht_s = 320\nintraday = {{ workday = \"flat\", weekend = \"flat\", holiday = \"flat\" }}\naht_by_interval = [{}]\n",
        rows.join(", ")
    );
    let truth = Scenario::parse(&text, "t.toml").unwrap();
    let h = truth
        .forecast("2026-01-05".parse().unwrap(), "2026-03-01".parse().unwrap())
        .unwrap();
    let report = fit(&h, &FitOptions::default()).unwrap();
    let got = report.scenario.channel["phone"]
        .aht_by_interval
        .clone()
        .unwrap();
    assert!((got[0][20] - 300.0).abs() < 5.0, "{}", got[0][20]);
    assert!((got[0][2] - 500.0).abs() < 10.0, "{}", got[0][2]);
    assert!((got[6][20] - 400.0).abs() < 5.0, "{}", got[6][20]);
    let f = report
        .scenario
        .forecast("2026-03-08".parse().unwrap(), "2026-03-08".parse().unwrap())
        .unwrap();
    assert!(
        (f.rows[20].aht_s - 400.0).abs() < 5.0,
        "Sunday daytime {}",
        f.rows[20].aht_s
    );
    // A flat AHT stays one number.
    let flat = Scenario::parse(
        "[channel.phone]\ndaily_volume = 3000\naht_s = 320\n",
        "f.toml",
    )
    .unwrap();
    let h = flat
        .forecast("2026-01-05".parse().unwrap(), "2026-03-01".parse().unwrap())
        .unwrap();
    assert!(
        fit(&h, &FitOptions::default()).unwrap().scenario.channel["phone"]
            .aht_by_interval
            .is_none()
    );
}

mod shapes;
