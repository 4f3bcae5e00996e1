//! Exact queueing formulas: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M).
//!
//! All three describe one stationary interval: contacts arrive as a Poisson
//! process, handle times are exponential with mean `aht_s`, and `agents`
//! identical agents serve them first come, first served. The *offered load*
//! in Erlangs is `A = λ · aht_s`, where `λ` is the arrival rate per second;
//! for a forecast row it is `volume · aht_s / (interval_min · 60)`
//! ([`offered_load_erl`]).
//!
//! # Numerical method
//! No factorial or power is ever formed. Erlang B sums the weights of the
//! states below N relative to state N, `Π (i/A)`, from N downwards, rescaling
//! so that nothing overflows and stopping when the rest is below `1e-17` of
//! the sum (so the cost is `O(√A)` terms plus `N − A` when over-staffed, not
//! `O(N)`); all terms are positive, so rounding errors do not cancel. The
//! staffing search steps the classic stable recurrence
//! `B(k) = A·B(k−1) / (k + A·B(k−1))` forward from there. Erlang C follows
//! from B in closed form. Erlang A sums the birth–death chain of the queue
//! (a Kummer series), rescaling so that nothing overflows, and starting near
//! the peak of the series when the queue is heavily overloaded.
//!
//! Values are checked in `tests/erlang_reference.rs` against 50-digit
//! computations made independently with mpmath (incomplete gamma functions
//! and numerical integration).
//!
//! # References
//! - A. K. Erlang (1917); Erlang B recurrence: e.g. G. Koole, *Call Center
//!   Optimization* (2013), ch. 5.
//! - Erlang A: O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center
//!   with impatient customers", *MSOM* 4(3), 2002; A. Mandelbaum, S. Zeltyn,
//!   "The M/M/n+G queue: summary of performance measures" (2009), whose
//!   offered-wait density `f_V(t) ∝ λ·exp(λH(t) − nμt)` gives the service level.

use serde::{Deserialize, Serialize};
use statrs::function::gamma::{digamma, ln_gamma};

/// Offered load in Erlangs of `volume` contacts of mean handle time `aht_s`
/// seconds arriving over `interval_min` minutes: `A = volume · aht_s / (60 · interval_min)`.
///
/// ```
/// // 200 calls of 3 minutes in half an hour keep 20 agents busy on average.
/// assert!((wfm::models::erlang::offered_load_erl(200.0, 180.0, 30.0) - 20.0).abs() < 1e-12);
/// ```
pub fn offered_load_erl(volume: f64, aht_s: f64, interval_min: f64) -> f64 {
    volume * aht_s / (interval_min * 60.0)
}

/// Errors from building a queue model with parameters that have no meaning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The offered load must be finite and `>= 0` Erlangs.
    #[error("offered load must be a finite number >= 0 Erlangs, got {0}")]
    Load(f64),
    /// The average handle time must be finite and `> 0` seconds.
    #[error("average handle time must be a finite number > 0 seconds, got {0}")]
    Aht(f64),
    /// The mean patience must be finite and `> 0` seconds.
    #[error("mean patience must be a finite number > 0 seconds, got {0}")]
    Patience(f64),
}

/// Erlang B: the probability that a contact finds all `agents` busy and is
/// lost, in an M/M/N/N system with offered load `load_erl` Erlangs.
///
/// # Formula
/// `B(N, A) = (A^N / N!) / Σ_{k=0..N} A^k / k!`, computed as
/// `1/B = Σ_{k=0..N} Π_{i=N−k+1..N} i/A`, summed from state N down until the
/// remaining states weigh less than `1e-17` of the total (O(√A) terms when
/// N is near A). `B(0, A) = 1`; `B(N, 0) = 0` for `N ≥ 1`.
/// A negative or NaN load is treated as 0.
///
/// ```
/// // Ten lines offered 5 Erlangs block 1.8384% of calls.
/// let b = wfm::models::erlang::erlang_b(10, 5.0);
/// assert!((b - 0.018_384_570_336_648_1).abs() < 1e-12);
/// ```
pub fn erlang_b(agents: u32, load_erl: f64) -> f64 {
    if agents == 0 {
        return 1.0;
    }
    if load_erl.is_nan() || load_erl <= 0.0 {
        return 0.0;
    }
    // 1/B = Σ_{k=0..N} Π_{i=N−k+1..N} (i/A): the states below N relative to
    // state N. The terms rise while i > A and fall after, so the sum stops
    // once the rest is below 1e-17 of it. Eight terms at a time: their
    // factors' prefix products and their sum are independent of the running
    // term, so only one multiply per block sits on the dependency chain.
    let inv_a = 1.0 / load_erl;
    let mut t = 1.0_f64;
    let mut sum = 1.0_f64;
    let mut ln_scale = 0.0_f64;
    let mut i = agents as f64;
    while i >= 1.0 {
        if i >= 8.0 && t < 1e100 && i * inv_a < 1e18 {
            // Eight steps grow t by at most 1e144: no overflow check needed.
            let f: [f64; 8] = std::array::from_fn(|j| (i - j as f64) * inv_a);
            let p01 = f[0] * f[1];
            let p23 = f[2] * f[3];
            let p45 = f[4] * f[5];
            let p67 = f[6] * f[7];
            let p03 = p01 * p23;
            let p05 = p03 * p45;
            let pre = [
                f[0],
                p01,
                p01 * f[2],
                p03,
                p03 * f[4],
                p05,
                p05 * f[6],
                p05 * p67,
            ];
            let block =
                ((pre[0] + pre[1]) + (pre[2] + pre[3])) + ((pre[4] + pre[5]) + (pre[6] + pre[7]));
            sum += t * block;
            t *= pre[7];
            i -= 8.0;
        } else {
            t *= i * inv_a;
            sum += t;
            i -= 1.0;
            if t > BIG {
                t /= BIG;
                sum /= BIG;
                ln_scale += BIG.ln();
            }
        }
        // The next factors are at most i/A < 1, so the rest is below t·q/(1−q).
        let q = i * inv_a;
        if q < 1.0 && t * q <= 1e-17 * sum * (1.0 - q) {
            break;
        }
    }
    if ln_scale > 0.0 {
        (-(ln_scale + sum.ln())).exp()
    } else {
        1.0 / sum
    }
}

/// Erlang C from Erlang B: `C = B / (1 − ρ(1 − B))`, `ρ = A/N`; 1 when `A ≥ N`.
fn erlang_c_from_b(agents: u32, load_erl: f64, b: f64) -> f64 {
    let n = agents as f64;
    if load_erl >= n {
        return 1.0;
    }
    let c = n * b / (n - load_erl * (1.0 - b));
    c.clamp(0.0, 1.0)
}

/// Erlang C: the probability that a contact has to wait in an M/M/N queue
/// (nobody abandons) with offered load `load_erl` Erlangs and `agents` agents.
///
/// # Formula
/// `C(N, A) = N·B / (N − A·(1 − B))` with `B = erlang_b(N, A)`, for `A < N`.
/// When `A ≥ N` the queue grows without bound and `C = 1` (overload is not an
/// error: every contact waits).
///
/// ```
/// let c = wfm::models::erlang::erlang_c(10, 5.0);
/// assert!((c - 0.036_105_359_158_320_2).abs() < 1e-12);
/// ```
pub fn erlang_c(agents: u32, load_erl: f64) -> f64 {
    if load_erl.is_nan() || load_erl <= 0.0 {
        return if agents == 0 { 1.0 } else { 0.0 };
    }
    erlang_c_from_b(agents, load_erl, erlang_b(agents, load_erl))
}

/// The performance of one interval for a given number of agents.
///
/// Times are in seconds, rates are shares in `[0, 1]`. The field names are the
/// column names of `wfm staff`'s CSV and `wfm erlang --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Agents (servers) the metrics are for.
    pub agents: u32,
    /// Share of contacts answered within the target time, by the chosen
    /// [`SlDefinition`] (Erlang C has no abandonment, so all agree there).
    pub service_level: f64,
    /// Average speed of answer: mean wait of the contacts that are answered,
    /// seconds (`inf` in an overloaded Erlang C queue or with no agents).
    pub asa_s: f64,
    /// Probability that a contact has to wait (Erlang C's `C`).
    pub p_wait: f64,
    /// Share of contacts that abandon before being answered (0 for Erlang C).
    pub abandon_rate: f64,
    /// Share of the agents' time spent handling contacts: carried load / agents.
    pub occupancy: f64,
    /// Expected number of contacts waiting in the queue (`inf` when overloaded
    /// in Erlang C).
    pub queue_len: f64,
    /// Mean wait of all contacts, answered or abandoned, seconds (`Lq/λ`).
    pub mean_wait_s: f64,
}

/// Which contacts the service level is counted over, where some abandon.
///
/// With `Ns` answered within `T`, `N` offered, `Na` answered and `Nat`
/// abandoned within `T`:
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlDefinition {
    /// `Ns / N`: an abandoned contact counts as a miss (the default).
    #[default]
    Offered,
    /// `Ns / Na`: abandoned contacts are left out.
    Answered,
    /// `Ns / (N − Nat)`: contacts that gave up within `T` are left out
    /// ("short abandons" are not held against the center).
    OfferedMinusEarlyAbandons,
}

impl std::str::FromStr for SlDefinition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "offered" => Ok(Self::Offered),
            "answered" => Ok(Self::Answered),
            "offered-minus-early-abandons" => Ok(Self::OfferedMinusEarlyAbandons),
            _ => Err(format!(
                "expected one of offered, answered, offered-minus-early-abandons, got {s:?}"
            )),
        }
    }
}

fn check_load(load_erl: f64) -> Result<f64, ModelError> {
    if load_erl.is_finite() && load_erl >= 0.0 {
        Ok(load_erl)
    } else {
        Err(ModelError::Load(load_erl))
    }
}

fn check_aht(aht_s: f64) -> Result<f64, ModelError> {
    if aht_s.is_finite() && aht_s > 0.0 {
        Ok(aht_s)
    } else {
        Err(ModelError::Aht(aht_s))
    }
}

/// The M/M/N queue (Erlang C): Poisson arrivals, exponential handle times,
/// infinitely patient contacts.
///
/// ```
/// use wfm::models::erlang::ErlangC;
/// // 100 calls per half hour, 180 s each: 10 Erlangs.
/// let q = ErlangC::from_volume(100.0, 180.0, 30.0).unwrap();
/// let m = q.metrics(12, 20.0);
/// assert!((m.p_wait - 0.449_388_224_298_270_9).abs() < 1e-9);
/// assert!((m.service_level - 0.640_158_040_374_006_6).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ErlangCParams")]
pub struct ErlangC {
    load_erl: f64,
    aht_s: f64,
}

/// The serialized fields of [`ErlangC`], checked by [`ErlangC::new`] on the way in.
#[derive(Deserialize)]
struct ErlangCParams {
    load_erl: f64,
    aht_s: f64,
}

impl TryFrom<ErlangCParams> for ErlangC {
    type Error = ModelError;
    fn try_from(p: ErlangCParams) -> Result<Self, ModelError> {
        Self::new(p.load_erl, p.aht_s)
    }
}

impl ErlangC {
    /// A queue with offered load `load_erl` Erlangs and mean handle time `aht_s` seconds.
    pub fn new(load_erl: f64, aht_s: f64) -> Result<Self, ModelError> {
        Ok(Self {
            load_erl: check_load(load_erl)?,
            aht_s: check_aht(aht_s)?,
        })
    }

    /// A queue offered `volume` contacts of `aht_s` seconds over `interval_min` minutes.
    pub fn from_volume(volume: f64, aht_s: f64, interval_min: f64) -> Result<Self, ModelError> {
        let aht_s = check_aht(aht_s)?;
        Self::new(offered_load_erl(volume, aht_s, interval_min), aht_s)
    }

    /// Offered load, Erlangs.
    pub fn load_erl(&self) -> f64 {
        self.load_erl
    }

    /// Mean handle time, seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }

    /// Probability of waiting `C(N, A)`; see [`erlang_c`].
    pub fn p_wait(&self, agents: u32) -> f64 {
        erlang_c(agents, self.load_erl)
    }

    /// Share answered within `answer_within_s` seconds:
    /// `SL = 1 − C · exp(−(N − A) · T / aht)`; 0 when `A ≥ N`.
    pub fn service_level(&self, agents: u32, answer_within_s: f64) -> f64 {
        self.metrics(agents, answer_within_s).service_level
    }

    /// Average speed of answer `ASA = C · aht / (N − A)` seconds; `inf` when `A ≥ N`.
    pub fn asa_s(&self, agents: u32) -> f64 {
        self.metrics(agents, 0.0).asa_s
    }

    /// All metrics for `agents` agents and a service-level threshold of
    /// `answer_within_s` seconds.
    pub fn metrics(&self, agents: u32, answer_within_s: f64) -> Metrics {
        self.metrics_with_b(agents, answer_within_s, erlang_b(agents, self.load_erl))
    }

    /// Metrics when Erlang B for these agents is already known (the staffing
    /// search steps B forward in O(1) per agent).
    pub(crate) fn metrics_with_b(&self, agents: u32, answer_within_s: f64, b: f64) -> Metrics {
        let a = self.load_erl;
        let n = agents as f64;
        if a <= 0.0 {
            return Metrics {
                agents,
                service_level: if agents > 0 { 1.0 } else { 0.0 },
                asa_s: if agents > 0 { 0.0 } else { f64::INFINITY },
                p_wait: if agents > 0 { 0.0 } else { 1.0 },
                abandon_rate: 0.0,
                occupancy: 0.0,
                queue_len: 0.0,
                mean_wait_s: if agents > 0 { 0.0 } else { f64::INFINITY },
            };
        }
        if a >= n {
            return Metrics {
                agents,
                service_level: 0.0,
                asa_s: f64::INFINITY,
                p_wait: 1.0,
                abandon_rate: 0.0,
                occupancy: 1.0,
                queue_len: f64::INFINITY,
                mean_wait_s: f64::INFINITY,
            };
        }
        let c = erlang_c_from_b(agents, a, b);
        let t = answer_within_s.max(0.0);
        let sl = 1.0 - c * (-(n - a) * t / self.aht_s).exp();
        let asa_s = c * self.aht_s / (n - a);
        Metrics {
            agents,
            service_level: sl.clamp(0.0, 1.0),
            asa_s,
            p_wait: c,
            abandon_rate: 0.0,
            occupancy: a / n,
            queue_len: c * a / (n - a),
            mean_wait_s: asa_s,
        }
    }
}

/// Rescale when a running term passes this; `ln` of it is added to the scale.
const BIG: f64 = 1e250;

mod erlang_a;
pub use erlang_a::{ErlangA, PATIENCE_AS_INFINITE_AHT};

#[cfg(test)]
mod tests;
