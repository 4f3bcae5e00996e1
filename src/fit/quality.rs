//! How well a channel's fit holds: the hold-out and the choice of the
//! shapes' half-life, the residual dispersion, AHT by interval, the shapes
//! and which weekdays are alike.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::*;

/// The hold-out quality of a channel: fitted on its history but the last
/// `opts.holdout_days` days, tested on them, for each candidate half-life
/// of the shapes ([`SHAPE_HALF_LIVES`], or the option's); the best one
/// (a shorter half-life must win by 0.2 points of interval WAPE).
#[allow(clippy::too_many_arguments)]
pub(super) fn holdout(
    name: &str,
    s: &Series,
    m: usize,
    im: u32,
    opts: &FitOptions,
    info: &dyn Fn(Date) -> DayInfo,
) -> Result<Option<ChannelQuality>, FitError> {
    let n_days = s.days.len();
    let cut = s
        .days
        .keys()
        .nth(n_days - opts.holdout_days as usize)
        .copied()
        .expect("cut");
    let train: BTreeMap<Date, Vec<f64>> =
        s.days.range(..cut).map(|(k, v)| (*k, v.clone())).collect();
    let test: Vec<(&Date, &Vec<f64>)> = s.days.range(cut..).collect();
    let candidates: Vec<f64> = match opts.shape_half_life_days {
        Some(h) => vec![h],
        None => SHAPE_HALF_LIVES.to_vec(),
    };
    let mut best: Option<ChannelQuality> = None;
    for h in candidates {
        let o = FitOptions {
            shape_half_life_days: Some(h),
            ..opts.clone()
        };
        let (model, shares, rem, _) = fit_channel(name, &train, m, im, &o, &info, &mut Vec::new())?;
        let (mut ape, mut n_ape, mut abs_err, mut obs_sum) = (0.0, 0usize, 0.0, 0.0);
        for (d, vols) in &test {
            let di = info(**d);
            let total = model.predict(&di, Group::None);
            let sh = shares.of(&di);
            let mult = reminder_mult(&di, &rem, opts, im, m);
            let pred: Vec<f64> = (0..m).map(|i| total * sh[i] * mult[i]).collect();
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
        let q = ChannelQuality {
            channel: name.to_string(),
            holdout_days: opts.holdout_days,
            daily_mape: if n_ape > 0 {
                ape / n_ape as f64
            } else {
                f64::NAN
            },
            interval_wape: if obs_sum > 0.0 {
                abs_err / obs_sum
            } else {
                f64::NAN
            },
            shape_half_life_days: h,
        };
        // A shorter half-life must earn its keep: 0.2 points of WAPE.
        let better = match &best {
            None => true,
            Some(b) => q.interval_wape < b.interval_wape - 0.002,
        };
        if better {
            best = Some(q);
        }
    }
    Ok(best)
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
        let di = info(*d);
        let total = model.predict(&di, Group::None);
        let sh = shapes.of(&di);
        let mult = reminder_mult(&di, rem, opts, im, m);
        let pred: Vec<f64> = (0..m).map(|i| total * sh[i] * mult[i]).collect();
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
