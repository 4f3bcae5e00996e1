//! How well a channel's fit holds: the hold-out and the choice of the
//! half-lives, the residual dispersion, AHT by interval, the shapes
//! and which weekdays are alike.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::*;

/// The model's expected volume per interval of a day: the day total times
/// the day's shape and reminder multipliers.
fn day_prediction(
    di: &DayInfo,
    model: &DayModel,
    shapes: &Shapes,
    rem: &[f64],
    opts: &FitOptions,
    im: u32,
    m: usize,
) -> Vec<f64> {
    let total = model.predict(di, Group::None);
    let sh = shapes.of(di);
    let mult = reminder_mult(di, rem, opts, im, m);
    (0..m).map(|i| total * sh[i] * mult[i]).collect()
}

/// The daily MAPE and interval WAPE of a model fitted on the days of `s`
/// before `cut` and tested on at most `len` days from `cut` on.
#[allow(clippy::too_many_arguments)]
fn score(
    name: &str,
    s: &Series,
    cut: Date,
    len: usize,
    m: usize,
    im: u32,
    opts: &FitOptions,
    info: &dyn Fn(Date) -> DayInfo,
) -> Result<(f64, f64), FitError> {
    let train: BTreeMap<Date, Vec<f64>> =
        s.days.range(..cut).map(|(k, v)| (*k, v.clone())).collect();
    let (model, shares, rem, _) = fit_channel(name, &train, m, im, opts, &info, &mut Vec::new())?;
    let (mut ape, mut n_ape, mut abs_err, mut obs_sum) = (0.0, 0usize, 0.0, 0.0);
    for (d, vols) in s.days.range(cut..).take(len) {
        let pred = day_prediction(&info(*d), &model, &shares, &rem, opts, im, m);
        let obs_total: f64 = vols.iter().filter(|v| !v.is_nan()).sum();
        let pred_total: f64 = pred
            .iter()
            .zip(vols.iter())
            .filter(|(_, v)| !v.is_nan())
            .map(|(p, _)| p)
            .sum();
        if obs_total > 0.0 {
            ape += (pred_total - obs_total).abs() / obs_total;
            n_ape += 1;
        }
        for (p, v) in pred.iter().zip(vols.iter()) {
            if !v.is_nan() {
                abs_err += (p - v).abs();
                obs_sum += v;
            }
        }
    }
    let mape = if n_ape > 0 {
        ape / n_ape as f64
    } else {
        f64::NAN
    };
    let wape = if obs_sum > 0.0 {
        abs_err / obs_sum
    } else {
        f64::NAN
    };
    Ok((mape, wape))
}

/// The hold-out quality of a channel: fitted (with the half-lives `opts`
/// holds) on its history but the last `opts.holdout_days` days, tested on
/// them.
pub(super) fn holdout(
    name: &str,
    s: &Series,
    m: usize,
    im: u32,
    opts: &FitOptions,
    info: &dyn Fn(Date) -> DayInfo,
) -> Result<ChannelQuality, FitError> {
    let n_days = s.days.len();
    let len = opts.holdout_days as usize;
    let cut = *s.days.keys().nth(n_days - len).expect("cut");
    let (daily_mape, interval_wape) = score(name, s, cut, len, m, im, opts, info)?;
    Ok(ChannelQuality {
        channel: name.to_string(),
        holdout_days: opts.holdout_days,
        daily_mape,
        interval_wape,
        shape_half_life_days: opts.shape_half_life_days.unwrap_or(f64::INFINITY),
        day_half_life_days: opts.day_half_life_days.unwrap_or(f64::INFINITY),
    })
}

/// The half-lives of the shapes and of the day model, chosen by a rolling
/// hold-out: at two origins ([`SELECTION_WINDOW_DAYS`] and twice that
/// before the history's end; one when the history is shorter, none under
/// 8 weeks), the model is fitted on the days before the origin and tested
/// on the window after it. First the shapes' half-life by the mean
/// interval WAPE (the day model unweighted), then the day model's by the
/// mean daily MAPE; a shorter half-life must win by 0.2 points. Options
/// set by hand are kept; no weighting when nothing can be tested.
pub(super) fn choose_half_lives(
    name: &str,
    s: &Series,
    m: usize,
    im: u32,
    opts: &FitOptions,
    info: &dyn Fn(Date) -> DayInfo,
) -> (f64, f64) {
    let fixed_shape = opts.shape_half_life_days;
    let fixed_day = opts.day_half_life_days;
    let fallback = (
        fixed_shape.unwrap_or(f64::INFINITY),
        fixed_day.unwrap_or(f64::INFINITY),
    );
    if fixed_shape.is_some() && fixed_day.is_some() {
        return fallback;
    }
    const MIN_TRAIN_DAYS: usize = 42;
    let w = SELECTION_WINDOW_DAYS;
    let n = s.days.len();
    let cuts: Vec<Date> = (1..=2)
        .filter(|k| n >= k * w + MIN_TRAIN_DAYS)
        .filter_map(|k| s.days.keys().nth(n - k * w).copied())
        .collect();
    if cuts.is_empty() {
        return fallback;
    }
    // Mean (daily MAPE, interval WAPE) over the origins; None if a fit fails.
    let mean_score = |o: &FitOptions| -> Option<(f64, f64)> {
        let mut acc = (0.0, 0.0);
        for &cut in &cuts {
            let (a, b) = score(name, s, cut, w, m, im, o, info).ok()?;
            acc.0 += a / cuts.len() as f64;
            acc.1 += b / cuts.len() as f64;
        }
        (acc.0.is_finite() && acc.1.is_finite()).then_some(acc)
    };
    // The best of `candidates` by `key`; a later (shorter) one must win by 0.002.
    let pick =
        |candidates: &[f64], make: &dyn Fn(f64) -> FitOptions, key: fn((f64, f64)) -> f64| {
            let mut best: Option<(f64, f64)> = None;
            for &h in candidates {
                let Some(sc) = mean_score(&make(h)) else {
                    continue;
                };
                if best.is_none_or(|(_, b)| key(sc) < b - 0.002) {
                    best = Some((h, key(sc)));
                }
            }
            best.map(|(h, _)| h)
        };
    let shape = match fixed_shape {
        Some(h) => h,
        None => pick(
            &SHAPE_HALF_LIVES,
            &|h| FitOptions {
                shape_half_life_days: Some(h),
                day_half_life_days: Some(fixed_day.unwrap_or(f64::INFINITY)),
                ..opts.clone()
            },
            |sc| sc.1,
        )
        .unwrap_or(f64::INFINITY),
    };
    let day = match fixed_day {
        Some(h) => h,
        None => pick(
            &DAY_HALF_LIVES,
            &|h| FitOptions {
                shape_half_life_days: Some(shape),
                day_half_life_days: Some(h),
                ..opts.clone()
            },
            |sc| sc.0,
        )
        .unwrap_or(f64::INFINITY),
    };
    (shape, day)
}

/// Groups weekdays whose shapes are within `0.1` in L1 distance of the
/// first of their group (greedy, Monday first), and says so.
pub(super) fn describe_week(channel: &str, shapes: &[Vec<f64>]) -> String {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let l1 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>();
    let mut group = vec![usize::MAX; shapes.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for w in 0..shapes.len() {
        if group[w] != usize::MAX {
            continue;
        }
        let g = groups.len();
        let mut members = vec![w];
        group[w] = g;
        for v in w + 1..shapes.len() {
            if group[v] == usize::MAX && l1(&shapes[w], &shapes[v]) < 0.1 {
                group[v] = g;
                members.push(v);
            }
        }
        groups.push(members);
    }
    let name = |m: &Vec<usize>| {
        m.iter()
            .map(|&w| NAMES[w % 7])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (alike, own): (Vec<&Vec<usize>>, Vec<&Vec<usize>>) =
        groups.iter().partition(|g| g.len() > 1);
    let mut parts: Vec<String> = alike.iter().map(|g| format!("{} alike", name(g))).collect();
    if !own.is_empty() {
        parts.push(format!(
            "{} each their own",
            own.iter().map(|g| name(g)).collect::<Vec<_>>().join(", ")
        ));
    }
    format!(
        "channel {channel}: intraday shapes by weekday: {}",
        parts.join("; ")
    )
}

/// The overdispersion of a channel's history around its fit, for
/// prediction intervals: the day level's coefficient of variation from the
/// ratios `r_d = observed / predicted` of complete days (less the Poisson
/// part, `var(r) − mean(1/predicted)`), and the interval level's beyond
/// Poisson given the day's level (`Σ[(x − μ')² − μ'] / Σ μ'²`, with
/// `μ' = r_d · predicted`). Outlier days are left out.
#[allow(clippy::too_many_arguments)]
pub(super) fn dispersion(
    days: &BTreeMap<Date, Vec<f64>>,
    skip: &[Date],
    model: &DayModel,
    shapes: &Shapes,
    rem: &[f64],
    opts: &FitOptions,
    im: u32,
    m: usize,
    info: &dyn Fn(Date) -> DayInfo,
) -> (f64, f64) {
    let (mut ratios, mut inv) = (Vec::new(), Vec::new());
    let (mut num, mut den) = (0.0, 0.0);
    for (d, vols) in days {
        if skip.contains(d) || vols.iter().any(|v| v.is_nan()) {
            continue;
        }
        let pred = day_prediction(&info(*d), model, shapes, rem, opts, im, m);
        let p: f64 = pred.iter().sum();
        let o: f64 = vols.iter().sum();
        if !(p > 0.0 && p.is_finite()) {
            continue;
        }
        let r = o / p;
        ratios.push(r);
        inv.push(1.0 / p);
        for (x, mu) in vols.iter().zip(&pred) {
            let mu = mu * r;
            num += (x - mu) * (x - mu) - mu;
            den += mu * mu;
        }
    }
    let n = ratios.len() as f64;
    if n < 3.0 {
        return (0.0, 0.0);
    }
    let mean = ratios.iter().sum::<f64>() / n;
    let var = ratios.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / (n - 1.0);
    let day = (var - inv.iter().sum::<f64>() / n).max(0.0).sqrt();
    let interval = if den > 0.0 {
        (num / den).max(0.0).sqrt()
    } else {
        0.0
    };
    (day, interval)
}

/// The holiday profiles of a channel: for each named holiday of the
/// calendar ([`Calendar::named_blocks`]), from its last occurrence the
/// history reaches, the factor of each day in the profile's reach
/// (before, during, after the block) as the ratio of the observed volume
/// to the model's prediction for the intervals observed, shrunk towards 1
/// by 20 contacts: `(O + 20) / (P + 20)`. Days the history lacks (or sees
/// less than half of) get 1.
#[allow(clippy::too_many_arguments)]
pub(super) fn holiday_profiles(
    days: &BTreeMap<Date, Vec<f64>>,
    model: &DayModel,
    shapes: &Shapes,
    rem: &[f64],
    opts: &FitOptions,
    im: u32,
    m: usize,
    info: &dyn Fn(Date) -> DayInfo,
) -> BTreeMap<String, HolidayProfile> {
    const K: f64 = 20.0;
    let factor = |d: Date| -> Option<f64> {
        let vols = days.get(&d)?;
        let p = day_prediction(&info(d), model, shapes, rem, opts, im, m);
        let (mut obs, mut pred, mut full) = (0.0, 0.0, 0.0);
        for (x, v) in p.iter().zip(vols) {
            full += x;
            if !v.is_nan() {
                obs += v;
                pred += x;
            }
        }
        if !(full > 0.0 && pred >= 0.5 * full) {
            return None;
        }
        let f = (obs + K) / (pred + K);
        f.is_finite().then_some((f * 1e4).round() / 1e4)
    };
    let shift = |d: Date, n: i64| d.checked_add(jiff::Span::new().days(n)).ok();
    let mut out = BTreeMap::new();
    for b in opts.calendar.named_blocks().iter().rev() {
        if out.contains_key(&b.name) {
            continue;
        }
        let before: Vec<Option<f64>> = (1..=PROFILE_DAYS_BEFORE as i64)
            .map(|k| shift(b.first, -k).and_then(factor))
            .collect();
        let n = (b.last - b.first).get_days() as i64 + 1;
        let during: Vec<Option<f64>> = (0..n).map(|k| shift(b.first, k).and_then(factor)).collect();
        let after: Vec<Option<f64>> = (1..=PROFILE_DAYS_AFTER as i64)
            .map(|k| shift(b.last, k).and_then(factor))
            .collect();
        if before
            .iter()
            .chain(&during)
            .chain(&after)
            .all(Option::is_none)
        {
            continue;
        }
        let fill = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.unwrap_or(1.0)).collect();
        out.insert(
            b.name.clone(),
            HolidayProfile {
                before: fill(before),
                days: fill(during),
                after: fill(after),
            },
        );
    }
    out
}

/// AHT by weekday (Monday first) and interval from the history's
/// volume-weighted `aht_s`, shrunk towards the channel's mean by 20
/// pseudo-contacts: `(Σ v·aht + 20·mean) / (Σ v + 20)`. `None` when it is
/// flat (every cell within 2% of the mean): the scenario keeps one `aht_s`.
pub(super) fn aht_profile(cells: &[[f64; 2]], mean: f64, m: usize) -> Option<Vec<Vec<f64>>> {
    const K: f64 = 20.0;
    let prof: Vec<Vec<f64>> = (0..7)
        .map(|w| {
            (0..m)
                .map(|i| {
                    let [num, den] = cells.get(w * m + i).copied().unwrap_or([0.0, 0.0]);
                    (num + K * mean) / (den + K)
                })
                .collect()
        })
        .collect();
    let flat = prof.iter().flatten().all(|x| (x / mean - 1.0).abs() < 0.02);
    (!flat && mean > 0.0).then_some(prof)
}

/// The shapes of a channel: per day type, and per weekday (Monday..Sunday)
/// for the days that are neither holidays nor make-up workdays.
#[derive(Debug, Clone)]
pub(super) struct Shapes {
    pub(super) by_type: [Vec<f64>; 3],
    pub(super) by_weekday: Vec<Vec<f64>>,
}

impl Shapes {
    pub(super) fn of(&self, di: &DayInfo) -> &Vec<f64> {
        if di.day_type == DayType::Holiday || di.makeup {
            &self.by_type[di.day_type as usize]
        } else {
            &self.by_weekday[di.weekday]
        }
    }
}
