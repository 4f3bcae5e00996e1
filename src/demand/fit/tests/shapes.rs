//! The fit's shapes over time: recency weighting of the intraday shape and
//! the level, overdispersion, the weighted median, holiday profiles.

use super::*;

/// Shapes that drift: the peak moves from the morning to the evening six
/// weeks before the end. The hold-out picks a finite half-life, and the
/// fitted shape follows the recent past.
#[test]
fn recency_weighting_follows_a_drifting_shape() {
    let shape = |peak: std::ops::Range<usize>| -> String {
        let v: Vec<f64> = (0..48)
            .map(|i| if peak.contains(&i) { 3.0 } else { 1.0 })
            .collect();
        let t: f64 = v.iter().sum();
        format!(
            "[{}]",
            v.iter()
                .map(|x| (x / t).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let scen = |s: &str| {
        Scenario::parse(
            &format!(
                "[channel.phone]\ndaily_volume = 3000\naht_s = 240\nintraday = {{ workday = {s}, weekend = {s}, holiday = {s} }}\n"
            ),
            "s.toml",
        )
        .unwrap()
    };
    let (morning, evening) = (shape(16..22), shape(34..40));
    let mut h = scen(&morning)
        .forecast("2025-10-06".parse().unwrap(), "2026-01-18".parse().unwrap())
        .unwrap();
    h.rows.extend(
        scen(&evening)
            .forecast("2026-01-19".parse().unwrap(), "2026-03-01".parse().unwrap())
            .unwrap()
            .rows,
    );
    let h = crate::models::arrivals::sample_forecast(&h, Default::default(), 9).unwrap();
    let opts = FitOptions {
        holdout_days: 7,
        ..FitOptions::default()
    };
    let r = fit(&h, &opts).unwrap();
    let q = &r.quality[0];
    assert!(q.shape_half_life_days.is_finite(), "{q:?}");
    let tue = &r.scenario.channel["phone"]
        .intraday
        .by_weekday
        .as_ref()
        .unwrap()[1];
    let Profile::Shares(s) = tue else {
        panic!("shares")
    };
    // Evening peak (34..40) well above the old morning peak (16..22).
    let (am, pm): (f64, f64) = (s[16..22].iter().sum(), s[34..40].iter().sum());
    assert!(pm > 1.5 * am, "am {am} pm {pm}");
    // Without weighting the old shape dominates.
    let flat = fit(
        &h,
        &FitOptions {
            holdout_days: 0,
            shape_half_life_days: Some(f64::INFINITY),
            ..FitOptions::default()
        },
    )
    .unwrap();
    let Profile::Shares(s0) = &flat.scenario.channel["phone"]
        .intraday
        .by_weekday
        .as_ref()
        .unwrap()[1]
    else {
        panic!("shares")
    };
    let (am0, pm0): (f64, f64) = (s0[16..22].iter().sum(), s0[34..40].iter().sum());
    assert!(am0 > pm0, "am {am0} pm {pm0}");
}

/// The dispersion `fit` writes is the one the history was drawn with
/// (day level 0.1, interval level 0.15 on top of Poisson), within the
/// sampling error of 16 weeks.
#[test]
fn fit_recovers_the_overdispersion_of_its_history() {
    let truth = Scenario::parse(
        "[channel.phone]\ndaily_volume = 4000\naht_s = 240\n",
        "t.toml",
    )
    .unwrap();
    let h = truth
        .forecast("2025-11-03".parse().unwrap(), "2026-02-22".parse().unwrap())
        .unwrap();
    let od = crate::models::arrivals::Overdispersion {
        day_cv: 0.1,
        interval_cv: 0.15,
    };
    let h = crate::models::arrivals::sample_forecast(&h, od, 21).unwrap();
    let r = fit(&h, &FitOptions::default()).unwrap();
    let ch = &r.scenario.channel["phone"];
    assert!((ch.day_cv - 0.1).abs() < 0.03, "day_cv {}", ch.day_cv);
    assert!(
        (ch.interval_cv - 0.15).abs() < 0.03,
        "interval_cv {}",
        ch.interval_cv
    );
    // Plain Poisson counts: no extra dispersion found.
    let p = crate::models::arrivals::sample_forecast(
        &truth
            .forecast("2025-11-03".parse().unwrap(), "2026-02-22".parse().unwrap())
            .unwrap(),
        Default::default(),
        22,
    )
    .unwrap();
    let r = fit(&p, &FitOptions::default()).unwrap();
    let ch = &r.scenario.channel["phone"];
    assert!(
        ch.day_cv < 0.02 && ch.interval_cv < 0.03,
        "{} {}",
        ch.day_cv,
        ch.interval_cv
    );
}

/// A level that rose 20% six weeks before the end: the rolling hold-out
/// weights the recent past, and the fitted level follows the new one;
/// unweighted medians stay near the old one.
#[test]
fn recency_weighting_follows_a_level_shift() {
    let scen = Scenario::parse(
        "[channel.phone]\ndaily_volume = 3000\naht_s = 240\ndow_factors = [1.1, 1, 1, 1, 0.9, 0.5, 0.4]\n",
        "s.toml",
    )
    .unwrap();
    let mut h = scen
        .forecast("2025-09-01".parse().unwrap(), "2026-03-01".parse().unwrap())
        .unwrap();
    let shift: Date = "2026-01-19".parse().unwrap();
    for r in &mut h.rows {
        if r.date >= shift {
            r.volume *= 1.2;
        }
    }
    let h = crate::models::arrivals::sample_forecast(&h, Default::default(), 4).unwrap();
    let r = fit(
        &h,
        &FitOptions {
            holdout_days: 7,
            ..FitOptions::default()
        },
    )
    .unwrap();
    let q = &r.quality[0];
    assert!(q.day_half_life_days.is_finite(), "{q:?}");
    let ch = &r.scenario.channel["phone"];
    let level = ch.daily_volume * ch.dow_factors[1];
    within(level, 3600.0, 0.04, "recent Tuesday level");
    assert!(q.daily_mape < 0.04, "{q:?}");
    let flat = fit(
        &h,
        &FitOptions {
            holdout_days: 7,
            day_half_life_days: Some(f64::INFINITY),
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert!(
        flat.quality[0].daily_mape > q.daily_mape + 0.02,
        "unweighted {:?} weighted {q:?}",
        flat.quality[0]
    );
}

/// The weighted median: equal weights give the median; weights move it.
#[test]
fn weighted_median_matches_the_median_and_follows_weights() {
    let mut xs = [5.0, 1.0, 3.0, 2.0];
    assert_eq!(median(&mut xs), Some(2.5));
    let mut v = [(5.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)];
    assert_eq!(weighted_median(&mut v), Some(2.5));
    let mut v = [(5.0, 4.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)];
    assert_eq!(weighted_median(&mut v), Some(5.0));
    let mut v = [(5.0, 3.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)];
    assert_eq!(weighted_median(&mut v), Some(4.0));
    assert_eq!(weighted_median(&mut []), None);
    let mut odd = [7.0, 1.0, 4.0];
    assert_eq!(median(&mut odd), Some(4.0));
}

/// Spring Festival moves: learned from its 2025 occurrence (8 days from
/// 28 January), the profile is applied to 2026 (9 days from 15 February)
/// and forecasts the block's days within a few per cent, where the one
/// holiday factor alone misses the eve and the return by far more.
#[test]
fn a_holiday_profile_carries_over_to_the_next_occurrence() {
    let mut csv = String::from("date,day_type,name\n");
    for d in [
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-02",
        "2025-02-03",
        "2025-02-04",
    ] {
        csv.push_str(&format!("{d},holiday,Spring Festival\n"));
    }
    for d in [
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-21",
        "2026-02-22",
        "2026-02-23",
    ] {
        csv.push_str(&format!("{d},holiday,Spring Festival\n"));
    }
    let (cal, _) = Calendar::read(csv.as_bytes(), "cal").unwrap();
    let mut truth = Scenario::parse(
        r#"
        [channel.phone]
        daily_volume = 3000
        aht_s = 240
        dow_factors = [1.1, 1, 1, 1, 0.9, 0.5, 0.4]
        holiday_factor = 0.4
        [channel.phone.holiday_profile."Spring Festival"]
        before = [1.6, 1.3, 1.1]
        days = [1.5, 0.6, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0]
        after = [2.0, 1.5, 1.25, 1.1, 1.05]
        "#,
        "truth",
    )
    .unwrap();
    truth.calendar_data = cal.clone();
    let h = history(&truth, "2024-10-07", "2025-09-28", 5);
    let opts = FitOptions {
        calendar: cal.clone(),
        holdout_days: 7,
        ..FitOptions::default()
    };
    let r = fit(&h, &opts).unwrap();
    let fitted = &r.scenario;
    let p = &fitted.channel["phone"].holiday_profile["Spring Festival"];
    assert_eq!(
        (p.before.len(), p.days.len(), p.after.len()),
        (3, 8, 5),
        "{p:?}"
    );
    let (from, to): (Date, Date) = ("2026-02-12".parse().unwrap(), "2026-02-28".parse().unwrap());
    let day_totals = |s: &Scenario| -> BTreeMap<Date, f64> {
        let mut t = BTreeMap::new();
        for r in s.forecast(from, to).unwrap().rows {
            *t.entry(r.date).or_insert(0.0) += r.volume;
        }
        t
    };
    let want = day_totals(&truth);
    let got = day_totals(fitted);
    let mut plain = fitted.clone();
    plain
        .channel
        .get_mut("phone")
        .unwrap()
        .holiday_profile
        .clear();
    let without = day_totals(&plain);
    let mape = |t: &BTreeMap<Date, f64>| {
        want.iter().map(|(d, w)| (t[d] - w).abs() / w).sum::<f64>() / want.len() as f64
    };
    assert!(mape(&got) < 0.06, "with the profile: MAPE {}", mape(&got));
    assert!(mape(&without) > 0.2, "without: MAPE {}", mape(&without));
}
