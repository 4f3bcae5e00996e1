//! Erlang A (M/M/N+M): callers who hang up after an exponential patience,
//! by exact sums over the queue states of the birth–death chain.

use super::*;

/// The M/M/N+M queue (Erlang A, "Palm's queue"): as Erlang C, but each
/// waiting contact abandons after an exponential patience of mean `patience_s`.
///
/// Defined for any number of agents, including overload (`A ≥ N`): the queue
/// stays finite because impatient contacts leave.
///
/// ```
/// use wfm::models::erlang::{ErlangA, SlDefinition};
/// // 10 Erlangs, 180 s calls, callers wait 120 s on average before hanging up.
/// let q = ErlangA::new(10.0, 180.0, 120.0).unwrap();
/// let m = q.metrics(10, 20.0, SlDefinition::Offered);
/// assert!(m.abandon_rate > 0.0 && m.abandon_rate < 0.2);
/// // Infinitely patient callers would make Erlang C's queue explode at N = A.
/// assert!(m.queue_len.is_finite());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ErlangAParams")]
pub struct ErlangA {
    load_erl: f64,
    aht_s: f64,
    patience_s: f64,
}

/// The serialized fields of [`ErlangA`], checked by [`ErlangA::new`] on the way in.
#[derive(Deserialize)]
struct ErlangAParams {
    load_erl: f64,
    aht_s: f64,
    patience_s: f64,
}

impl TryFrom<ErlangAParams> for ErlangA {
    type Error = ModelError;
    fn try_from(p: ErlangAParams) -> Result<Self, ModelError> {
        Self::new(p.load_erl, p.aht_s, p.patience_s)
    }
}

/// Patience beyond this many handle times is infinite patience.
///
/// As `patience/aht → ∞` Erlang A tends to its limit: Erlang C when
/// `N > A` (the abandonment rate, about `ASA/patience`, vanishes) and, when
/// `N ≤ A`, a queue that grows until abandonment takes the excess: answered
/// share `N/A`, abandonment `1 − N/A`, nobody answered within any fixed
/// time, waits of the order of the patience. From `patience ≥ 10⁶·aht` (for
/// a 270 s call, 8.6 years) [`ErlangA::metrics`] returns that limit: the
/// metrics then differ from the exact ones by about `ASA/patience`
/// (`< 10⁻⁴` relative unless `N − A < 0.01`), while the exact sums would
/// need `√(A·patience/aht)` terms and lose digits past `10⁷`.
pub const PATIENCE_AS_INFINITE_AHT: f64 = 1e6;

/// Sums over the queue states of the Erlang A chain, relative to the state
/// with all agents busy and nobody waiting, multiplied by `exp(-ln_scale)`.
pub(super) struct QueueSums {
    pub(super) ln_scale: f64,
    /// `Σ t_k`: weight of the states with k waiting (k ≥ 0).
    pub(super) mass: f64,
    /// `Σ k·t_k`: queue length.
    pub(super) queued: f64,
    /// `Σ t_k · y/(y+k+1)`: an arrival that finds k waiting is answered
    /// with probability `y/(y+k+1)`.
    pub(super) served: f64,
    /// `Σ t_k · y/(y+k+1) · H_k`, `H_k = Σ_{j=0..k} 1/(y+j+1)`: its mean wait
    /// given it is answered is `H_k/θ`.
    pub(super) served_wait: f64,
}

/// Which of the [`QueueSums`] to accumulate (the mass always).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Need {
    Mass,
    Served,
    Full,
}

/// The terms `t_0 = 1, t_k = t_{k-1} · x/(y+k)` of the Kummer series
/// `1F1(1; y+1; x)`, summed with moments. When the peak of the terms lies
/// more than 12 standard deviations in, the sum starts there with
/// `ln t_k0 = k0·ln x − ln Γ(y+k0+1) + ln Γ(y+1)`: the states before carry
/// less than `e^-70` of the mass.
pub(super) fn queue_sums(x: f64, y: f64, need: Need) -> QueueSums {
    let moments = need == Need::Full;
    // Without the moments, the served sum follows from the mass:
    // t_k/(y+k+1) = t_{k+1}/x, so Σ_{k≥k0} t_k·y/(y+k+1) = (y/x)·(M − t_k0),
    // unless x ≪ y, where M − t_k0 ≈ x/(y+1) would lose digits: then it is
    // summed.
    let served = moments || (need == Need::Served && x < 1e-3 * (y + 1.0));
    let mut first = 1.0_f64; // t_k0 in the running scale
    let peak = (x - y).max(0.0);
    let width = x.max(1.0).sqrt();
    let mut k0 = 0.0_f64;
    let mut ln_scale = 0.0;
    let mut h = 0.0; // H_{k-1}
    if peak > 12.0 * width {
        k0 = (peak - 12.0 * width).floor();
        ln_scale = k0 * x.ln() - ln_gamma(y + k0 + 1.0) + ln_gamma(y + 1.0);
        if moments {
            h = digamma(y + k0 + 1.0) - digamma(y + 1.0);
        }
    }
    let mut t = 1.0_f64;
    let mut sums = QueueSums {
        ln_scale,
        mass: 0.0,
        queued: 0.0,
        served: 0.0,
        served_wait: 0.0,
    };
    let mut k = k0;
    // Blocks of eight terms, summed by Horner's rule from the block's end
    // (Σ_{i<8} t_{k+i}/t_k = 1 + (x/d_0)(1 + (x/d_1)(1 + ···)), d_i = y+k+i+1)
    // with every partial result kept as a numerator over `D_i = d_i···d_7`:
    // one division per block, no overflow check inside (a block grows t by
    // at most (x/d_0)^8 < 1e144 when it starts below 1e100), and all terms
    // positive, so nothing cancels. With `x, d < 1e12` no product passes
    // 1e200. Per block, relative to t_k:
    // - mass `R = P/D`, `P_i = D_i + x·P_{i+1}`;
    // - `Σ i·w_i = Q/D`, `Q_i = x·(P_{i+1} + Q_{i+1})`;
    // - `Σ w_i/d_i = S/D`, `S_i = D_{i+1} + x·S_{i+1}`;
    // - `Σ w_i/d_i · Σ_{l≤i} 1/d_l = T/D²`, `T_i = S_i·D_{i+1} + x·d_i·T_{i+1}`;
    // - `Σ 1/d_i = E/D`, `E_i = D_{i+1} + d_i·E_{i+1}`;
    // starting from `D_7 = P_7 = d_7, Q_7 = 0, S_7 = T_7 = E_7 = 1`.
    let x8 = (x * x) * (x * x) * ((x * x) * (x * x));
    let blocks_ok = x8.is_normal() && x8 < 1e200 && x < 1e12;
    loop {
        let d0 = y + k + 1.0;
        let fast = blocks_ok && t < 1e100 && x < 1e18 * d0 && d0 + 8.0 < 1e12;
        if fast && !served {
            let d7 = d0 + 7.0;
            let (mut p, mut dd) = (d7, d7);
            for i in (0..7).rev() {
                dd *= d0 + i as f64;
                p = dd + x * p;
            }
            let inv = 1.0 / dd;
            sums.mass += t * (p * inv);
            t *= x8 * inv;
            k += 8.0;
        } else if fast {
            let d7 = d0 + 7.0;
            let (mut dd, mut p, mut q, mut s_, mut t_, mut e) = (d7, d7, 0.0, 1.0, 1.0, 1.0);
            for i in (0..7).rev() {
                let d = d0 + i as f64;
                let d_next = dd; // D_{i+1}
                dd *= d;
                q = x * (p + q);
                p = dd + x * p;
                s_ = d_next + x * s_;
                t_ = s_ * d_next + x * d * t_;
                e = d_next + d * e;
            }
            let inv = 1.0 / dd;
            sums.mass += t * (p * inv);
            sums.queued += t * ((k * p + q) * inv);
            let served_block = t * (s_ * inv); // Σ t_{k+i}/d_i
            sums.served += y * served_block;
            sums.served_wait += y * (h * served_block + t * (t_ * inv) * inv);
            h += e * inv;
            t *= x8 * inv;
            k += 8.0;
        } else {
            let inv = 1.0 / (y + k + 1.0);
            sums.mass += t;
            if served {
                let p_served = y * inv;
                sums.served += t * p_served;
                if moments {
                    sums.queued += k * t;
                    h += inv;
                    sums.served_wait += t * p_served * h;
                }
            }
            t *= x * inv;
            k += 1.0;
        }
        if t > BIG {
            t /= BIG;
            sums.mass /= BIG;
            sums.queued /= BIG;
            sums.served /= BIG;
            sums.served_wait /= BIG;
            first /= BIG;
            sums.ln_scale += BIG.ln();
        }
        // Past the peak (r = x/d < 1 for the next denominator d) the remaining
        // terms are below t·r/(1−r) = t·x/(d−x), and the k-weighted ones below
        // that times k + 1/(1−r).
        // The mass test without a division: tail ≤ ε·mass ⟺ t·x ≤ ε·mass·(d−x).
        let d = y + k + 1.0;
        if x < d {
            let gap = d - x;
            let tx = t * x;
            if t == 0.0
                || (tx <= 1e-17 * sums.mass * gap
                    && (!moments || tx / gap * (k + d / gap) <= 1e-17 * sums.queued.max(1e-300)))
            {
                break;
            }
        }
    }
    if need == Need::Served && !served {
        sums.served = y / x * (sums.mass - first);
    }
    sums
}

impl ErlangA {
    /// A queue with offered load `load_erl` Erlangs, mean handle time `aht_s`
    /// seconds and mean patience `patience_s` seconds.
    pub fn new(load_erl: f64, aht_s: f64, patience_s: f64) -> Result<Self, ModelError> {
        if !(patience_s.is_finite() && patience_s > 0.0) {
            return Err(ModelError::Patience(patience_s));
        }
        Ok(Self {
            load_erl: check_load(load_erl)?,
            aht_s: check_aht(aht_s)?,
            patience_s,
        })
    }

    /// A queue offered `volume` contacts of `aht_s` seconds over `interval_min` minutes.
    pub fn from_volume(
        volume: f64,
        aht_s: f64,
        interval_min: f64,
        patience_s: f64,
    ) -> Result<Self, ModelError> {
        let aht_s = check_aht(aht_s)?;
        Self::new(
            offered_load_erl(volume, aht_s, interval_min),
            aht_s,
            patience_s,
        )
    }

    /// Offered load, Erlangs.
    pub fn load_erl(&self) -> f64 {
        self.load_erl
    }

    /// Mean handle time, seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }

    /// Mean patience, seconds.
    pub fn patience_s(&self) -> f64 {
        self.patience_s
    }

    /// All metrics for `agents` agents, a service-level threshold of
    /// `answer_within_s` seconds, counted by `definition`.
    ///
    /// # Formula
    /// With `x = λ/θ = A·patience/aht` and `y = Nμ/θ = N·patience/aht`, the
    /// states with k waiting have weight `t_k = x^k / Π_{i=1..k}(y+i)`
    /// relative to the state "all busy, none waiting", and the states below
    /// weigh `1/B(N, A) − 1` together. An arrival that finds k waiting is
    /// answered with probability `y/(y+k+1)` after a mean wait of
    /// `Σ_{j=0..k} 1/(θ(y+j+1))`. Abandonment is `θ·Lq/λ`. The share
    /// answered within T comes from the offered-wait density of
    /// Mandelbaum–Zeltyn: `P(answered, 0 < W ≤ T) ∝ γ(y+1, x) − γ(y+1, x·e^{−θT})`.
    pub fn metrics(&self, agents: u32, answer_within_s: f64, definition: SlDefinition) -> Metrics {
        self.metrics_with(agents, answer_within_s, definition, true)
    }

    /// As [`ErlangA::metrics`] but only `service_level` and `p_wait` are
    /// computed (the rest are NaN) unless the definition needs the
    /// abandonment: it skips the queue-length and wait sums, for searches on
    /// the service level.
    pub(crate) fn service_level_only(
        &self,
        agents: u32,
        answer_within_s: f64,
        definition: SlDefinition,
    ) -> Metrics {
        self.metrics_with(agents, answer_within_s, definition, false)
    }

    fn metrics_with(
        &self,
        agents: u32,
        answer_within_s: f64,
        definition: SlDefinition,
        all: bool,
    ) -> Metrics {
        let full = all || definition == SlDefinition::OfferedMinusEarlyAbandons;
        let a = self.load_erl;
        let n = agents as f64;
        let t_s = answer_within_s.max(0.0);
        let theta = 1.0 / self.patience_s; // per second
        let mu = 1.0 / self.aht_s;
        if a <= 0.0 {
            return ErlangC {
                load_erl: 0.0,
                aht_s: self.aht_s,
            }
            .metrics(agents, t_s);
        }
        if self.patience_s >= PATIENCE_AS_INFINITE_AHT * self.aht_s {
            let c = ErlangC {
                load_erl: a,
                aht_s: self.aht_s,
            };
            let mut m = c.metrics(agents, t_s);
            if a >= n {
                // The limit of Erlang A: the excess load abandons.
                m.abandon_rate = 1.0 - n / a;
                m.occupancy = if agents > 0 { 1.0 } else { 0.0 };
                if definition == SlDefinition::OfferedMinusEarlyAbandons {
                    m.service_level = 0.0;
                }
            }
            return m;
        }
        if agents == 0 {
            // Nobody is ever answered; every contact waits out its patience.
            return Metrics {
                agents,
                service_level: 0.0,
                asa_s: f64::INFINITY,
                p_wait: 1.0,
                abandon_rate: 1.0,
                occupancy: 0.0,
                queue_len: a * self.patience_s / self.aht_s,
                mean_wait_s: self.patience_s,
            };
        }
        let b = erlang_b(agents, a);
        let below = (1.0 - b) / b; // Σ_{j<N} π_j / π_N
        if b == 0.0 || !below.is_finite() {
            // Waiting is less likely than the smallest double: nobody waits.
            return ErlangC {
                load_erl: a,
                aht_s: self.aht_s,
            }
            .metrics_with_b(agents, t_s, 0.0);
        }
        let r = self.patience_s / self.aht_s; // = μ/θ
        let x = a * r;
        let y = n * r;
        let s = queue_sums(x, y, if full { Need::Full } else { Need::Served });
        let below_scaled = below * (-s.ln_scale).exp();
        let z = below_scaled + s.mass;
        let p_wait = s.mass / z;
        let queue_len = s.queued / z;
        let abandon_rate = (queue_len / x).clamp(0.0, 1.0);
        let served_after_wait = s.served / z;
        let p_no_wait = below_scaled / z;
        let p_served = (p_no_wait + served_after_wait).clamp(0.0, 1.0);
        let asa_s = if p_served > 0.0 {
            s.served_wait / z * self.patience_s / p_served
        } else {
            f64::INFINITY
        };

        // Share of those answered after waiting whose wait exceeds T:
        // P(y+1, x')/P(y+1, x) with x' = x·e^{−θT}, P the regularized lower
        // incomplete gamma, written with Kummer sums S(a, z):
        // P(a, z) = z^a e^{−z} S(a, z) / Γ(a+1).
        let x_t = x * (-theta * t_s).exp();
        let decay = -t_s * (n * mu + theta) - x * (-theta * t_s).exp_m1(); // ln[(x'/x)^{y+1} e^{x−x'}]
        let (late_share, sums_t) = if t_s == 0.0 {
            (1.0, None)
        } else {
            let st = queue_sums(x_t, y + 1.0, Need::Mass);
            // S(y+1, x) = served·(y+1)/y, in the scale of `s`.
            let ln_ratio =
                decay + st.ln_scale + st.mass.ln() - (s.ln_scale + (s.served * (y + 1.0) / y).ln());
            (ln_ratio.exp().clamp(0.0, 1.0), Some(st))
        };
        let answered_within = (p_no_wait + served_after_wait * (1.0 - late_share)).clamp(0.0, 1.0);
        let service_level = match definition {
            SlDefinition::Offered => answered_within,
            SlDefinition::Answered => {
                if p_served > 0.0 {
                    answered_within / p_served
                } else {
                    0.0
                }
            }
            SlDefinition::OfferedMinusEarlyAbandons => {
                // P(abandon after T) = P_wait · e^{decay} ·
                //   (1 + S(y+1, x')·(x'−y)/(y+1)) / S(y, x)
                let late_abandon = match sums_t {
                    None => abandon_rate,
                    Some(st) => {
                        let lead = (decay - s.ln_scale).exp() / s.mass;
                        let tail = (decay + st.ln_scale - s.ln_scale).exp() * st.mass * (x_t - y)
                            / ((y + 1.0) * s.mass);
                        (p_wait * (lead + tail)).clamp(0.0, abandon_rate)
                    }
                };
                let early_abandon = (abandon_rate - late_abandon).max(0.0);
                let denom = 1.0 - early_abandon;
                if denom > 0.0 {
                    answered_within / denom
                } else {
                    0.0
                }
            }
        };
        if !full {
            return Metrics {
                agents,
                service_level: service_level.clamp(0.0, 1.0),
                asa_s: f64::NAN,
                p_wait,
                abandon_rate: f64::NAN,
                occupancy: f64::NAN,
                queue_len: f64::NAN,
                mean_wait_s: f64::NAN,
            };
        }
        Metrics {
            agents,
            service_level: service_level.clamp(0.0, 1.0),
            asa_s,
            p_wait,
            abandon_rate,
            occupancy: (a * (1.0 - abandon_rate) / n).clamp(0.0, 1.0),
            queue_len,
            mean_wait_s: queue_len * self.aht_s / a,
        }
    }
}
