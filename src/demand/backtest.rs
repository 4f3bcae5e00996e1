//! Rolling-origin backtests: does `wfm fit` beat the simple baselines on
//! this history?
//!
//! At each origin the history before it is the training data and the next
//! `horizon_days` are forecast by every method, then compared with what
//! happened. The methods:
//!
//! - `fit`: [`crate::demand::fit::fit`] on the training data, then
//!   [`crate::demand::scenario::Scenario::forecast`];
//! - `seasonal-naive`: the last observed week repeated;
//! - `mean-4`: the mean of the last 4 same weekdays, interval by interval;
//! - `median-8`: the median of the last 8 same weekdays;
//! - `ets`: an exponential-smoothing state-space model (AutoETS with a
//!   weekly season, chosen by AICc, from the `augurs-ets` crate) on each
//!   channel's daily totals, spread over the day by each weekday's shares of
//!   the last 4 same weekdays (Holt-Winters on daily totals × weekday shares).
//!
//! Per method and origin: **daily MAPE** (mean over channel-days with
//! contacts of `|ΣF − ΣA| / ΣA`), **interval WAPE** (`Σ|F − A| / ΣA` over
//! every interval and channel), **bias** (`(ΣF − ΣA) / ΣA`), and for `fit`
//! the **coverage** of its 80% prediction interval (10% and 90% quantiles
//! from the fitted overdispersion, [`crate::models::arrivals::count_quantile`]). Origins
//! are a week apart, the last one `horizon_days` before the end of the
//! history.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::demand::fit::{fit, FitError, FitOptions};
use crate::demand::forecast::{Forecast, ForecastRow};

/// How a backtest runs.
#[derive(Debug, Clone)]
pub struct BacktestOptions {
    /// Number of origins.
    pub origins: usize,
    /// Days forecast from each origin.
    pub horizon_days: u32,
    /// Days between origins.
    pub step_days: u32,
    /// Options of `fit` (calendar, repayment products, ...).
    pub fit: FitOptions,
}

impl Default for BacktestOptions {
    /// 4 origins a week apart, 28-day horizons.
    fn default() -> Self {
        Self {
            origins: 4,
            horizon_days: 28,
            step_days: 7,
            fit: FitOptions::default(),
        }
    }
}

/// Why a backtest cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// The history is too short for the origins and horizon asked for.
    #[error("the history has {days} days; {origins} origins a week apart with a {horizon}-day horizon need at least {need} (14 of training before the first origin): lower BacktestOptions.origins or BacktestOptions.horizon_days")]
    TooShort {
        /// Days of history.
        days: i64,
        /// Origins asked for.
        origins: usize,
        /// Horizon asked for.
        horizon: u32,
        /// Days needed.
        need: i64,
    },
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// `fit` failed at an origin.
    #[error("fit at origin {origin}: {source}")]
    Fit {
        /// The origin.
        origin: Date,
        /// Why.
        #[source]
        source: FitError,
    },
}

/// One method at one origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestRow {
    /// Method: `fit`, `seasonal-naive`, `mean-4`, `median-8`.
    pub method: String,
    /// First forecast day.
    pub origin: Date,
    /// Mean absolute percentage error of daily totals per channel.
    pub daily_mape: f64,
    /// Weighted absolute percentage error of interval volumes.
    pub interval_wape: f64,
    /// Relative bias of the total.
    pub bias: f64,
    /// Share of the intervals whose actual volume lies inside the 80%
    /// prediction interval (`fit` only; NaN for the baselines).
    pub coverage_80: f64,
}

/// The methods, in the order reported.
pub const METHODS: [&str; 5] = ["fit", "seasonal-naive", "mean-4", "median-8", "ets"];

type Key = (String, Date, Time);

/// Runs the backtest.
pub fn backtest(
    history: &Forecast,
    opts: &BacktestOptions,
) -> Result<Vec<BacktestRow>, BacktestError> {
    if opts.origins == 0 || opts.horizon_days == 0 || opts.step_days == 0 {
        return Err(BacktestError::Options(
            "BacktestOptions.origins and BacktestOptions.horizon_days must be at least 1 (and the step between origins)".into(),
        ));
    }
    let (Some(first), Some(last)) = (
        history.rows.iter().map(|r| r.date).min(),
        history.rows.iter().map(|r| r.date).max(),
    ) else {
        return Err(BacktestError::Options("the history has no rows".into()));
    };
    let days = i64::from((last - first).get_days()) + 1;
    let need =
        14 + i64::from(opts.horizon_days) + (opts.origins as i64 - 1) * i64::from(opts.step_days);
    if days < need {
        return Err(BacktestError::TooShort {
            days,
            origins: opts.origins,
            horizon: opts.horizon_days,
            need,
        });
    }
    let actual: BTreeMap<Key, f64> = history
        .rows
        .iter()
        .map(|r| ((r.channel.clone(), r.date, r.time), r.volume))
        .collect();
    let channels: BTreeSet<&str> = history.rows.iter().map(|r| r.channel.as_str()).collect();
    let times: BTreeSet<Time> = history.rows.iter().map(|r| r.time).collect();
    let add = |d: Date, n: i64| d.checked_add(jiff::Span::new().days(n)).unwrap_or(d);
    let mut out = Vec::new();
    for k in 0..opts.origins {
        let back = i64::from(opts.horizon_days)
            + (opts.origins - 1 - k) as i64 * i64::from(opts.step_days);
        let origin = add(last, 1 - back);
        let end = add(origin, i64::from(opts.horizon_days) - 1);
        let test: Vec<&ForecastRow> = history
            .rows
            .iter()
            .filter(|r| r.date >= origin && r.date <= end)
            .collect();
        // fit on the training data.
        let train = Forecast {
            interval_min: history.interval_min,
            rows: history
                .rows
                .iter()
                .filter(|r| r.date < origin)
                .cloned()
                .collect(),
        };
        let mut fo = opts.fit.clone();
        fo.holdout_days = 0;
        let report = fit(&train, &fo).map_err(|source| BacktestError::Fit { origin, source })?;
        let f = report
            .scenario
            .forecast(origin, end)
            .map_err(|e| BacktestError::Options(format!("forecast at origin {origin}: {e}")))?;
        let fitted: BTreeMap<Key, f64> = f
            .rows
            .iter()
            .map(|r| ((r.channel.clone(), r.date, r.time), r.volume))
            .collect();
        // The same-weekday history before the origin, per (channel, time).
        let past = |ch: &str, d: Date, t: Time, n: usize| -> Vec<f64> {
            let mut v = Vec::new();
            let mut w = 1;
            while v.len() < n && w < 60 {
                let dd = add(d, -7 * w);
                if dd < origin {
                    if let Some(x) = actual.get(&(ch.to_string(), dd, t)) {
                        v.push(*x);
                    }
                }
                w += 1;
            }
            v
        };
        // ETS on daily totals, per channel: the daily forecasts.
        let mut ets_days: BTreeMap<(&str, Date), f64> = BTreeMap::new();
        for ch in &channels {
            let totals = daily_totals(&actual, ch, first, origin, &times);
            let h = opts.horizon_days as usize;
            let fc = ets_forecast(&totals, h);
            for (j, v) in fc.into_iter().enumerate() {
                ets_days.insert((ch, add(origin, j as i64)), v);
            }
        }
        // Each weekday's shares of the day over its last 4 occurrences
        // before the origin, per channel: what ETS's daily totals are spread by.
        let mut ets_shares: BTreeMap<(&str, usize, Time), f64> = BTreeMap::new();
        for ch in &channels {
            for back in 1..=7 {
                let last_same = add(origin, -back);
                let wd = crate::core::calendar::weekday_index(last_same);
                let mut sums: BTreeMap<Time, f64> = BTreeMap::new();
                for w in 0..4 {
                    let dd = add(last_same, -7 * w);
                    for &t in &times {
                        if let Some(x) = actual.get(&(ch.to_string(), dd, t)) {
                            *sums.entry(t).or_default() += x;
                        }
                    }
                }
                let day: f64 = sums.values().sum();
                if day > 0.0 {
                    for (t, v) in sums {
                        ets_shares.insert((ch, wd, t), v / day);
                    }
                }
            }
        }
        for method in METHODS {
            let mut pred: BTreeMap<Key, f64> = BTreeMap::new();
            for ch in &channels {
                let mut d = origin;
                while d <= end {
                    for &t in &times {
                        let v = match method {
                            "fit" => fitted.get(&(ch.to_string(), d, t)).copied().unwrap_or(0.0),
                            "seasonal-naive" => past(ch, d, t, 1).first().copied().unwrap_or(0.0),
                            "ets" => {
                                // The day's total × the interval's share of
                                // the last 4 same weekdays before the origin.
                                let total = ets_days.get(&(*ch, d)).copied().unwrap_or(0.0);
                                let wd = crate::core::calendar::weekday_index(d);
                                ets_shares
                                    .get(&(*ch, wd, t))
                                    .map_or(0.0, |share| total * share)
                            }
                            "mean-4" => {
                                let p = past(ch, d, t, 4);
                                if p.is_empty() {
                                    0.0
                                } else {
                                    p.iter().sum::<f64>() / p.len() as f64
                                }
                            }
                            _ => {
                                let mut p = past(ch, d, t, 8);
                                p.sort_by(f64::total_cmp);
                                match p.len() {
                                    0 => 0.0,
                                    n if n % 2 == 1 => p[n / 2],
                                    n => (p[n / 2 - 1] + p[n / 2]) / 2.0,
                                }
                            }
                        };
                        pred.insert((ch.to_string(), d, t), v);
                    }
                    d = add(d, 1);
                }
            }
            let mut row = score(method, origin, &test, &pred);
            if method == "fit" {
                let inside = test
                    .iter()
                    .filter(|r| {
                        let mean = fitted
                            .get(&(r.channel.clone(), r.date, r.time))
                            .copied()
                            .unwrap_or(0.0);
                        let od = report.scenario.overdispersion(&r.channel);
                        let lo = crate::models::arrivals::count_quantile(mean, od, 0.1);
                        let hi = crate::models::arrivals::count_quantile(mean, od, 0.9);
                        r.volume >= lo && r.volume <= hi
                    })
                    .count();
                row.coverage_80 = inside as f64 / test.len().max(1) as f64;
            }
            out.push(row);
        }
    }
    Ok(out)
}

/// The daily totals of `ch` from `first` to the day before `origin`, a
/// missing day filled with the same weekday a week before (or 0).
fn daily_totals(
    actual: &BTreeMap<Key, f64>,
    ch: &str,
    first: Date,
    origin: Date,
    times: &BTreeSet<Time>,
) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let mut d = first;
    while d < origin {
        let mut any = false;
        let mut sum = 0.0;
        for &t in times {
            if let Some(x) = actual.get(&(ch.to_string(), d, t)) {
                any = true;
                sum += x;
            }
        }
        let v = if any {
            sum
        } else if out.len() >= 7 {
            out[out.len() - 7]
        } else {
            0.0
        };
        out.push(v);
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    out
}

/// `h` daily forecasts by AutoETS with a weekly season; the mean of the
/// last 4 same weekdays if the series is too short or no model fits.
fn ets_forecast(totals: &[f64], h: usize) -> Vec<f64> {
    use augurs_core::{Fit, Predict};
    let fallback = || -> Vec<f64> {
        (0..h)
            .map(|j| {
                let vals: Vec<f64> = (1..=4)
                    .filter_map(|w| {
                        let back = 7 * w;
                        let idx = totals.len() as i64 + (j as i64 % 7) - back as i64;
                        (idx >= 0).then(|| totals[idx as usize])
                    })
                    .collect();
                if vals.is_empty() {
                    0.0
                } else {
                    vals.iter().sum::<f64>() / vals.len() as f64
                }
            })
            .collect()
    };
    if totals.len() < 21 || h == 0 {
        return fallback();
    }
    let Ok(model) = augurs_ets::AutoETS::new(7, "ZZZ") else {
        return fallback();
    };
    match model.fit(totals).and_then(|m| m.predict(h, None)) {
        Ok(f) if f.point.len() == h && f.point.iter().all(|v| v.is_finite()) => {
            f.point.into_iter().map(|v| v.max(0.0)).collect()
        }
        _ => fallback(),
    }
}

fn score(
    method: &str,
    origin: Date,
    test: &[&ForecastRow],
    pred: &BTreeMap<Key, f64>,
) -> BacktestRow {
    let (mut abs, mut sum_a, mut sum_f) = (0.0, 0.0, 0.0);
    let mut daily: BTreeMap<(&str, Date), (f64, f64)> = BTreeMap::new();
    for r in test {
        let f = pred
            .get(&(r.channel.clone(), r.date, r.time))
            .copied()
            .unwrap_or(0.0);
        abs += (f - r.volume).abs();
        sum_a += r.volume;
        sum_f += f;
        let e = daily.entry((r.channel.as_str(), r.date)).or_default();
        e.0 += f;
        e.1 += r.volume;
    }
    let apes: Vec<f64> = daily
        .values()
        .filter(|(_, a)| *a > 0.0)
        .map(|(f, a)| (f - a).abs() / a)
        .collect();
    let ratio = |x: f64| if sum_a > 0.0 { x / sum_a } else { f64::NAN };
    BacktestRow {
        method: method.to_string(),
        origin,
        daily_mape: if apes.is_empty() {
            f64::NAN
        } else {
            apes.iter().sum::<f64>() / apes.len() as f64
        },
        interval_wape: ratio(abs),
        bias: ratio(sum_f - sum_a),
        coverage_80: f64::NAN,
    }
}

/// Writes the backtest CSV: `method,origin,daily_mape,interval_wape,bias,coverage_80`.
impl crate::io::table::CsvRow for BacktestRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("method", |r| r.method.clone()),
        ("origin", |r| r.origin.to_string()),
        ("daily_mape", |r| {
            crate::core::textio::fmt_cell(r.daily_mape, 4)
        }),
        ("interval_wape", |r| {
            crate::core::textio::fmt_cell(r.interval_wape, 4)
        }),
        ("bias", |r| crate::core::textio::fmt_cell(r.bias, 4)),
        ("coverage_80", |r| {
            crate::core::textio::fmt_cell(r.coverage_80, 4)
        }),
    ];
}

/// Writes the table (columns: [`BacktestRow`]'s `CsvRow`).
pub fn write_backtest<W: std::io::Write>(w: W, rows: &[BacktestRow]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_is_scored_against_the_baselines_on_a_synthetic_history() {
        let s = crate::demand::scenario::Scenario::parse(
            "[channel.phone]\ndaily_volume = 3000\naht_s = 240\n",
            "s.toml",
        )
        .unwrap();
        let h = s
            .forecast("2026-01-05".parse().unwrap(), "2026-03-29".parse().unwrap())
            .unwrap();
        let poisson = crate::models::arrivals::sample_forecast(&h, Default::default(), 3).unwrap();
        let opts = BacktestOptions {
            origins: 2,
            horizon_days: 14,
            ..BacktestOptions::default()
        };
        let rows = backtest(&poisson, &opts).unwrap();
        assert_eq!(rows.len(), 2 * METHODS.len());
        assert!(rows.iter().any(|r| r.method == "ets"));
        for r in &rows {
            assert!(
                r.interval_wape.is_finite() && r.interval_wape < 0.5,
                "{r:?}"
            );
            assert!(r.bias.abs() < 0.1, "{r:?}");
        }
        // On Poisson counts of a stable scenario, fit (the true shape) beats
        // the noisy seasonal naive on interval WAPE at every origin.
        for o in rows.iter().map(|r| r.origin).collect::<BTreeSet<_>>() {
            let w = |m: &str| {
                rows.iter()
                    .find(|r| r.origin == o && r.method == m)
                    .unwrap()
                    .interval_wape
            };
            assert!(w("fit") < w("seasonal-naive"), "{o}");
            assert!(w("fit") < w("mean-4"), "{o}");
        }
        // With overdispersion, fit estimates it, and its 80% interval covers
        // about 80% of the held-out intervals.
        let od = crate::models::arrivals::Overdispersion {
            day_cv: 0.08,
            interval_cv: 0.1,
        };
        let noisy = crate::models::arrivals::sample_forecast(&h, od, 4).unwrap();
        let rows = backtest(&noisy, &opts).unwrap();
        for r in rows.iter().filter(|r| r.method == "fit") {
            assert!((0.7..=0.9).contains(&r.coverage_80), "{r:?}");
        }
        let h = poisson;
        let e = backtest(
            &h,
            &BacktestOptions {
                origins: 20,
                ..BacktestOptions::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("BacktestOptions.origins"), "{e}");
    }
}
