//! The random arrival process the simulator samples from.
//!
//! Contacts of one channel arrive as a non-homogeneous Poisson process whose
//! rate is constant within each interval: `λ_i = volume_i / interval_s`.
//! [`ArrivalProcess::stream`] draws the arrival times, exactly: gaps are
//! exponential with the current interval's rate, and a gap that crosses into
//! the next interval is redrawn from the boundary with the new rate, which
//! by memorylessness is the exact process (no thinning, no discretisation).
//!
//! # Overdispersion
//! Real daily volumes vary more than Poisson. With [`Overdispersion`] each
//! day's rates are multiplied by a busyness factor `G_day ~ Gamma(k, 1/k)`
//! (mean 1, coefficient of variation `day_cv`, `k = 1/day_cv²`), and
//! optionally each interval's by an independent `G_int` with `interval_cv`.
//! An interval's count is then mixed Poisson with
//! `Var(N) = λ + λ²·((1 + day_cv²)(1 + interval_cv²) − 1)` for mean `λ`.
//!
//! Randomness is passed in: every sampler takes the generator as an
//! argument. [`stream_rng`] gives the portable generator of stream `i` of a
//! seed, so results do not depend on how work is split across threads.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1, Gamma};
use serde::{Deserialize, Serialize};

/// The crate's random generator: xoshiro256++, portable and fast.
pub type WfmRng = rand_xoshiro::Xoshiro256PlusPlus;

/// The generator of stream `stream` (a replication, a channel) of `seed`:
/// xoshiro256++ seeded through SplitMix64 from a mix of both numbers.
///
/// ```
/// use rand::RngExt;
/// let mut a = wfm::models::arrivals::stream_rng(1, 0);
/// let mut b = wfm::models::arrivals::stream_rng(1, 0);
/// assert_eq!(a.random::<u64>(), b.random::<u64>());
/// ```
pub fn stream_rng(seed: u64, stream: u64) -> WfmRng {
    // A 64-bit mix (SplitMix64's finaliser) so that (seed, stream) pairs
    // that differ in one bit give unrelated seeds.
    let mut z = seed ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    WfmRng::seed_from_u64(z)
}

/// Extra-Poisson variation: gamma-distributed busyness factors.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Overdispersion {
    /// Coefficient of variation of a day-level busyness factor on arrivals
    /// (0 = none)
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.0, value_name = "CV"))]
    pub day_cv: f64,
    /// Coefficient of variation of an interval-level busyness factor (0 =
    /// none)
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.0, value_name = "CV"))]
    pub interval_cv: f64,
}

/// Why an arrival process cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrivalError {
    /// A volume that is negative or not finite.
    #[error("interval {index}: volume must be a finite number >= 0, got {value}")]
    Volume {
        /// Interval index.
        index: usize,
        /// The value.
        value: f64,
    },
    /// An interval length of zero or one that does not divide a day.
    #[error("interval must be a whole number of minutes that divides a day, got {0}")]
    Interval(u32),
    /// A coefficient of variation that is negative or not finite.
    #[error("{which} must be a finite number >= 0, got {value}")]
    Cv {
        /// `day_cv` or `interval_cv`.
        which: &'static str,
        /// The value.
        value: f64,
    },
}

/// Arrivals of one channel over consecutive intervals, the first starting at
/// 00:00 of a day (which is where day-level busyness factors change).
#[derive(Debug, Clone)]
pub struct ArrivalProcess {
    interval_s: f64,
    rates: Vec<f64>,
    intervals_per_day: usize,
    day: Option<Gamma<f64>>,
    interval: Option<Gamma<f64>>,
    overdispersion: Overdispersion,
}

fn mean_one_gamma(cv: f64, which: &'static str) -> Result<Option<Gamma<f64>>, ArrivalError> {
    if !(cv.is_finite() && cv >= 0.0) {
        return Err(ArrivalError::Cv { which, value: cv });
    }
    if cv == 0.0 {
        return Ok(None);
    }
    let k = 1.0 / (cv * cv);
    Gamma::new(k, 1.0 / k)
        .map(Some)
        .map_err(|_| ArrivalError::Cv { which, value: cv })
}

impl ArrivalProcess {
    /// A process with `volumes[i]` expected contacts in interval i of
    /// `interval_min` minutes.
    pub fn new(volumes: &[f64], interval_min: u32) -> Result<Self, ArrivalError> {
        if crate::core::grid::check_interval_min(interval_min).is_err() {
            return Err(ArrivalError::Interval(interval_min));
        }
        let interval_s = interval_min as f64 * 60.0;
        let mut rates = Vec::with_capacity(volumes.len());
        for (index, &v) in volumes.iter().enumerate() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(ArrivalError::Volume { index, value: v });
            }
            rates.push(v / interval_s);
        }
        Ok(Self {
            interval_s,
            rates,
            intervals_per_day: crate::core::grid::intervals_per_day(interval_min),
            day: None,
            interval: None,
            overdispersion: Overdispersion::default(),
        })
    }

    /// The same process with gamma busyness factors.
    pub fn with_overdispersion(mut self, o: Overdispersion) -> Result<Self, ArrivalError> {
        self.day = mean_one_gamma(o.day_cv, "day_cv")?;
        self.interval = mean_one_gamma(o.interval_cv, "interval_cv")?;
        self.overdispersion = o;
        Ok(self)
    }

    /// The overdispersion in force.
    pub fn overdispersion(&self) -> Overdispersion {
        self.overdispersion
    }

    /// Number of intervals.
    pub fn intervals(&self) -> usize {
        self.rates.len()
    }

    /// Interval length, seconds.
    pub fn interval_s(&self) -> f64 {
        self.interval_s
    }

    /// End of the last interval, seconds from the start.
    pub fn horizon_s(&self) -> f64 {
        self.rates.len() as f64 * self.interval_s
    }

    /// Expected arrivals in interval i (before busyness factors).
    pub fn expected(&self, i: usize) -> f64 {
        self.rates[i] * self.interval_s
    }

    /// The arrival times, seconds from the start of the first interval, in
    /// increasing order.
    ///
    /// ```
    /// use wfm::models::arrivals::{stream_rng, ArrivalProcess};
    /// // 120 contacts expected in each of two half hours.
    /// let p = ArrivalProcess::new(&[120.0, 120.0], 30).unwrap();
    /// let mut rng = stream_rng(7, 0);
    /// let times: Vec<f64> = p.stream(&mut rng).collect();
    /// assert!(times.windows(2).all(|w| w[0] <= w[1]));
    /// assert!(times.iter().all(|&t| t < 3600.0));
    /// assert!((180..=300).contains(&times.len()));
    /// ```
    pub fn stream<'a, R: Rng + ?Sized>(&'a self, rng: &'a mut R) -> ArrivalStream<'a, R> {
        let cursor = ArrivalCursor::start(self, rng);
        ArrivalStream {
            p: self,
            rng,
            cursor,
        }
    }

    /// Arrivals per interval, by drawing the stream.
    pub fn counts<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<u32> {
        let mut counts = vec![0u32; self.rates.len()];
        for t in self.stream(rng) {
            let i = ((t / self.interval_s) as usize).min(counts.len() - 1);
            counts[i] += 1;
        }
        counts
    }
}

/// An iterator over arrival times; see [`ArrivalProcess::stream`].
pub struct ArrivalStream<'a, R: Rng + ?Sized> {
    p: &'a ArrivalProcess,
    rng: &'a mut R,
    cursor: ArrivalCursor,
}

impl<R: Rng + ?Sized> Iterator for ArrivalStream<'_, R> {
    type Item = f64;

    #[inline]
    fn next(&mut self) -> Option<f64> {
        self.cursor.next(self.p, self.rng)
    }
}

/// The position in an arrival process, without borrowing it or the
/// generator: the simulator keeps one per channel and draws the next
/// arrival on demand with [`ArrivalCursor::next`].
#[derive(Debug, Clone)]
pub struct ArrivalCursor {
    idx: usize,
    t: f64,
    end: f64,
    inv_rate: f64,
    day_factor: f64,
}

impl ArrivalCursor {
    /// A cursor at the start of `p`, drawing the first busyness factors.
    pub fn start<R: Rng + ?Sized>(p: &ArrivalProcess, rng: &mut R) -> Self {
        let mut c = ArrivalCursor {
            idx: 0,
            t: 0.0,
            end: 0.0,
            inv_rate: f64::INFINITY,
            day_factor: 1.0,
        };
        c.enter(p, rng, 0);
        c
    }

    /// Moves to the start of interval `idx`, drawing its busyness.
    fn enter<R: Rng + ?Sized>(&mut self, p: &ArrivalProcess, rng: &mut R, idx: usize) {
        self.idx = idx;
        if idx >= p.rates.len() {
            return;
        }
        if idx % p.intervals_per_day == 0 {
            if let Some(g) = &p.day {
                self.day_factor = g.sample(rng);
            }
        }
        let mut rate = p.rates[idx] * self.day_factor;
        if let Some(g) = &p.interval {
            rate *= g.sample(rng);
        }
        self.t = idx as f64 * p.interval_s;
        self.end = self.t + p.interval_s;
        self.inv_rate = if rate > 0.0 {
            1.0 / rate
        } else {
            f64::INFINITY
        };
    }

    /// The next arrival time of `p` (seconds from its start), or `None` past its end.
    #[inline]
    pub fn next<R: Rng + ?Sized>(&mut self, p: &ArrivalProcess, rng: &mut R) -> Option<f64> {
        while self.idx < p.rates.len() {
            if self.inv_rate.is_finite() {
                let gap: f64 = Exp1.sample(rng);
                self.t += gap * self.inv_rate;
                if self.t < self.end {
                    return Some(self.t);
                }
            }
            // The gap crossed the boundary: by memorylessness, start afresh there.
            self.enter(p, rng, self.idx + 1);
        }
        None
    }
}

/// A forecast's volumes replaced by random counts drawn from its arrival
/// processes (one per channel, stream k of `seed` for the k-th channel by
/// name): a synthetic history, or one possible day for a what-if.
///
/// Each channel's rows are placed on the grid from 00:00 of the forecast's
/// first date, so day-level busyness changes at midnight; intervals the
/// forecast does not list have no arrivals.
pub fn sample_forecast(
    forecast: &crate::demand::forecast::Forecast,
    overdispersion: Overdispersion,
    seed: u64,
) -> Result<crate::demand::forecast::Forecast, ArrivalError> {
    use crate::core::textio::minute_of_day;
    let im = forecast.interval_min;
    if crate::core::grid::check_interval_min(im).is_err() {
        return Err(ArrivalError::Interval(im));
    }
    let m = crate::core::grid::intervals_per_day(im);
    let mut out = forecast.clone();
    let Some(first) = forecast.rows.iter().map(|r| r.date).min() else {
        return Ok(out);
    };
    let slot = |r: &crate::demand::forecast::ForecastRow| {
        (r.date - first).get_days() as usize * m + (minute_of_day(r.time) / im) as usize
    };
    let mut names: Vec<&str> = forecast.rows.iter().map(|r| r.channel.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for (k, name) in names.iter().enumerate() {
        let idx: Vec<usize> = (0..forecast.rows.len())
            .filter(|&i| forecast.rows[i].channel == *name)
            .collect();
        let n = idx
            .iter()
            .map(|&i| slot(&forecast.rows[i]))
            .max()
            .unwrap_or(0)
            + 1;
        let mut vols = vec![0.0; n];
        for &i in &idx {
            vols[slot(&forecast.rows[i])] = forecast.rows[i].volume;
        }
        let p = ArrivalProcess::new(&vols, im)?.with_overdispersion(overdispersion)?;
        let counts = p.counts(&mut stream_rng(seed, k as u64));
        for &i in &idx {
            out.rows[i].volume = counts[slot(&forecast.rows[i])] as f64;
        }
    }
    Ok(out)
}

/// The `q`-quantile of the contacts of an interval with expected volume
/// `mean`, under the overdispersion `od`: a Poisson count whose rate is
/// scaled by a day-level and an interval-level gamma factor of mean 1
/// (see [`Overdispersion`]), approximated by the negative binomial with the
/// same mean and variance, `λ + λ²·c²` with `c² = (1+day_cv²)(1+interval_cv²) − 1`
/// (Poisson when `c = 0`). Returns a whole number of contacts; 0 for `mean ≤ 0`.
///
/// ```
/// use wfm::models::arrivals::{count_quantile, Overdispersion};
/// let od = Overdispersion { day_cv: 0.1, interval_cv: 0.05 };
/// let (lo, hi) = (count_quantile(100.0, od, 0.1), count_quantile(100.0, od, 0.9));
/// assert!(lo < 100.0 && hi > 100.0 && hi - lo > 20.0);
/// ```
pub fn count_quantile(mean: f64, od: Overdispersion, q: f64) -> f64 {
    use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};
    if !(mean > 0.0 && mean.is_finite() && (0.0..=1.0).contains(&q)) {
        return 0.0;
    }
    let c2 = (1.0 + od.day_cv * od.day_cv) * (1.0 + od.interval_cv * od.interval_cv) - 1.0;
    let sd = (mean + mean * mean * c2.max(0.0)).sqrt();
    // Past a hundred thousand contacts the count is normal to well within
    // one contact (skewness below 0.003 for Poisson), and the exact CDF's
    // series get slow: the normal quantile, with the continuity correction.
    if mean > 1e5 {
        use statrs::distribution::{ContinuousCDF, Normal};
        return match Normal::new(mean, sd) {
            Ok(n) => (n.inverse_cdf(q) - 0.5).ceil().max(0.0),
            Err(_) => mean.round(),
        };
    }
    let cdf: Box<dyn Fn(u64) -> f64> = if c2 > 1e-12 {
        let r = 1.0 / c2;
        match NegativeBinomial::new(r, r / (r + mean)) {
            Ok(d) => Box::new(move |x| d.cdf(x)),
            Err(_) => return mean.round(),
        }
    } else {
        match Poisson::new(mean) {
            Ok(d) => Box::new(move |x| d.cdf(x)),
            Err(_) => return mean.round(),
        }
    };
    // The smallest k with cdf(k) ≥ q, by bisection within mean ± 12 sd.
    let (mut lo, mut hi) = (0u64, (mean + 12.0 * sd + 10.0).ceil() as u64);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_var(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        (m, v)
    }

    /// Past 1e5 contacts the quantile is the normal one: checked against
    /// the Cornish-Fisher expansion of the Poisson quantile,
    /// `λ + z√λ + (z² − 1)/6`, within one contact.
    #[test]
    fn large_means_use_the_normal_quantile() {
        let lambda: f64 = 1e6;
        for (q, z) in [
            (0.9, 1.281_551_565_545),
            (0.1, -1.281_551_565_545),
            (0.5, 0.0),
        ] {
            let cf = lambda + z * lambda.sqrt() + (z * z - 1.0) / 6.0;
            let got = count_quantile(lambda, Overdispersion::default(), q);
            assert!((got - cf).abs() <= 1.0, "q {q}: {got} vs {cf}");
        }
    }

    #[test]
    fn counts_are_poisson_at_a_fixed_seed() {
        // 2,000 intervals of mean 25: the sample mean and the variance/mean
        // ratio are within 4 standard errors of their Poisson values.
        let vols = vec![25.0; 2000];
        let p = ArrivalProcess::new(&vols, 30).unwrap();
        let counts: Vec<f64> = p
            .counts(&mut stream_rng(42, 0))
            .into_iter()
            .map(f64::from)
            .collect();
        let (m, v) = mean_var(&counts);
        let se_mean = (25.0_f64 / 2000.0).sqrt();
        assert!((m - 25.0).abs() < 4.0 * se_mean, "mean {m}");
        // Var of the sample variance of Poisson ≈ (λ + 2λ²)/n.
        let se_var = ((25.0 + 2.0 * 625.0) / 2000.0_f64).sqrt();
        assert!((v - 25.0).abs() < 4.0 * se_var, "var {v}");
    }

    #[test]
    fn rates_follow_the_intervals_over_many_seeds() {
        // A peaked profile with a zero interval: the mean count of each
        // interval over 400 seeds matches its volume.
        let vols = [0.0, 3.0, 40.0, 120.0, 7.5, 0.0];
        let p = ArrivalProcess::new(&vols, 15).unwrap();
        let runs = 400;
        let mut sums = [0.0; 6];
        for seed in 0..runs {
            for (s, c) in sums.iter_mut().zip(p.counts(&mut stream_rng(seed, 3))) {
                *s += c as f64;
            }
        }
        for (i, &v) in vols.iter().enumerate() {
            let m = sums[i] / runs as f64;
            let se = (v / runs as f64).sqrt();
            assert!(
                (m - v).abs() <= 4.0 * se + 1e-12,
                "interval {i}: mean {m} vs {v}"
            );
        }
    }

    #[test]
    fn overdispersion_adds_the_right_variance() {
        // Day-level CV 0.2 over 48 half-hours of mean 10: across 3,000 days
        // the daily total has variance Λ + Λ²·0.04 with Λ = 480.
        let vols = vec![10.0; 48 * 3000];
        let p = ArrivalProcess::new(&vols, 30)
            .unwrap()
            .with_overdispersion(Overdispersion {
                day_cv: 0.2,
                interval_cv: 0.0,
            })
            .unwrap();
        let counts = p.counts(&mut stream_rng(5, 1));
        let days: Vec<f64> = counts
            .chunks(48)
            .map(|c| c.iter().map(|&x| x as f64).sum())
            .collect();
        let (m, v) = mean_var(&days);
        let want = 480.0 + 480.0 * 480.0 * 0.04;
        assert!(
            (m - 480.0).abs() < 4.0 * (want / 3000.0_f64).sqrt(),
            "mean {m}"
        );
        assert!((v / want - 1.0).abs() < 0.1, "var {v} want {want}");
        // Interval-level CV 0.3 on its own: Var = λ + λ²·0.09 per interval.
        let p = ArrivalProcess::new(&vec![10.0; 20_000], 30)
            .unwrap()
            .with_overdispersion(Overdispersion {
                day_cv: 0.0,
                interval_cv: 0.3,
            })
            .unwrap();
        let c: Vec<f64> = p
            .counts(&mut stream_rng(6, 1))
            .into_iter()
            .map(f64::from)
            .collect();
        let (_, v) = mean_var(&c);
        assert!((v / 19.0 - 1.0).abs() < 0.06, "var {v}");
    }

    #[test]
    fn same_seed_same_stream() {
        let p = ArrivalProcess::new(&[50.0; 10], 30).unwrap();
        let a: Vec<f64> = p.stream(&mut stream_rng(9, 2)).collect();
        let b: Vec<f64> = p.stream(&mut stream_rng(9, 2)).collect();
        let c: Vec<f64> = p.stream(&mut stream_rng(9, 3)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(matches!(
            ArrivalProcess::new(&[1.0, -2.0], 30),
            Err(ArrivalError::Volume { index: 1, .. })
        ));
        assert!(matches!(
            ArrivalProcess::new(&[1.0], 7),
            Err(ArrivalError::Interval(7))
        ));
        let p = ArrivalProcess::new(&[1.0], 30).unwrap();
        assert!(p
            .with_overdispersion(Overdispersion {
                day_cv: -0.1,
                interval_cv: 0.0
            })
            .is_err());
    }

    /// Quantiles against exact values summed independently from the
    /// Poisson and negative-binomial probability masses (log-space, Python
    /// `math.lgamma`): the smallest k with cdf(k) ≥ q.
    #[test]
    fn count_quantiles_match_exact_values() {
        let none = Overdispersion::default();
        for (mean, lo, hi) in [
            (3.2, 1.0, 6.0),
            (100.0, 87.0, 113.0),
            (2500.0, 2436.0, 2564.0),
        ] {
            assert_eq!(count_quantile(mean, none, 0.1), lo, "{mean}");
            assert_eq!(count_quantile(mean, none, 0.9), hi, "{mean}");
        }
        for (mean, day_cv, interval_cv, lo, hi) in [
            (100.0, 0.1, 0.05, 81.0, 120.0),
            (40.0, 0.3, 0.2, 21.0, 61.0),
            (2500.0, 0.08, 0.1, 2094.0, 2924.0),
        ] {
            let od = Overdispersion {
                day_cv,
                interval_cv,
            };
            assert_eq!(count_quantile(mean, od, 0.1), lo, "{mean}");
            assert_eq!(count_quantile(mean, od, 0.9), hi, "{mean}");
        }
        assert_eq!(count_quantile(0.0, none, 0.9), 0.0);
        assert_eq!(count_quantile(f64::NAN, none, 0.9), 0.0);
    }
}
