//! Tests of the scenario file and its forecast.

#![allow(unused_imports)]
use super::compile::*;
use super::effects::*;

use super::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

#[test]
fn builtin_workday_peaks_in_the_morning_and_afternoon() {
    let p = builtin_profile("lender-workday", 30).unwrap();
    assert_eq!(p.len(), 48);
    crate::prec::assert_close(p.iter().sum(), 1.0, 1e-12);
    let at = |h: usize| p[h * 2];
    assert!(at(10) > at(12) && at(15) > at(12) && at(10) > at(20) && at(20) > at(3));
    let q = builtin_profile("lender-workday", 15).unwrap();
    crate::prec::assert_close(q[40] * 2.0, p[20], 1e-12);
}

#[test]
fn factors_multiply_as_documented() {
    let text = r#"
        [channel.phone]
        daily_volume = 1000
        aht_s = 300
        dow_factors = [1.2, 1, 1, 1, 1, 0.6, 0.5]
        intraday = { workday = "flat", weekend = "flat", holiday = "flat" }
        [[repayment]]
        due_days = [10]
        day_factors = [[-2, 1.3], [0, 1.5]]
        reminder_time = "10:00"
        reminder_factor = 2.0
        [month_end]
        days = 2
        factor = 1.1
        [[event]]
        start = "2026-03-31 14:00"
        end = "2026-03-31 15:00"
        factor = 3
    "#;
    let s = Scenario::parse(text, "t").unwrap();
    let day_total = |date: &str| -> f64 {
        let f = s.forecast(d(date), d(date)).unwrap();
        f.rows.iter().map(|r| r.volume).sum()
    };
    // Tue 2026-03-10 is a due day: 1000 × 1.5.
    crate::prec::assert_close(day_total("2026-03-10"), 1500.0, 1e-9);
    // Sun 2026-03-08 is two days before: 1000 × 0.5 × 1.3, plus the
    // 10:00–11:00 reminder doubling 2 of 48 flat intervals.
    crate::prec::assert_close(day_total("2026-03-08"), 650.0 * (1.0 + 2.0 / 48.0), 1e-9);
    // Mon 2026-03-30: month-end (last 2 days) × Monday 1.2.
    crate::prec::assert_close(day_total("2026-03-30"), 1320.0, 1e-9);
    // Tue 2026-03-31: month-end, and an outage tripling two intervals.
    crate::prec::assert_close(
        day_total("2026-03-31"),
        1100.0 * (1.0 + 2.0 * 2.0 / 48.0),
        1e-9,
    );
}

#[test]
fn bad_keys_are_named() {
    let e = Scenario::parse(
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\ndow_factor = [1,1,1,1,1,1,1]\n",
        "s.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("s.toml:4"), "{e}");
    let s = Scenario::parse(
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\nholiday_factor = -1\n",
        "s.toml",
    )
    .unwrap();
    let e = s.compile("s.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.toml: [channel.phone] holiday_factor: expected a factor >= 0 (at most 1000), got -1"
    );
    let s = Scenario::parse(
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\nintraday = { workday = [0.5, 0.4] }\n",
        "s.toml",
    )
    .unwrap();
    let e = s.compile("s.toml").unwrap_err();
    assert!(e.to_string().contains("expected 48 shares"), "{e}");
    let mut shares = vec![0.0; 48];
    shares[20] = 0.5;
    shares[30] = 0.6;
    let text = format!(
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\nintraday = {{ workday = {shares:?} }}\n"
    );
    let (_, w) = Scenario::parse(&text, "s.toml")
        .unwrap()
        .compile("s.toml")
        .unwrap();
    assert!(w[0].0.contains("sum to 1.1"), "{:?}", w);
    let s = Scenario::parse(
        "[channel.phone]\ndaily_volume = 10\naht_s = 300\n",
        "s.toml",
    )
    .unwrap();
    let e = s
        .date_range(Some(d("2026-03-10")), Some(d("2026-03-09")), "s.toml")
        .unwrap_err();
    assert!(e.to_string().contains("has no days"));
}

#[test]
fn due_dates_move_off_closed_days() {
    let cal = Calendar::default();
    let r = Repayment {
        name: None,
        due_days: vec![14], // 2026-03-14 is a Saturday
        channels: None,
        day_factors: vec![(0, 2.0)],
        reminder_time: None,
        reminder_days: vec![-2],
        reminder_hours: 1.0,
        reminder_factor: 1.0,
        when_closed: WhenClosed::NextWorkday,
    };
    assert_eq!(repayment_factor(&r, &cal, d("2026-03-16")), 2.0);
    assert_eq!(repayment_factor(&r, &cal, d("2026-03-14")), 1.0);
    let r = Repayment {
        when_closed: WhenClosed::PreviousWorkday,
        ..r
    };
    assert_eq!(repayment_factor(&r, &cal, d("2026-03-13")), 2.0);
    // Day 31 in a 30-day month is its last day.
    let r = Repayment {
        due_days: vec![31],
        when_closed: WhenClosed::SameDay,
        ..r
    };
    assert_eq!(repayment_factor(&r, &cal, d("2026-04-30")), 2.0);
}

#[test]
fn pre_and_post_holiday_days() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calendar_china_2026.csv");
    let cal = Calendar::from_path(&path).unwrap().0;
    let long = cal.long_holidays(d("2026-09-01"), d("2026-10-31"), 5);
    let h = HolidayEffects {
        long_min_days: 5,
        before_days: 2,
        before_factor: 1.3,
        after_days: 1,
        after_factor: 1.4,
        channels: None,
    };
    // National Day Oct 1–7: Sep 29, 30 before; Oct 8 after.
    assert_eq!(
        around_holiday(&cal, d("2026-09-30"), &long, &h),
        (true, false)
    );
    assert_eq!(
        around_holiday(&cal, d("2026-09-29"), &long, &h),
        (true, false)
    );
    assert_eq!(
        around_holiday(&cal, d("2026-09-28"), &long, &h),
        (false, false)
    );
    assert_eq!(
        around_holiday(&cal, d("2026-10-08"), &long, &h),
        (false, true)
    );
    assert_eq!(
        around_holiday(&cal, d("2026-10-09"), &long, &h),
        (false, false)
    );
}

#[test]
fn a_volume_that_overflows_names_its_key() {
    let d: Date = "2026-03-10".parse().unwrap();
    let s = Scenario::parse(
        "base_date = \"1900-01-01\"\n[channel.phone]\ndaily_volume = 100\naht_s = 200\nweekly_growth = 0.9\n",
        "s.toml",
    )
    .unwrap();
    let e = s.forecast(d, d).unwrap_err().to_string();
    assert!(e.contains("[channel.phone] weekly_growth"), "{e}");
    assert!(e.contains("not a finite number"), "{e}");
    let s = Scenario::parse(
        "[channel.phone]\ndaily_volume = 100\naht_s = 200\n[[event]]\nstart = \"2026-03-10 09:00\"\nend = \"2026-03-10 10:00\"\nfactor = 1e308\n",
        "s.toml",
    )
    .unwrap();
    let e = s.forecast(d, d).unwrap_err().to_string();
    // Refused as out of range before it can overflow.
    assert!(
        e.contains("[[event]] #1 factor: expected a factor >= 0 (at most 1000)"),
        "{e}"
    );
}

#[test]
fn a_workweek_moves_the_weekend() {
    let s = Scenario::parse(
        "workweek = \"sun-thu\"\n[channel.phone]\ndaily_volume = 100\naht_s = 200\n",
        "s.toml",
    )
    .unwrap();
    let fri: Date = "2026-03-13".parse().unwrap();
    let sun: Date = "2026-03-15".parse().unwrap();
    assert_eq!(s.calendar_data.day_type(fri), DayType::Weekend);
    assert_eq!(s.calendar_data.day_type(sun), DayType::Workday);
    assert_eq!(
        s.calendar_data.pay_class(fri),
        crate::core::calendar::PayClass::Weekend
    );
    let e = Scenario::parse(
        "workweek = \"sun-xyz\"\n[channel.phone]\ndaily_volume = 1\naht_s = 2\n",
        "s.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("workweek"), "{e}");
    assert_eq!(
        crate::core::calendar::parse_workweek("mon,tue,wed,thu,sat"),
        Some([false, false, false, false, true, false, true])
    );
}

/// A damping outside (0, 1] and holiday-profile factors that are not
/// finite non-negative numbers are errors that name the key.
#[test]
fn bad_damping_and_profile_factors_name_their_key() {
    let d: Date = "2026-03-10".parse().unwrap();
    for (extra, key) in [
        ("trend_damping = 1.5\n", "trend_damping"),
        ("trend_damping = 0\n", "trend_damping"),
        (
            "[channel.phone.holiday_profile.\"Spring Festival\"]\ndays = [1, -2]\n",
            "holiday_profile.\"Spring Festival\"",
        ),
        (
            "[channel.phone.holiday_profile.\"Spring Festival\"]\nafter = [1e300, nan]\n",
            "holiday_profile.\"Spring Festival\"",
        ),
    ] {
        let text = format!("[channel.phone]\ndaily_volume = 100\naht_s = 200\n{extra}");
        let e = match Scenario::parse(&text, "s.toml") {
            Err(e) => e.to_string(),
            Ok(s) => s.forecast(d, d).unwrap_err().to_string(),
        };
        assert!(e.contains(key), "{extra}: {e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
