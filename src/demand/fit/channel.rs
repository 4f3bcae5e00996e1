//! One channel's fit: shapes, reminder spikes, the day model by
//! backfitting, and the outlier screen (steps 1–4 of the module docs).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::*;

/// A channel's fitted day model, shares per day type, reminder factors and outliers.
pub(super) type ChannelFit = (DayModel, Shapes, Vec<f64>, Vec<Outlier>);

pub(super) fn fit_channel(
    name: &str,
    days: &BTreeMap<Date, Vec<f64>>,
    m: usize,
    im: u32,
    opts: &FitOptions,
    info: &dyn Fn(Date) -> DayInfo,
    warnings: &mut Vec<Warning>,
) -> Result<ChannelFit, FitError> {
    let infos: BTreeMap<Date, DayInfo> = days.keys().map(|d| (*d, info(*d))).collect();
    // Recency weight of a day for the intraday shapes: 0.5^(age / half-life).
    let half_life = opts.shape_half_life_days.unwrap_or(f64::INFINITY);
    let recency = |di: &DayInfo| -> f64 {
        if half_life.is_finite() && half_life > 0.0 {
            0.5f64.powf(-di.t / half_life)
        } else {
            1.0
        }
    };
    // Recency weight of a day for the day model.
    let day_half_life = opts.day_half_life_days.unwrap_or(f64::INFINITY);
    let day_weight = |di: &DayInfo| -> f64 {
        if day_half_life.is_finite() && day_half_life > 0.0 {
            0.5f64.powf(-di.t / day_half_life)
        } else {
            1.0
        }
    };
    let mut excluded: std::collections::BTreeSet<Date> = Default::default();
    let mut outliers = Vec::new();
    let n_products = opts.repayment.len();
    let mut result = None;
    for round in 0..3 {
        // 1. Shares per day type from complete, non-reminder, non-outlier
        //    days: each interval's volume summed over the days, over their
        //    total (the maximum-likelihood share under Poisson counts, and
        //    unbiased for low volumes, where a median of shares is not).
        let mut shares: [Vec<f64>; 3] = Default::default();
        for t in DayType::ALL {
            let mut sums = vec![0.0; m];
            let mut n_days = 0;
            for (d, vols) in days {
                let di = &infos[d];
                if di.day_type != t || excluded.contains(d) || !di.reminders.is_empty() {
                    continue;
                }
                if vols.iter().any(|v| v.is_nan()) {
                    continue;
                }
                n_days += 1;
                let w = recency(di);
                for (s, v) in sums.iter_mut().zip(vols) {
                    *s += w * v;
                }
            }
            let total: f64 = sums.iter().sum();
            if n_days == 0 || total <= 0.0 {
                if round == 0 && days.keys().any(|d| infos[d].day_type == t) {
                    warnings.push(Warning(format!(
                        "channel {name}: no complete {} with volume in the history; its intraday shares use the built-in shape",
                        t.name()
                    )));
                }
                let builtin = match t {
                    DayType::Workday => "lender-workday",
                    DayType::Weekend => "lender-weekend",
                    DayType::Holiday => "lender-holiday",
                };
                shares[t as usize] =
                    crate::demand::scenario::builtin_profile(builtin, im).expect("builtin");
                continue;
            }
            shares[t as usize] = sums.iter().map(|s| s / total).collect();
        }
        // 1b. A shape per weekday (Monday..Sunday) from its own plain days
        //    (not holidays, make-up days, reminder days or outliers), shrunk
        //    towards its day type's shape by pseudo-counts: with x_i the
        //    weekday's contacts in interval i and V their total,
        //    s_i = (x_i + K·p_i) / (V + K), K = 5 contacts per interval of
        //    the day. So a centre whose Friday or Sunday behaves unlike the
        //    calendar's day type is fitted as it is (the pooled shape weighs
        //    K/(V+K), under 1% with a few months of a busy line), and a
        //    weekday with little data borrows its day type's shape.
        let mut wshares: Vec<Vec<f64>> = Vec::with_capacity(7);
        for wd in 0..7 {
            let mut sums = vec![0.0; m];
            let mut n_days = 0usize;
            let mut pooled_type = None;
            for (d, vols) in days {
                let di = &infos[d];
                if di.weekday != wd
                    || di.day_type == DayType::Holiday
                    || di.makeup
                    || excluded.contains(d)
                    || !di.reminders.is_empty()
                    || vols.iter().any(|v| v.is_nan())
                {
                    continue;
                }
                pooled_type.get_or_insert(di.day_type);
                n_days += 1;
                let w = recency(di);
                for (s, v) in sums.iter_mut().zip(vols) {
                    *s += w * v;
                }
            }
            let pooled_t = pooled_type.unwrap_or(if wd >= 5 {
                DayType::Weekend
            } else {
                DayType::Workday
            });
            let pooled = &shares[pooled_t as usize];
            let total: f64 = sums.iter().sum();
            if n_days == 0 || total <= 0.0 {
                wshares.push(pooled.clone());
                continue;
            }
            let k = 5.0 * m as f64;
            wshares.push(
                sums.iter()
                    .zip(pooled)
                    .map(|(s, p)| (s + k * p) / (total + k))
                    .collect(),
            );
        }
        let shape_of = |di: &DayInfo| -> &Vec<f64> {
            if di.day_type == DayType::Holiday || di.makeup {
                &shares[di.day_type as usize]
            } else {
                &wshares[di.weekday]
            }
        };
        // 2. Reminder factors from the window's share on reminder days.
        let mut rem = vec![1.0; n_products];
        for (p, r) in opts.repayment.iter().enumerate() {
            let window = reminder_window(r, im, m);
            if window.is_empty() {
                continue;
            }
            let mut ratios = Vec::new();
            for (d, vols) in days {
                let di = &infos[d];
                if !di.reminders.contains(&p)
                    || excluded.contains(d)
                    || vols.iter().any(|v| v.is_nan())
                {
                    continue;
                }
                let s_w: f64 = window.iter().map(|&i| shape_of(di)[i]).sum();
                let w: f64 = window.iter().map(|&i| vols[i]).sum();
                let total: f64 = vols.iter().sum();
                if s_w > 0.0 && s_w < 1.0 && total > w && w > 0.0 {
                    ratios.push((w / (total - w)) * ((1.0 - s_w) / s_w));
                }
            }
            rem[p] = median(&mut ratios).unwrap_or(1.0);
        }
        // Day totals, without the reminder spike, from what was observed.
        let mut totals: BTreeMap<Date, f64> = BTreeMap::new();
        for (d, vols) in days {
            if excluded.contains(d) {
                continue;
            }
            let di = &infos[d];
            let sh = shape_of(di);
            let mult = reminder_mult(di, &rem, opts, im, m);
            let (mut obs, mut cover) = (0.0, 0.0);
            for i in 0..m {
                if !vols[i].is_nan() {
                    obs += vols[i];
                    cover += sh[i] * mult[i];
                }
            }
            let full: f64 = (0..m).map(|i| sh[i] * mult[i]).sum();
            if cover / full < 0.5 {
                if round == 0 {
                    warnings.push(Warning(format!(
                        "channel {name}: {d} has less than half of its volume share observed; left out"
                    )));
                }
                continue;
            }
            totals.insert(*d, obs / cover);
        }
        if totals.len() < 7 {
            return Err(FitError::TooShort {
                channel: name.to_string(),
                days: totals.len(),
            });
        }
        // 3. Backfitting of the day factors.
        let mut model = DayModel {
            base: {
                let mut v: Vec<f64> = totals.values().copied().collect();
                median(&mut v).unwrap_or(1.0)
            },
            dow: [1.0; 7],
            holiday: 1.0,
            makeup: 1.0,
            repay: opts
                .repayment
                .iter()
                .map(|r| vec![1.0; r.day_factors.len()])
                .collect(),
            month_end: 1.0,
            before: 1.0,
            after: 1.0,
            slope: 0.0,
        };
        // A group's factor: the recency-weighted median, over the days it
        // touches, of the day total over the prediction without it.
        let estimate =
            |model: &DayModel, g: Group, member: &dyn Fn(&DayInfo) -> bool| -> Option<f64> {
                let mut v: Vec<(f64, f64)> = totals
                    .iter()
                    .filter(|(d, _)| member(&infos[*d]))
                    .map(|(d, t)| (t / model.predict(&infos[d], g), day_weight(&infos[d])))
                    .filter(|(x, _)| x.is_finite())
                    .collect();
                weighted_median(&mut v)
            };
        for _pass in 0..4 {
            for w in 0..7 {
                let plain =
                    |di: &DayInfo| di.day_type != DayType::Holiday && !di.makeup && di.weekday == w;
                if let Some(f) = estimate(&model, Group::Dow(w), &plain) {
                    model.dow[w] = f;
                }
            }
            // Workday factors average 1: move their level into the base.
            let level = model.dow[..5].iter().sum::<f64>() / 5.0;
            if level > 0.0 {
                model.base *= level;
                model.dow.iter_mut().for_each(|x| *x /= level);
            }
            if let Some(f) = estimate(&model, Group::Holiday, &|di| {
                di.day_type == DayType::Holiday
            }) {
                model.holiday = f;
            }
            if let Some(f) = estimate(&model, Group::Makeup, &|di| {
                di.makeup && di.day_type != DayType::Holiday
            }) {
                model.makeup = f;
            }
            for p in 0..n_products {
                for o in 0..model.repay[p].len() {
                    if let Some(f) =
                        estimate(&model, Group::Repay(p, o), &|di| di.repay.contains(&(p, o)))
                    {
                        model.repay[p][o] = f;
                    }
                }
            }
            if let Some(f) = estimate(&model, Group::MonthEnd, &|di| di.month_end) {
                model.month_end = f;
            }
            if let Some(f) = estimate(&model, Group::Before, &|di| di.before) {
                model.before = f;
            }
            if let Some(f) = estimate(&model, Group::After, &|di| di.after) {
                model.after = f;
            }
            // Trend: the Theil–Sen slope of the log residuals over time.
            let resid: Vec<(f64, f64)> = totals
                .iter()
                .map(|(d, t)| (infos[d].t, (t / model.predict(&infos[d], Group::None)).ln()))
                .filter(|(_, r)| r.is_finite())
                .collect();
            let mut slopes = Vec::with_capacity(resid.len() * resid.len() / 2);
            for (i, a) in resid.iter().enumerate() {
                for b in &resid[i + 1..] {
                    if b.0 != a.0 {
                        slopes.push((b.1 - a.1) / (b.0 - a.0));
                    }
                }
            }
            if let Some(s) = median(&mut slopes) {
                model.slope += s;
            }
        }
        // 4. Outliers.
        let resid: Vec<(Date, f64)> = totals
            .iter()
            .map(|(d, t)| (*d, (t / model.predict(&infos[d], Group::None)).ln()))
            .filter(|(_, r)| r.is_finite())
            .collect();
        let mut rs: Vec<f64> = resid.iter().map(|(_, r)| *r).collect();
        let med = median(&mut rs).unwrap_or(0.0);
        let mut dev: Vec<f64> = rs.iter().map(|r| (r - med).abs()).collect();
        let scale = 1.4826 * median(&mut dev).unwrap_or(0.0);
        let new: Vec<(Date, f64)> = resid
            .into_iter()
            .filter(|(_, r)| (r - med).abs() > 4.0 * scale.max(0.01) && r.abs() > 1.25f64.ln())
            .collect();
        result = Some((
            model,
            Shapes {
                by_type: shares.clone(),
                by_weekday: wshares.clone(),
            },
            rem,
        ));
        if new.is_empty() || round == 2 {
            break;
        }
        for (d, r) in new {
            excluded.insert(d);
            outliers.push(Outlier {
                channel: name.to_string(),
                date: d,
                ratio: r.exp(),
            });
        }
    }
    let (model, shares, rem) = result.expect("at least one round");
    Ok((model, shares, rem, outliers))
}
