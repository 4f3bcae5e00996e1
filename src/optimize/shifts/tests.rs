//! Unit tests of [`super`].

use super::*;

const RULES: &str = r#"
    [[shift]]
    name = "day"
    earliest_start = "08:00"
    latest_start = "10:00"
    start_step_min = 60
    length_min = 480
    cost_per_hour = 1.0
    [[shift.break]]
    length_min = 60
    window_start_min = 180
    window_end_min = 300
    [[premium]]
    days = ["sat"]
    multiplier = 1.5
"#;

#[test]
fn candidates_enumerate_starts_and_breaks() {
    let r = ShiftRules::parse(RULES, "s.toml").unwrap();
    let sat: Date = "2026-03-14".parse().unwrap();
    let c = r.candidates("phone", sat, 1, 30, 48, "s.toml").unwrap();
    // 3 starts × 5 break starts (180..300 step 30).
    assert_eq!(c.len(), 15);
    assert!(c.iter().all(|x| (x.cost - 12.0).abs() < 1e-12));
    let first = &c[0];
    assert_eq!((first.start, first.end), (16, 32));
    assert_eq!(first.breaks, vec![(22, 24)]);
    assert!(first.works(21) && !first.works(22) && !first.works(23) && first.works(24));
}

#[test]
fn bad_rules_are_named() {
    let e = ShiftRules::parse(
        &RULES.replace("window_end_min = 300", "window_end_min = 460"),
        "s.toml",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("the window lies outside its shift"),
        "{e}"
    );
    let e = ShiftRules::parse(
        &RULES.replace("length_min = 480", "length_min = 1500"),
        "s.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("cannot be longer than a day"), "{e}");
    let r = ShiftRules::parse(
        &RULES.replace("start_step_min = 60", "start_step_min = 20"),
        "s.toml",
    )
    .unwrap();
    let e = r
        .candidates("phone", "2026-03-14".parse().unwrap(), 1, 30, 48, "s.toml")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("start_step_min: 20 minutes is not on the requirement's 30-minute grid"),
        "{e}"
    );
}

#[test]
fn default_days_off_patterns_are_consecutive_pairs() {
    let mut r = ShiftRules::parse(RULES, "s.toml").unwrap();
    r.weekly = Some(Weekly {
        max_days: 5,
        days_off: None,
        max_headcount: None,
    });
    let p = r.work_patterns();
    assert_eq!(p.len(), 7);
    assert!(p.iter().all(|m| m.count_ones() == 5));
    r.weekly = Some(Weekly {
        max_days: 5,
        days_off: Some(vec!["sat,sun".into()]),
        max_headcount: None,
    });
    assert_eq!(r.work_patterns(), vec![0b0011111]);
}

#[test]
fn holiday_pay_prices_statutory_days_at_three_times() {
    let rules = ShiftRules::parse(
        "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1.0\n\
         [[premium]]\nday_types = [\"statutory\"]\nmultiplier = 3.0\n\
         [[premium]]\nday_types = [\"holiday\", \"weekend\"]\nmultiplier = 2.0\n",
        "s.toml",
    )
    .unwrap();
    let cal = crate::core::calendar::Calendar::read(
        "date,day_type\n2026-02-16,statutory\n2026-02-20,holiday\n2026-02-28,workday\n".as_bytes(),
        "c.csv",
    )
    .unwrap()
    .0;
    let rules = rules.with_calendar(cal);
    let cost = |d: &str| {
        let c = rules
            .candidates("phone", d.parse().unwrap(), 1, 30, 96, "s.toml")
            .unwrap();
        assert_eq!(c.len(), 1);
        c[0].cost
    };
    assert!((cost("2026-02-13") - 8.0).abs() < 1e-9, "a Friday workday");
    assert!((cost("2026-02-16") - 24.0).abs() < 1e-9, "statutory: 3x");
    assert!(
        (cost("2026-02-20") - 16.0).abs() < 1e-9,
        "holiday rest day: 2x"
    );
    assert!(
        (cost("2026-02-21") - 16.0).abs() < 1e-9,
        "a plain Saturday: 2x"
    );
    assert!(
        (cost("2026-02-28") - 8.0).abs() < 1e-9,
        "a make-up Saturday is a workday"
    );
    let bad = ShiftRules::parse(
        "[[shift]]\nname = \"d\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 60\ncost_per_hour = 1.0\n[[premium]]\nday_types = [\"festival\"]\nmultiplier = 3.0\n",
        "s.toml",
    )
    .unwrap_err();
    assert!(bad.to_string().contains("[[premium]] 1 day_types"), "{bad}");
}

#[test]
fn a_night_shift_into_a_statutory_day_pays_its_hours_there_at_three_times() {
    let rules = ShiftRules::parse(
        "[[shift]]\nname = \"night\"\nearliest_start = \"22:00\"\nlatest_start = \"22:00\"\nlength_min = 240\ncost_per_hour = 1.0\n\
         [[premium]]\nday_types = [\"statutory\"]\nmultiplier = 3.0\n",
        "s.toml",
    )
    .unwrap()
    .with_calendar(
        crate::core::calendar::Calendar::read("date,day_type\n2026-10-01,statutory\n".as_bytes(), "c")
            .unwrap()
            .0,
    );
    let c = rules
        .candidates("phone", "2026-09-30".parse().unwrap(), 1, 30, 96, "s.toml")
        .unwrap();
    // 22:00-24:00 on a workday, 00:00-02:00 on the statutory day.
    assert!((c[0].cost - (2.0 + 6.0)).abs() < 1e-9, "{}", c[0].cost);
}

/// A named agent's shift is priced (`cost_of`) as the optimizer priced it:
/// here against the closed form 45 × (2 h + 2 h × 3) for the night into a
/// statutory day, and against the candidate's own cost.
#[test]
fn cost_of_a_worked_shift_equals_its_candidate() {
    let rules = ShiftRules::parse(
        "[[shift]]\nname = \"night\"\nearliest_start = \"22:00\"\nlatest_start = \"22:00\"\nlength_min = 240\ncost_per_hour = 45.0\n\
         [[premium]]\nday_types = [\"statutory\"]\nmultiplier = 3.0\n",
        "s.toml",
    )
    .unwrap()
    .with_calendar(
        crate::core::calendar::Calendar::read("date,day_type\n2026-10-01,statutory\n".as_bytes(), "c")
            .unwrap()
            .0,
    );
    let day: Date = "2026-09-30".parse().unwrap();
    let c = rules.candidates("phone", day, 1, 30, 96, "s.toml").unwrap();
    let worked = rules.cost_of("night", day, 22 * 60, 26 * 60).unwrap();
    assert!((worked - 45.0 * (2.0 + 6.0)).abs() < 1e-9, "{worked}");
    assert!((worked - c[0].cost).abs() < 1e-9);
    assert!(
        (c[0].weight - 8.0).abs() < 1e-12,
        "weight in cheapest hours"
    );
    assert_eq!(rules.cost_of("nosuch", day, 0, 60), None);
}
