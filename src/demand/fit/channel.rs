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
    let mut f = Fitter {
        name,
        days,
        infos: days.keys().map(|d| (*d, info(*d))).collect(),
        m,
        im,
        opts,
        excluded: Default::default(),
    };
    let mut outliers = Vec::new();
    let mut round = 0;
    loop {
        let first = round == 0;
        let shares = f.type_shares(first, warnings);
        let wshares = f.weekday_shares(&shares);
        let shapes = Shapes {
            by_type: shares,
            by_weekday: wshares,
        };
        let rem = f.reminder_factors(&shapes);
        let totals = f.day_totals(&shapes, &rem, first, warnings)?;
        let model = f.backfit(&totals);
        let new = f.outliers(&model, &totals);
        if new.is_empty() || round == 2 {
            return Ok((model, shapes, rem, outliers));
        }
        for (d, r) in new {
            f.excluded.insert(d);
            outliers.push(Outlier {
                channel: name.to_string(),
                date: d,
                ratio: r.exp(),
            });
        }
        round += 1;
    }
}

/// One channel's history and what the rounds of the fit have left out.
struct Fitter<'a> {
    name: &'a str,
    days: &'a BTreeMap<Date, Vec<f64>>,
    infos: BTreeMap<Date, DayInfo>,
    /// Intervals per day.
    m: usize,
    im: u32,
    opts: &'a FitOptions,
    /// Days left out as outliers.
    excluded: std::collections::BTreeSet<Date>,
}

/// `0.5^(age / half_life)`, or 1 with no (or an infinite) half-life.
fn half_life_weight(half_life: Option<f64>, di: &DayInfo) -> f64 {
    match half_life {
        Some(h) if h.is_finite() && h > 0.0 => 0.5f64.powf(-di.t / h),
        _ => 1.0,
    }
}

impl Fitter<'_> {
    /// Recency weight of a day for the intraday shapes.
    fn recency(&self, di: &DayInfo) -> f64 {
        half_life_weight(self.opts.shape_half_life_days, di)
    }

    /// Recency weight of a day for the day model.
    fn day_weight(&self, di: &DayInfo) -> f64 {
        half_life_weight(self.opts.day_half_life_days, di)
    }

    /// Step 1: shares per day type from complete, non-reminder,
    /// non-outlier days: each interval's volume summed over the days, over
    /// their total (the maximum-likelihood share under Poisson counts, and
    /// unbiased for low volumes, where a median of shares is not). A day
    /// type with no such day takes the built-in shape (with a warning in
    /// the first round).
    fn type_shares(&self, first: bool, warnings: &mut Vec<Warning>) -> [Vec<f64>; 3] {
        let mut shares: [Vec<f64>; 3] = Default::default();
        for t in DayType::ALL {
            let mut sums = vec![0.0; self.m];
            let mut n_days = 0;
            for (d, vols) in self.days {
                let di = &self.infos[d];
                if di.day_type != t || self.excluded.contains(d) || !di.reminders.is_empty() {
                    continue;
                }
                if vols.iter().any(|v| v.is_nan()) {
                    continue;
                }
                n_days += 1;
                let w = self.recency(di);
                for (s, v) in sums.iter_mut().zip(vols) {
                    *s += w * v;
                }
            }
            let total: f64 = sums.iter().sum();
            if n_days == 0 || total <= 0.0 {
                if first && self.days.keys().any(|d| self.infos[d].day_type == t) {
                    warnings.push(Warning(format!(
                        "channel {}: no complete {} with volume in the history; its intraday shares use the built-in shape",
                        self.name,
                        t.name()
                    )));
                }
                let builtin = match t {
                    DayType::Workday => "lender-workday",
                    DayType::Weekend => "lender-weekend",
                    DayType::Holiday => "lender-holiday",
                };
                shares[t as usize] =
                    crate::demand::scenario::builtin_profile(builtin, self.im).expect("builtin");
                continue;
            }
            shares[t as usize] = sums.iter().map(|s| s / total).collect();
        }
        shares
    }

    /// Step 1b: a shape per weekday (Monday..Sunday) from its own plain
    /// days (not holidays, make-up days, reminder days or outliers), shrunk
    /// towards its day type's shape by pseudo-counts: with x_i the
    /// weekday's contacts in interval i and V their total,
    /// s_i = (x_i + K·p_i) / (V + K), K = 5 contacts per interval of the
    /// day. So a centre whose Friday or Sunday behaves unlike the
    /// calendar's day type is fitted as it is (the pooled shape weighs
    /// K/(V+K), under 1% with a few months of a busy line), and a weekday
    /// with little data borrows its day type's shape.
    fn weekday_shares(&self, shares: &[Vec<f64>; 3]) -> Vec<Vec<f64>> {
        let m = self.m;
        let mut wshares: Vec<Vec<f64>> = Vec::with_capacity(7);
        for wd in 0..7 {
            let mut sums = vec![0.0; m];
            let mut n_days = 0usize;
            let mut pooled_type = None;
            for (d, vols) in self.days {
                let di = &self.infos[d];
                if di.weekday != wd
                    || di.day_type == DayType::Holiday
                    || di.makeup
                    || self.excluded.contains(d)
                    || !di.reminders.is_empty()
                    || vols.iter().any(|v| v.is_nan())
                {
                    continue;
                }
                pooled_type.get_or_insert(di.day_type);
                n_days += 1;
                let w = self.recency(di);
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
        wshares
    }

    /// Step 2: each repayment product's reminder factor, the median over
    /// its reminder days of the window's odds against the shape's.
    fn reminder_factors(&self, shapes: &Shapes) -> Vec<f64> {
        let mut rem = vec![1.0; self.opts.repayment.len()];
        for (p, r) in self.opts.repayment.iter().enumerate() {
            let window = reminder_window(r, self.im, self.m);
            if window.is_empty() {
                continue;
            }
            let mut ratios = Vec::new();
            for (d, vols) in self.days {
                let di = &self.infos[d];
                if !di.reminders.contains(&p)
                    || self.excluded.contains(d)
                    || vols.iter().any(|v| v.is_nan())
                {
                    continue;
                }
                let shape = shapes.of(di);
                let s_w: f64 = window.iter().map(|&i| shape[i]).sum();
                let w: f64 = window.iter().map(|&i| vols[i]).sum();
                let total: f64 = vols.iter().sum();
                if s_w > 0.0 && s_w < 1.0 && total > w && w > 0.0 {
                    ratios.push((w / (total - w)) * ((1.0 - s_w) / s_w));
                }
            }
            rem[p] = median(&mut ratios).unwrap_or(1.0);
        }
        rem
    }

    /// Day totals without the reminder spike, from what was observed (a
    /// day with less than half its share observed is left out, with a
    /// warning in the first round); at least 7 days.
    fn day_totals(
        &self,
        shapes: &Shapes,
        rem: &[f64],
        first: bool,
        warnings: &mut Vec<Warning>,
    ) -> Result<BTreeMap<Date, f64>, FitError> {
        let m = self.m;
        let mut totals: BTreeMap<Date, f64> = BTreeMap::new();
        for (d, vols) in self.days {
            if self.excluded.contains(d) {
                continue;
            }
            let di = &self.infos[d];
            let sh = shapes.of(di);
            let mult = reminder_mult(di, rem, self.opts, self.im, m);
            let (mut obs, mut cover) = (0.0, 0.0);
            for i in 0..m {
                if !vols[i].is_nan() {
                    obs += vols[i];
                    cover += sh[i] * mult[i];
                }
            }
            let full: f64 = (0..m).map(|i| sh[i] * mult[i]).sum();
            if cover / full < 0.5 {
                if first {
                    warnings.push(Warning(format!(
                        "channel {}: {d} has less than half of its volume share observed; left out",
                        self.name
                    )));
                }
                continue;
            }
            totals.insert(*d, obs / cover);
        }
        if totals.len() < 7 {
            return Err(FitError::TooShort {
                channel: self.name.to_string(),
                days: totals.len(),
            });
        }
        Ok(totals)
    }

    /// A group's factor: the recency-weighted median, over the days it
    /// touches, of the day total over the prediction without it.
    fn estimate(
        &self,
        totals: &BTreeMap<Date, f64>,
        model: &DayModel,
        g: Group,
        member: &dyn Fn(&DayInfo) -> bool,
    ) -> Option<f64> {
        let mut v: Vec<(f64, f64)> = totals
            .iter()
            .filter(|(d, _)| member(&self.infos[*d]))
            .map(|(d, t)| {
                let di = &self.infos[d];
                (t / model.predict(di, g), self.day_weight(di))
            })
            .filter(|(x, _)| x.is_finite())
            .collect();
        weighted_median(&mut v)
    }

    /// Step 3: the day factors by backfitting (four passes over weekday,
    /// holiday, make-up, repayment, month-end, before/after and the
    /// Theil–Sen trend).
    fn backfit(&self, totals: &BTreeMap<Date, f64>) -> DayModel {
        let opts = self.opts;
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
        let est = |model: &DayModel, g: Group, member: &dyn Fn(&DayInfo) -> bool| {
            self.estimate(totals, model, g, member)
        };
        for _pass in 0..4 {
            for w in 0..7 {
                let plain =
                    |di: &DayInfo| di.day_type != DayType::Holiday && !di.makeup && di.weekday == w;
                if let Some(f) = est(&model, Group::Dow(w), &plain) {
                    model.dow[w] = f;
                }
            }
            // Workday factors average 1: move their level into the base.
            let level = model.dow[..5].iter().sum::<f64>() / 5.0;
            if level > 0.0 {
                model.base *= level;
                model.dow.iter_mut().for_each(|x| *x /= level);
            }
            if let Some(f) = est(&model, Group::Holiday, &|di| {
                di.day_type == DayType::Holiday
            }) {
                model.holiday = f;
            }
            if let Some(f) = est(&model, Group::Makeup, &|di| {
                di.makeup && di.day_type != DayType::Holiday
            }) {
                model.makeup = f;
            }
            for p in 0..opts.repayment.len() {
                for o in 0..model.repay[p].len() {
                    if let Some(f) =
                        est(&model, Group::Repay(p, o), &|di| di.repay.contains(&(p, o)))
                    {
                        model.repay[p][o] = f;
                    }
                }
            }
            if let Some(f) = est(&model, Group::MonthEnd, &|di| di.month_end) {
                model.month_end = f;
            }
            if let Some(f) = est(&model, Group::Before, &|di| di.before) {
                model.before = f;
            }
            if let Some(f) = est(&model, Group::After, &|di| di.after) {
                model.after = f;
            }
            if let Some(s) = self.trend(totals, &model) {
                model.slope += s;
            }
        }
        model
    }

    /// The Theil–Sen slope of the log residuals over time.
    fn trend(&self, totals: &BTreeMap<Date, f64>, model: &DayModel) -> Option<f64> {
        let resid: Vec<(f64, f64)> = totals
            .iter()
            .map(|(d, t)| {
                let di = &self.infos[d];
                (di.t, (t / model.predict(di, Group::None)).ln())
            })
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
        median(&mut slopes)
    }

    /// Step 4: the days whose log residual is more than 4 robust standard
    /// deviations (and 25%) from the median, with that residual.
    fn outliers(&self, model: &DayModel, totals: &BTreeMap<Date, f64>) -> Vec<(Date, f64)> {
        let resid: Vec<(Date, f64)> = totals
            .iter()
            .map(|(d, t)| (*d, (t / model.predict(&self.infos[d], Group::None)).ln()))
            .filter(|(_, r)| r.is_finite())
            .collect();
        let mut rs: Vec<f64> = resid.iter().map(|(_, r)| *r).collect();
        let med = median(&mut rs).unwrap_or(0.0);
        let mut dev: Vec<f64> = rs.iter().map(|r| (r - med).abs()).collect();
        let scale = 1.4826 * median(&mut dev).unwrap_or(0.0);
        resid
            .into_iter()
            .filter(|(_, r)| (r - med).abs() > 4.0 * scale.max(0.01) && r.abs() > 1.25f64.ln())
            .collect()
    }
}
