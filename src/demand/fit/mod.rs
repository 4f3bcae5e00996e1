//! Learning a scenario from history.
//!
//! [`fit`] reads weeks or months of actual volumes (the forecast CSV's
//! columns) and estimates, per channel, the base volume, day-of-week factors,
//! intraday shares per day type and the repayment, month-end, holiday and
//! reminder factors of a template (the calendar, due days and windows the
//! planner knows). The result is a [`Scenario`] a planner can read and adjust.
//!
//! # Method
//! Day factors are medians, so a few odd days cannot move them; outlier days
//! are then left out of everything:
//! 1. **Shares** per day type: each interval's volume summed over the
//!    complete days of that type, over their total (the maximum-likelihood
//!    share for Poisson counts; a median would be biased at low volumes).
//!    Days with missing intervals get their total from the intervals they
//!    have (`observed / Σ shares observed`); days with less than half of the
//!    day observed are left out.
//! 2. **Reminder spikes**: the median ratio of the window's share on reminder
//!    days to its usual share, so `f = (W/(T−W)) · ((1−s)/s)`; the day totals
//!    of reminder days are then taken without the spike.
//! 3. **Day factors** by backfitting: each group of factors (day of week,
//!    holiday, make-up day, each repayment offset, month-end, before and
//!    after long holidays) is the median, over the days it touches, of the
//!    day total divided by the prediction without it; then the **trend** is
//!    the Theil–Sen slope (median of pairwise slopes) of the log residuals
//!    over time; four passes. The base volume holds on the last day of the
//!    history (`base_date`) and is set so that Monday–Friday factors
//!    average 1; `weekly_growth` is the trend per week, written with a
//!    damping of [`TREND_DAMPING`] per week. The medians are weighted by
//!    recency, `0.5^(age/h)`, with the day model's half-life `h` (and the
//!    shapes' own) chosen per channel by a rolling hold-out (see
//!    [`FitOptions::day_half_life_days`]).
//! 4. **Outliers**: a day whose log residual is more than 4 robust standard
//!    deviations (1.4826 × MAD) from the median and off by more than 25% is
//!    an outlier (an outage, a campaign): it is reported and left out, and
//!    steps 1–3 are run again.
//! 5. **Quality**: the last `holdout_days` days are held out, the model is
//!    fitted on the rest and forecasts them; the mean absolute percentage
//!    error of the daily totals and the weighted absolute percentage error
//!    of the intervals are reported per channel. The scenario returned is
//!    then fitted on all days.
//! 6. **Holiday profiles**: for each named holiday of the calendar, the
//!    ratio of observed to predicted volume on each day of its last
//!    occurrence (3 days before, the block, 5 days after), written as
//!    [`HolidayProfile`]s that the forecast applies to the holiday's next
//!    occurrence on its own dates.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::calendar::{weekday_index, Calendar, DayType};
use crate::core::input::Warning;
use crate::core::textio::minute_of_day;
use crate::demand::forecast::Forecast;
use crate::demand::scenario::{
    around_holiday, repayment_offsets, ChannelDemand, HolidayEffects, HolidayProfile, Intraday,
    MonthEnd, Profile, Repayment, Scenario, PROFILE_DAYS_AFTER, PROFILE_DAYS_BEFORE,
};

/// What the planner knows and wants estimated.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Holidays and make-up workdays.
    pub calendar: Calendar,
    /// The calendar's file name, written into the scenario.
    pub calendar_path: Option<String>,
    /// Repayment products: their due days, the offsets in `day_factors` to
    /// estimate (the factors given are ignored) and reminder windows.
    pub repayment: Vec<Repayment>,
    /// The last N days of a month to estimate a month-end factor for.
    pub month_end_days: Option<u32>,
    /// Long-holiday windows to estimate before/after factors for.
    pub holidays: Option<HolidayEffects>,
    /// Days held out at the end to measure the fit (0 = none).
    pub holdout_days: u32,
    /// Fit on the last `fit_days` days of the history only (`None`: all of
    /// it): a window set by hand when older data no longer describes the
    /// centre.
    pub fit_days: Option<u32>,
    /// Half-life of the intraday shapes' recency weights, days: a day `a`
    /// days before the last weighs `0.5^(a/h)`, so shapes that drift with
    /// the season follow the recent past. `None`: chosen per channel by the
    /// hold-out among no weighting, 42, 21 and 7 days (no weighting
    /// without a hold-out); `Some(f64::INFINITY)`: no weighting.
    pub shape_half_life_days: Option<f64>,
    /// Half-life of the day model's recency weights, days: the level, the
    /// day-of-week and the other day factors are weighted medians with
    /// weights `0.5^(age/h)`, so a level that moved lately is followed.
    /// `None`: chosen per channel by the rolling hold-out among
    /// [`DAY_HALF_LIVES`]; `Some(f64::INFINITY)`: no weighting.
    pub day_half_life_days: Option<f64>,
}

/// The shapes' half-lives the hold-out chooses among (days; infinity: no
/// weighting).
pub const SHAPE_HALF_LIVES: [f64; 4] = [f64::INFINITY, 42.0, 21.0, 7.0];

/// The day model's half-lives the hold-out chooses among (days; infinity:
/// no weighting).
pub const DAY_HALF_LIVES: [f64; 4] = [f64::INFINITY, 56.0, 28.0, 14.0];

/// The damping per week of the trend `fit` writes (`trend_damping`): the
/// trend's effect adds up to at most `φ/(1 − φ)` = 9 weeks of growth, the
/// conservative end of the damped-trend literature's usual 0.8–0.98 for a
/// trend estimated from a few months of history.
pub const TREND_DAMPING: f64 = 0.9;

/// Days of each window of the rolling hold-out that chooses the half-lives.
pub const SELECTION_WINDOW_DAYS: usize = 14;

/// How well the fitted model explains the held-out days of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelQuality {
    /// Channel name.
    pub channel: String,
    /// Days held out.
    pub holdout_days: u32,
    /// Mean absolute percentage error of the daily totals, share.
    pub daily_mape: f64,
    /// Weighted absolute percentage error of the intervals, share.
    pub interval_wape: f64,
    /// The shapes' half-life chosen by the rolling hold-out, days (infinite:
    /// no recency weighting).
    pub shape_half_life_days: f64,
    /// The day model's half-life chosen by the rolling hold-out, days
    /// (infinite: no recency weighting).
    pub day_half_life_days: f64,
}

/// A day left out as an outlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlier {
    /// Channel.
    pub channel: String,
    /// Date.
    pub date: Date,
    /// Observed total / model total.
    pub ratio: f64,
}

/// The result of [`fit`].
#[derive(Debug, Clone)]
pub struct FitReport {
    /// The fitted scenario.
    pub scenario: Scenario,
    /// Hold-out quality per channel (empty when the history is too short).
    pub quality: Vec<ChannelQuality>,
    /// Days left out as outliers.
    pub outliers: Vec<Outlier>,
    /// Notes on what could not be estimated.
    pub warnings: Vec<Warning>,
    /// Per channel, which weekdays' intraday shapes are alike: the working
    /// week as the data shows it (`phone: mon tue wed thu sun alike; fri, sat each their own`).
    pub weekdays: Vec<String>,
}

/// Why a history cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The history has no rows.
    #[error("the history has no rows")]
    Empty,
    /// The interval does not divide a day.
    #[error("interval must divide a day, got {0} minutes")]
    Interval(u32),
    /// A channel has too few usable days.
    #[error("channel {channel}: only {days} usable day(s); at least 7 are needed to estimate day-of-week factors")]
    TooShort {
        /// Channel.
        channel: String,
        /// Usable days.
        days: usize,
    },
}

/// One channel's history: interval volumes per day (NaN = missing).
struct Series {
    days: BTreeMap<Date, Vec<f64>>,
    aht_weighted: f64,
    volume: f64,
    /// Per weekday and interval: Σ volume·aht and Σ volume.
    aht_cells: Vec<[f64; 2]>,
    patience_weighted: f64,
    patience_volume: f64,
}

/// The median (the mean of the two middle values of an even count), in
/// linear time.
fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (lower, mid, _) = v.select_nth_unstable_by(n / 2, |a, b| a.total_cmp(b));
    let mid = *mid;
    Some(if n % 2 == 1 {
        mid
    } else {
        let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (below + mid)
    })
}

/// The weighted median of `(value, weight)` pairs: the smallest value whose
/// cumulative weight reaches half the total, or the mean of it and the
/// next value when it reaches exactly half, so equal weights give the
/// plain [`median`]. Weights must be positive.
fn weighted_median(v: &mut [(f64, f64)]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    if v.iter().all(|&(_, w)| w == v[0].1) {
        let mut xs: Vec<f64> = v.iter().map(|&(x, _)| x).collect();
        return median(&mut xs);
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|&(_, w)| w).sum();
    let half = 0.5 * total;
    let mut acc = 0.0;
    for (i, &(x, w)) in v.iter().enumerate() {
        acc += w;
        if acc >= half {
            if (acc - half).abs() <= 1e-12 * total {
                if let Some(&(next, _)) = v.get(i + 1) {
                    return Some(0.5 * (x + next));
                }
            }
            return Some(x);
        }
    }
    v.last().map(|&(x, _)| x)
}

/// Fits a scenario to `history`. See the module documentation.
///
/// ```
/// use wfm::models::arrivals::{sample_forecast, Overdispersion};
/// use wfm::demand::fit::{fit, FitOptions};
/// use wfm::demand::scenario::Scenario;
/// // Five weeks of Poisson history from a known scenario: Mondays 20% busier.
/// let truth = Scenario::parse(r#"
///     [channel.phone]
///     daily_volume = 3000
///     aht_s = 240
///     dow_factors = [1.2, 1, 1, 1, 0.8, 0.5, 0.5]
/// "#, "truth").unwrap();
/// let expected = truth.forecast("2026-03-02".parse().unwrap(), "2026-04-05".parse().unwrap()).unwrap();
/// let history = sample_forecast(&expected, Overdispersion::default(), 7).unwrap();
/// let report = fit(&history, &FitOptions { holdout_days: 7, ..FitOptions::default() }).unwrap();
/// let phone = &report.scenario.channel["phone"];
/// // Monday over Wednesday: 1.2, within sampling noise.
/// let ratio = phone.dow_factors[0] / phone.dow_factors[2];
/// assert!((ratio - 1.2).abs() < 0.06);
/// assert!(report.quality[0].daily_mape < 0.05);
/// ```
pub fn fit(history: &Forecast, opts: &FitOptions) -> Result<FitReport, FitError> {
    let windowed;
    let history = match (opts.fit_days, history.rows.iter().map(|r| r.date).max()) {
        (Some(n), Some(last)) if n > 0 => {
            // A window longer than the date type's range takes everything.
            let first = jiff::Span::new()
                .try_days(i64::from(n) - 1)
                .ok()
                .and_then(|span| last.checked_sub(span).ok())
                .unwrap_or(jiff::civil::Date::MIN);
            windowed = Forecast {
                interval_min: history.interval_min,
                rows: history
                    .rows
                    .iter()
                    .filter(|r| r.date >= first)
                    .cloned()
                    .collect(),
            };
            &windowed
        }
        _ => history,
    };
    if history.rows.is_empty() {
        return Err(FitError::Empty);
    }
    let im = history.interval_min;
    if crate::core::grid::check_interval_min(im).is_err() {
        return Err(FitError::Interval(im));
    }
    let m = crate::core::grid::intervals_per_day(im);
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    for r in &history.rows {
        let s = series.entry(r.channel.clone()).or_insert_with(|| Series {
            days: BTreeMap::new(),
            aht_weighted: 0.0,
            volume: 0.0,
            aht_cells: vec![[0.0; 2]; 7 * m],
            patience_weighted: 0.0,
            patience_volume: 0.0,
        });
        let day = s.days.entry(r.date).or_insert_with(|| vec![f64::NAN; m]);
        day[(minute_of_day(r.time) / im) as usize] = r.volume;
        s.aht_weighted += r.volume * r.aht_s;
        s.volume += r.volume;
        let cell = crate::core::calendar::weekday_index(r.date) * m
            + (minute_of_day(r.time) / im) as usize;
        if let Some(c) = s.aht_cells.get_mut(cell) {
            c[0] += r.volume * r.aht_s;
            c[1] += r.volume;
        }
        if let Some(p) = r.patience_s {
            s.patience_weighted += r.volume.max(1e-9) * p;
            s.patience_volume += r.volume.max(1e-9);
        }
    }
    let first = history.rows.iter().map(|r| r.date).min().expect("rows");
    let last = history.rows.iter().map(|r| r.date).max().expect("rows");
    let long = opts
        .holidays
        .as_ref()
        .map(|h| opts.calendar.long_holidays(first, last, h.long_min_days))
        .unwrap_or_default();

    let mut warnings = Vec::new();
    let mut outliers = Vec::new();
    let mut quality = Vec::new();
    let mut weekdays = Vec::new();
    let mut channels = BTreeMap::new();
    let mut fitted_repay: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut month_end_f = Vec::new();
    let mut before_f = Vec::new();
    let mut after_f = Vec::new();
    let mut reminder_f: Vec<Vec<f64>> = Vec::new();

    for (name, s) in &series {
        let info = |d: Date| day_info(d, last, opts, &long);
        // The half-lives, by the rolling hold-out; then the quality.
        let (shape_h, day_h) = quality::choose_half_lives(name, s, m, im, opts, &info);
        let chosen = FitOptions {
            shape_half_life_days: Some(shape_h),
            day_half_life_days: Some(day_h),
            ..opts.clone()
        };
        let n_days = s.days.len();
        if opts.holdout_days > 0 && n_days >= (opts.holdout_days as usize).saturating_add(14) {
            quality.push(quality::holdout(name, s, m, im, &chosen, &info)?);
        } else if opts.holdout_days > 0 {
            warnings.push(Warning(format!(
                "channel {name}: {n_days} days of history are too few to hold out {} (need {}); no fit quality reported",
                opts.holdout_days,
                opts.holdout_days.saturating_add(14)
            )));
        }
        let (model, shares, rem, out) =
            fit_channel(name, &s.days, m, im, &chosen, &info, &mut warnings)?;
        weekdays.push(describe_week(name, &shares.by_weekday));
        let skip: Vec<Date> = out.iter().map(|o| o.date).collect();
        let (day_cv, interval_cv) =
            dispersion(&s.days, &skip, &model, &shares, &rem, opts, im, m, &info);
        outliers.extend(out);
        let aht = if s.volume > 0.0 {
            s.aht_weighted / s.volume
        } else {
            300.0
        };
        let patience = (s.patience_volume > 0.0).then(|| s.patience_weighted / s.patience_volume);
        let round = |x: f64, k: i32| (x * 10f64.powi(k)).round() / 10f64.powi(k);
        let mut dow = model.dow;
        dow.iter_mut().for_each(|x| *x = round(*x, 4));
        channels.insert(
            name.clone(),
            ChannelDemand {
                daily_volume: round(model.base, 2),
                aht_s: round(aht, 2),
                patience_s: patience.map(|p| round(p, 2)),
                dow_factors: dow,
                weekly_growth: round((7.0 * model.slope).exp() - 1.0, 5),
                trend_damping: if model.slope != 0.0 {
                    TREND_DAMPING
                } else {
                    1.0
                },
                holiday_profile: holiday_profiles(
                    &s.days, &model, &shares, &rem, opts, im, m, &info,
                ),
                holiday_factor: round(model.holiday, 4),
                makeup_factor: round(model.makeup, 4),
                intraday: {
                    let prof =
                        |v: &Vec<f64>| Profile::Shares(v.iter().map(|x| round(*x, 7)).collect());
                    Intraday {
                        workday: prof(&shares.by_type[0]),
                        weekend: prof(&shares.by_type[1]),
                        holiday: prof(&shares.by_type[2]),
                        by_weekday: Some(shares.by_weekday.iter().map(prof).collect()),
                        shares_csv: None,
                    }
                },
                day_cv: round(day_cv, 4),
                interval_cv: round(interval_cv, 4),
                aht_by_interval: aht_profile(&s.aht_cells, aht, m).map(|p| {
                    p.into_iter()
                        .map(|w| w.into_iter().map(|x| round(x, 2)).collect())
                        .collect()
                }),
            },
        );
        fitted_repay.push(model.repay.clone());
        month_end_f.push(model.month_end);
        before_f.push(model.before);
        after_f.push(model.after);
        reminder_f.push(rem);
    }

    // The scenario format has one factor per repayment offset, month-end and
    // holiday effect for all the channels it applies to: write the
    // volume-weighted mean over channels.
    let weights: Vec<f64> = series.values().map(|s| s.volume.max(1e-9)).collect();
    let wsum: f64 = weights.iter().sum();
    let wmean = |xs: &[f64]| xs.iter().zip(&weights).map(|(x, w)| x * w).sum::<f64>() / wsum;
    let round4 = |x: f64| (x * 1e4).round() / 1e4;
    let repayment = opts
        .repayment
        .iter()
        .enumerate()
        .map(|(p, r)| {
            let day_factors = r
                .day_factors
                .iter()
                .enumerate()
                .map(|(o, (off, _))| {
                    let xs: Vec<f64> = fitted_repay.iter().map(|c| c[p][o]).collect();
                    (*off, round4(wmean(&xs)))
                })
                .collect();
            let rf: Vec<f64> = reminder_f.iter().map(|c| c[p]).collect();
            Repayment {
                day_factors,
                reminder_factor: round4(wmean(&rf)),
                ..r.clone()
            }
        })
        .collect();
    let scenario = Scenario {
        name: Some(format!("fitted from history {first} to {last}")),
        from: Some(first),
        to: Some(last),
        interval_min: im,
        base_date: Some(last),
        calendar: opts.calendar_path.clone(),
        workweek: opts.calendar.weekend.map(|we| {
            const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            (0..7)
                .filter(|&i| !we[i])
                .map(|i| NAMES[i])
                .collect::<Vec<_>>()
                .join(",")
        }),
        channel: channels,
        repayment,
        month_end: opts.month_end_days.map(|days| MonthEnd {
            days,
            factor: round4(wmean(&month_end_f)),
            channels: None,
        }),
        holidays: opts.holidays.as_ref().map(|h| HolidayEffects {
            before_factor: round4(wmean(&before_f)),
            after_factor: round4(wmean(&after_f)),
            ..h.clone()
        }),
        event: Vec::new(),
        collections: Vec::new(),
        channels_file: None,
        shifts_file: None,
        calendar_data: opts.calendar.clone(),
        source: String::new(),
    };
    Ok(FitReport {
        scenario,
        quality,
        outliers,
        warnings,
        weekdays,
    })
}

mod channel;
mod days;
mod quality;
#[cfg(test)]
mod tests;

use channel::fit_channel;
use days::{day_info, reminder_mult, reminder_window, DayInfo, DayModel, Group};
use quality::{aht_profile, describe_week, dispersion, holiday_profiles, Shapes};
