//! Streaming statistics of a replication and their summary across
//! replications with 95% confidence intervals.
//!
//! A replication keeps counters per (interval, channel) and a histogram of
//! the waits of answered contacts: 1-second bins below a minute, 2%-wide bins
//! above (up to a week), each grown only as far as its longest wait, so
//! memory depends on the grid and the waits, not on the number of contacts. Percentiles are read from the histogram with linear
//! interpolation inside a bin.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Bins: 0 = no wait; 1..=60 = 1-second bins; then 2%-wide bins from 60 s.
const LOG_BINS: usize = 470;
/// Number of histogram bins.
pub(super) const BINS: usize = 61 + LOG_BINS;
const LOG_STEP: f64 = 0.019_802_627_296_179_7; // ln(1.02)

/// The bin of a wait in seconds.
#[inline]
pub(super) fn hist_bin(w: f64) -> usize {
    if w <= 0.0 {
        0
    } else if w < 60.0 {
        1 + w as usize
    } else {
        (61 + ((w / 60.0).ln() / LOG_STEP) as usize).min(BINS - 1)
    }
}

fn bin_edges(b: usize) -> (f64, f64) {
    if b == 0 {
        (0.0, 0.0)
    } else if b <= 60 {
        ((b - 1) as f64, b as f64)
    } else {
        let k = (b - 61) as f64;
        (
            60.0 * (k * LOG_STEP).exp(),
            60.0 * ((k + 1.0) * LOG_STEP).exp(),
        )
    }
}

/// The q-quantile of a histogram (NaN when empty).
pub(super) fn quantile(hist: &[u32], q: f64) -> f64 {
    let n: u64 = hist.iter().map(|&x| x as u64).sum();
    if n == 0 {
        return f64::NAN;
    }
    let target = q * n as f64;
    let mut cum = 0.0;
    for (b, &x) in hist.iter().enumerate() {
        let next = cum + x as f64;
        if next >= target && x > 0 {
            let (lo, hi) = bin_edges(b);
            let frac = ((target - cum) / x as f64).clamp(0.0, 1.0);
            return lo + frac * (hi - lo);
        }
        cum = next;
    }
    bin_edges(BINS - 1).1
}

/// Counters of one (interval, channel) cell of one replication. Contacts
/// are counted in the interval they arrived in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Contacts arrived (first attempts and retries).
    pub offered: u32,
    /// Solved by the bot.
    pub bot_solved: u32,
    /// Answered live by an agent.
    pub answered: u32,
    /// Abandoned while waiting.
    pub abandoned: u32,
    /// Answered within the channel's `answer_within_s`.
    pub answered_within: u32,
    /// Abandoned within `answer_within_s`.
    pub abandoned_within: u32,
    /// Left a callback request instead of waiting.
    pub callbacks: u32,
    /// Callbacks made.
    pub callbacks_done: u32,
    /// Callbacks made later than the deadline.
    pub callbacks_late: u32,
    /// Arrivals that were retries of abandoned contacts.
    pub retries: u32,
    /// Deferred items and callback requests waiting at the interval's end.
    pub backlog: u32,
    /// Sum of waits of answered contacts, seconds.
    pub wait_sum: f64,
    /// Sum of waits of answered and abandoned contacts, seconds.
    pub wait_all_sum: f64,
}

impl Cell {
    fn add(&mut self, o: &Cell) {
        self.offered += o.offered;
        self.bot_solved += o.bot_solved;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.answered_within += o.answered_within;
        self.abandoned_within += o.abandoned_within;
        self.callbacks += o.callbacks;
        self.callbacks_done += o.callbacks_done;
        self.callbacks_late += o.callbacks_late;
        self.retries += o.retries;
        self.wait_sum += o.wait_sum;
        self.wait_all_sum += o.wait_all_sum;
    }
}

/// Everything one replication measured, while it runs.
#[derive(Debug, Clone)]
pub(super) struct RepStats {
    pub channels: usize,
    pub groups: usize,
    pub cells: Vec<Cell>,
    pub hist: Vec<Vec<u32>>,
    pub busy: Vec<f64>,
    pub capacity: Vec<f64>,
    pub in_system: Vec<u32>,
    pub callbacks_pending: Vec<u32>,
    pub start_busy: Vec<u32>,
    pub queue_area: Vec<f64>,
    pub served: Vec<u32>,
    pub campaign: Vec<[u32; 5]>,
}

impl RepStats {
    pub fn new(intervals: usize, channels: usize, groups: usize) -> Self {
        RepStats {
            channels,
            groups,
            cells: vec![Cell::default(); intervals * channels],
            hist: vec![Vec::new(); intervals * channels],
            busy: vec![0.0; intervals * groups],
            capacity: vec![0.0; intervals * groups],
            in_system: vec![0; channels],
            callbacks_pending: vec![0; channels],
            start_busy: vec![0; channels],
            queue_area: vec![0.0; channels],
            served: vec![0; groups * channels],
            campaign: vec![[0; 5]; intervals * channels],
        }
    }

    #[inline]
    pub fn hist_add(&mut self, iv: usize, c: usize, bin: usize) {
        let h = &mut self.hist[iv * self.channels + c];
        if bin >= h.len() {
            h.resize(bin + 1, 0);
        }
        h[bin] += 1;
    }

    /// Condenses the replication for summaries: counters, busy and
    /// capacity, and wait percentiles per interval, per period and overall.
    pub fn condense(self, periods: &[(usize, usize)]) -> Replication {
        let nc = self.channels;
        let intervals = self.cells.len() / nc.max(1);
        let pct = |hist: &[u32]| [quantile(hist, 0.9), quantile(hist, 0.95)];
        let mut interval_pct = Vec::with_capacity(intervals * nc);
        for h in &self.hist {
            interval_pct.push(pct(h));
        }
        let mut period_pct = Vec::with_capacity(periods.len() * nc);
        for &(a, b) in periods {
            for c in 0..nc {
                let mut h = vec![0u32; BINS];
                for iv in a..b {
                    for (x, y) in h.iter_mut().zip(&self.hist[iv * nc + c]) {
                        *x += y;
                    }
                }
                period_pct.push(pct(&h));
            }
        }
        Replication {
            channels: nc,
            groups: self.groups,
            cells: self.cells,
            busy: self.busy,
            capacity: self.capacity,
            interval_pct,
            period_pct,
            in_system: self.in_system,
            callbacks_pending: self.callbacks_pending,
            start_busy: self.start_busy,
            queue_area: self.queue_area,
            served: self.served,
            campaign: self.campaign,
        }
    }
}

/// What one replication measured, condensed: counters per (interval,
/// channel), busy and paid capacity per (interval, group), wait percentiles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Replication {
    /// Number of channels.
    pub channels: usize,
    /// Number of groups.
    pub groups: usize,
    /// Counters, indexed `interval · channels + channel`.
    pub cells: Vec<Cell>,
    /// Agent-seconds spent handling contacts, `interval · groups + group`.
    pub busy: Vec<f64>,
    /// Staffed slot-seconds (agents × concurrency × interval), same index.
    pub capacity: Vec<f64>,
    /// 90th and 95th percentile wait of answered contacts per cell.
    pub interval_pct: Vec<[f64; 2]>,
    /// The same per (period, channel) for the periods given (days, then all).
    pub period_pct: Vec<[f64; 2]>,
    /// Contacts still with the bot or waiting at the end, per channel.
    pub in_system: Vec<u32>,
    /// Callback requests not yet made at the end, per channel.
    pub callbacks_pending: Vec<u32>,
    /// Contacts in service at the start (start state), per channel.
    pub start_busy: Vec<u32>,
    /// Time integral of the number waiting, per channel (contact-seconds).
    pub queue_area: Vec<f64>,
    /// Contacts answered (and callbacks made) by each group, per channel,
    /// `group · channels + channel`, over the whole run.
    #[serde(default)]
    pub served: Vec<u32>,
    /// An outbound campaign's counters per cell (`interval · channels +
    /// channel`): right-party answers, accounts reached, accounts planned
    /// (at the day's start), predictive drops, connects (answers by anyone).
    #[serde(default)]
    pub campaign: Vec<[u32; 5]>,
}

/// A mean across replications with the half-width of its 95% confidence
/// interval (Student t with R − 1 degrees of freedom). NaN where no
/// replication defines the metric; the half-width is NaN with one replication.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean over the replications that define the metric.
    pub mean: f64,
    /// Half-width of the 95% confidence interval.
    pub ci95: f64,
}

impl Estimate {
    /// The estimate from per-replication values (NaNs are skipped).
    pub fn from_values(values: &[f64]) -> Self {
        let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                ci95: f64::NAN,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate {
                mean,
                ci95: f64::NAN,
            };
        }
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        Estimate {
            mean,
            ci95: t975(n - 1) * (var / n as f64).sqrt(),
        }
    }

    /// Whether `x` lies inside the interval.
    pub fn covers(&self, x: f64) -> bool {
        (x - self.mean).abs() <= self.ci95
    }
}

/// The 97.5% quantile of Student's t with `dof` degrees of freedom.
pub fn t975(dof: usize) -> f64 {
    StudentsT::new(0.0, 1.0, dof as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(1.959_963_984_540_054)
}

/// The simulated metrics of one channel over one period (an interval, a
/// day, or the whole run), each across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimMetrics {
    /// Contacts arrived (first attempts and retries).
    pub offered: Estimate,
    /// Solved by the bot.
    pub bot_solved: Estimate,
    /// Answered live by an agent.
    pub answered: Estimate,
    /// Abandoned while waiting.
    pub abandoned: Estimate,
    /// Service level by the channel's definition; callback requests are
    /// left out of it.
    pub service_level: Estimate,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: Estimate,
    /// Abandoned / (answered + abandoned).
    pub abandon_rate: Estimate,
    /// Busy slot time / available slot time of the groups serving the
    /// channel: the staffed slots plus the overtime of agents finishing a
    /// contact after their shift (so it never exceeds 1).
    pub occupancy: Estimate,
    /// Mean wait of answered and abandoned contacts, seconds.
    pub wait_mean_s: Estimate,
    /// 90th percentile wait of answered contacts, seconds.
    pub wait_p90_s: Estimate,
    /// 95th percentile wait of answered contacts, seconds.
    pub wait_p95_s: Estimate,
    /// Callback requests left.
    pub callbacks: Estimate,
    /// Callbacks made (of requests left in the period).
    pub callbacks_made: Estimate,
    /// Callbacks made after their deadline.
    pub callbacks_late: Estimate,
    /// Arrivals that were retries.
    pub retries: Estimate,
    /// Deferred items and callback requests waiting at the period's end.
    pub backlog: Estimate,
}

/// The metric names, in CSV order.
pub const METRICS: [&str; 16] = [
    "offered",
    "bot_solved",
    "answered",
    "abandoned",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "wait_mean_s",
    "wait_p90_s",
    "wait_p95_s",
    "callbacks",
    "callbacks_made",
    "callbacks_late",
    "retries",
    "backlog",
];

impl SimMetrics {
    /// The estimates in [`METRICS`] order.
    pub fn values(&self) -> [Estimate; 16] {
        [
            self.offered,
            self.bot_solved,
            self.answered,
            self.abandoned,
            self.service_level,
            self.asa_s,
            self.abandon_rate,
            self.occupancy,
            self.wait_mean_s,
            self.wait_p90_s,
            self.wait_p95_s,
            self.callbacks,
            self.callbacks_made,
            self.callbacks_late,
            self.retries,
            self.backlog,
        ]
    }
}

/// Summarises channel `c` over intervals `a..b` of every replication.
/// `pct(rep)` gives the replication's wait percentiles for that span;
/// `groups` are the groups serving the channel.
/// The one rule for "the simulated service misses a target", used by the
/// plan (to raise the requirement) and the review (to flag an interval).
///
/// An interval misses when the simulation is *confidently* worse than a
/// target: the service level's upper limit (mean + [`MISS_CI_FACTOR`] × the
/// 95% half-width) is below `service_level`, or the lower limit of the
/// abandonment rate is above `max_abandon`, or the lower limit of the ASA is
/// above `max_asa_s`. 1.5 × the 95% half-width is about a 99.7% one-sided
/// limit, so that among hundreds of intervals few are flagged by chance
/// alone. An interval where the simulation saw no contact cannot miss; a
/// metric that is undefined (NaN) does not count; a half-width that is
/// undefined (one replication) counts as 0.
pub fn misses_target(targets: &crate::models::staffing::Targets, m: &SimMetrics) -> bool {
    if m.offered.mean.is_nan() || m.offered.mean <= 0.0 {
        return false;
    }
    let margin = |e: Estimate| {
        if e.ci95.is_finite() {
            MISS_CI_FACTOR * e.ci95
        } else {
            0.0
        }
    };
    let low = |e: Estimate| e.mean - margin(e);
    let high = |e: Estimate| e.mean + margin(e);
    targets
        .service_level
        .is_some_and(|s| m.service_level.mean.is_finite() && high(m.service_level) < s)
        || targets
            .max_abandon
            .is_some_and(|x| m.abandon_rate.mean.is_finite() && low(m.abandon_rate) > x)
        || targets
            .max_asa_s
            .is_some_and(|x| m.asa_s.mean.is_finite() && low(m.asa_s) > x)
}

/// How many 95% half-widths [`misses_target`] allows (1.5).
pub const MISS_CI_FACTOR: f64 = 1.5;

/// Service level and abandonment rate of each replication over intervals
/// `a..b` of channel `c` (NaN where undefined): the per-replication values
/// behind [`summarize`]'s means, for paired comparisons of variants run
/// with common random numbers.
pub(super) fn replication_values(
    reps: &[Replication],
    c: usize,
    a: usize,
    b: usize,
    sl: crate::models::erlang::SlDefinition,
) -> Vec<[f64; 2]> {
    use crate::models::erlang::SlDefinition;
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
    reps.iter()
        .map(|r| {
            let mut s = Cell::default();
            for iv in a..b {
                if let Some(x) = r.cells.get(iv * r.channels + c) {
                    s.add(x);
                }
            }
            let human = (s.answered + s.abandoned) as f64;
            let level = match sl {
                SlDefinition::Offered => ratio(s.answered_within as f64, human),
                SlDefinition::Answered => ratio(s.answered_within as f64, s.answered as f64),
                SlDefinition::OfferedMinusEarlyAbandons => {
                    ratio(s.answered_within as f64, human - s.abandoned_within as f64)
                }
            };
            [level, ratio(s.abandoned as f64, human)]
        })
        .collect()
}

pub(super) fn summarize(
    reps: &[Replication],
    c: usize,
    a: usize,
    b: usize,
    groups: &[usize],
    sl: crate::models::erlang::SlDefinition,
    pct: &dyn Fn(&Replication) -> [f64; 2],
) -> SimMetrics {
    use crate::models::erlang::SlDefinition;
    let per = |f: &dyn Fn(&Replication, &Cell) -> f64| -> Estimate {
        if b <= a {
            return Estimate::from_values(&[]);
        }
        let vals: Vec<f64> = reps
            .iter()
            .map(|r| {
                // A replication built by hand with short vectors counts as
                // empty cells rather than a panic.
                let cell = |iv: usize| r.cells.get(iv * r.channels + c);
                let mut sum = Cell::default();
                for iv in a..b {
                    if let Some(x) = cell(iv) {
                        sum.add(x);
                    }
                }
                sum.backlog = cell(b - 1).map_or(0, |x| x.backlog);
                f(r, &sum)
            })
            .collect();
        Estimate::from_values(&vals)
    };
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
    SimMetrics {
        offered: per(&|_, s| s.offered as f64),
        bot_solved: per(&|_, s| s.bot_solved as f64),
        answered: per(&|_, s| s.answered as f64),
        abandoned: per(&|_, s| s.abandoned as f64),
        service_level: per(&|_, s| {
            let human = (s.answered + s.abandoned) as f64;
            match sl {
                SlDefinition::Offered => ratio(s.answered_within as f64, human),
                SlDefinition::Answered => ratio(s.answered_within as f64, s.answered as f64),
                SlDefinition::OfferedMinusEarlyAbandons => {
                    ratio(s.answered_within as f64, human - s.abandoned_within as f64)
                }
            }
        }),
        asa_s: per(&|_, s| ratio(s.wait_sum, s.answered as f64)),
        abandon_rate: per(&|_, s| ratio(s.abandoned as f64, (s.answered + s.abandoned) as f64)),
        occupancy: per(&|r, _| {
            let (mut busy, mut cap) = (0.0, 0.0);
            for iv in a..b {
                for &g in groups {
                    busy += r.busy.get(iv * r.groups + g).copied().unwrap_or(0.0);
                    cap += r.capacity.get(iv * r.groups + g).copied().unwrap_or(0.0);
                }
            }
            ratio(busy, cap)
        }),
        wait_mean_s: per(&|_, s| ratio(s.wait_all_sum, (s.answered + s.abandoned) as f64)),
        wait_p90_s: Estimate::from_values(&reps.iter().map(|r| pct(r)[0]).collect::<Vec<_>>()),
        wait_p95_s: Estimate::from_values(&reps.iter().map(|r| pct(r)[1]).collect::<Vec<_>>()),
        callbacks: per(&|_, s| s.callbacks as f64),
        callbacks_made: per(&|_, s| s.callbacks_done as f64),
        callbacks_late: per(&|_, s| s.callbacks_late as f64),
        retries: per(&|_, s| s.retries as f64),
        backlog: per(&|_, s| s.backlog as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_quantiles() {
        assert_eq!(hist_bin(0.0), 0);
        assert_eq!(hist_bin(0.5), 1);
        assert_eq!(hist_bin(59.9), 60);
        assert_eq!(hist_bin(60.0), 61);
        let mut h = vec![0u32; BINS];
        h[0] = 80; // 80% no wait
        h[hist_bin(10.5)] = 20; // 20% between 10 and 11 s
        assert_eq!(quantile(&h, 0.5), 0.0);
        let q = quantile(&h, 0.9);
        assert!((10.0..=11.0).contains(&q), "{q}");
        let (lo, hi) = bin_edges(hist_bin(1000.0));
        assert!(lo <= 1000.0 && 1000.0 < hi && hi / lo < 1.0201);
        assert!(bin_edges(BINS - 1).1 > 7.0 * 86400.0);
    }

    #[test]
    fn estimates_use_student_t() {
        let e = Estimate::from_values(&[1.0, 2.0, 3.0]);
        assert!((e.mean - 2.0).abs() < 1e-12);
        // t(0.975, 2) = 4.302652729911275, s = 1, n = 3.
        assert!((e.ci95 - 4.302_652_729_911_275 / 3f64.sqrt()).abs() < 1e-9);
        assert!(Estimate::from_values(&[5.0]).ci95.is_nan());
        assert!(Estimate::from_values(&[f64::NAN]).mean.is_nan());
    }
}
