//! Outbound dialers: the agents a campaign's attempts need, by dialer
//! mode, and a simulation of a predictive dialer that checks its pacing.
//!
//! A campaign makes `attempts` outbound calls in an interval of `I`
//! seconds. Each attempt rings for `dial_s`; a share `connect` is answered
//! by a person (a **connect**), of which a share `reach` of all attempts
//! by the right party (a **right-party contact**, talking `talk_s`) and the
//! rest, `w = connect − reach`, by someone else (a wrong number, a
//! relative: `wrong_party_s`); the agent then logs the attempt (`wrap_s`,
//! every attempt). Talk per attempt: `T = reach·talk_s + w·wrong_party_s`.
//! The three modes:
//!
//! - **preview**: the agent reads the account (`preview_s`), dials and
//!   waits through the ring: agent time per attempt
//!   `t = preview_s + dial_s + T + wrap_s`;
//! - **progressive**: the dialer dials one line when an agent is free; the
//!   agent still waits through the ring: `t = dial_s + T + wrap_s`;
//!
//! for both, agents `N = ⌈attempts·t / (I·max_occupancy)⌉` (fluid work,
//! no queue: the dialer paces itself on free agents);
//!
//! - **predictive**: the dialer dials ahead on several lines per free
//!   agent; agents only take answered calls (the connects),
//!   `h = (T + connect·wrap_s) / connect` each on average. An
//!   answered call with no free agent within `answer_wait_s` (2 s) is
//!   abandoned (a "silent call"), whose share the regulator caps (3%).
//!
//!   *The Poisson bound* ([`poisson_bound`]): if answered calls arrived as
//!   a Poisson stream, `λ = attempts·connect / I`, on `N` agents with load
//!   `A = λ·h`, a call would wait longer than `τ = answer_wait_s` with the
//!   Erlang C tail `P(W > τ) = C(N, A)·exp(−(N − A)·τ / h)`; the least `N`
//!   with `P(W > τ) ≤ abandon_cap` is safe but idle (a dialer paced on
//!   free agents sends far less bursty traffic than Poisson: 58% occupancy
//!   at 300 attempts in half an hour).
//!
//!   *The paced staffing* (what [`staff_campaign`] returns): the dialer
//!   keeps `⌈p × idle agents⌉` lines ringing, and no more than the
//!   answers its free agents can take ([`lines_wanted`],
//!   [`simulate_predictive`]);
//!   `N` is the least number of agents (up to the bound) for which some
//!   pacing `p` places the interval's attempts with simulated abandonment
//!   at most [`PACED_MARGIN`] of the cap, and `p` the least such pacing at
//!   that `N` (a
//!   bisection; [`PACED_REPLICATIONS`] replications on seeds shared by
//!   every candidate, so the search is deterministic). The tests check the
//!   chosen `(N, p)` on independent seeds: abandonment within the cap, the
//!   attempts placed. Above [`PACED_MAX_ATTEMPTS`] attempts an interval
//!   the Poisson bound is given (the search's work grows with the attempts).
//!
//! The simulator of the whole centre (`wfm simulate`) runs the same dialer
//! ([`lines_wanted`]) for a group blending a predictive campaign, at the
//! pacing chosen here unless told otherwise
//! ([`crate::sim::SimBuilder::pacing`]), stepping down to one line per idle
//! agent while the day's drops run above 90% of the cap; [`simulate_predictive`] is this
//! module's own event loop for the search.

use rand::RngExt;
use rand_distr::{Distribution, Exp1};
use serde::{Deserialize, Serialize};

use crate::models::erlang::erlang_c;

mod predictive;
pub use predictive::{lines_wanted, simulate_predictive, DialerRun};

/// How the dialer places calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DialerMode {
    /// The agent previews the account and dials.
    #[default]
    Preview,
    /// One line per free agent.
    Progressive,
    /// Several lines per free agent, paced under an abandonment cap.
    Predictive,
}

impl std::fmt::Display for DialerMode {
    /// `preview`, `progressive` or `predictive`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DialerMode::Preview => "preview",
            DialerMode::Progressive => "progressive",
            DialerMode::Predictive => "predictive",
        })
    }
}

/// An outbound campaign's dialer and call model (`[channel.NAME.outbound]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Campaign {
    /// Dialer mode.
    pub mode: DialerMode,
    /// Share of attempts answered by the right party (right-party
    /// contacts), `(0, 1]`.
    pub reach: f64,
    /// Share of attempts answered by a person, the right party or not
    /// (connects), `[reach, 1]`; unset, `reach` (every answer is the right
    /// party).
    pub connect: Option<f64>,
    /// Talk time of a connect that is not the right party, seconds.
    pub wrong_party_s: f64,
    /// Talk time of an answered call, seconds.
    pub talk_s: f64,
    /// Logging an attempt's result, seconds (every attempt).
    pub wrap_s: f64,
    /// Ring time of an attempt until answer or give-up, seconds.
    pub dial_s: f64,
    /// Preview: reading the account before dialing, seconds.
    pub preview_s: f64,
    /// Predictive: most share of answered calls with no agent within
    /// `answer_wait_s`, `(0, 1)`.
    pub abandon_cap: f64,
    /// Predictive: how long an answered call waits for an agent before it
    /// is dropped, seconds.
    pub answer_wait_s: f64,
    /// Preview and progressive: the share of agent time the work may fill,
    /// `(0, 1]`.
    pub max_occupancy: f64,
    /// Simulation: attempts planned per account and day; an account reached
    /// is not called again, so the day's list is its attempts over
    /// [`expected_attempts`]`(attempts_per_day, reach)` accounts.
    pub attempts_per_day: u32,
    /// Simulation: most connected calls to one account in a day (3: the
    /// China Banking Association's 2026 guideline, across the institution).
    pub max_connected_per_day: u32,
    /// Simulation: most unanswered attempts to one account in a day (6:
    /// NIFA 2024).
    pub max_unanswered_per_day: u32,
    /// Simulation, predictive: lines ringing per idle agent, `(0, 64]`.
    /// Unset, each interval takes the pacing [`staff_campaign`] chose for
    /// the interval's attempts.
    pub pacing: Option<f64>,
}

impl Default for Campaign {
    /// Preview; reach 0.3, talk 180 s, wrap 30 s, ring 20 s, preview 15 s;
    /// abandonment cap 3% within 2 s; occupancy up to 85%.
    fn default() -> Self {
        Campaign {
            mode: DialerMode::Preview,
            reach: 0.3,
            connect: None,
            wrong_party_s: 30.0,
            talk_s: 180.0,
            wrap_s: 30.0,
            dial_s: 20.0,
            preview_s: 15.0,
            abandon_cap: 0.03,
            answer_wait_s: 2.0,
            max_occupancy: 0.85,
            attempts_per_day: 2,
            max_connected_per_day: 3,
            max_unanswered_per_day: 6,
            pacing: None,
        }
    }
}

impl Campaign {
    /// The first setting out of range, as `(key, what was expected)`.
    pub fn invalid(&self) -> Option<(&'static str, String)> {
        // Each time from 0 to a bound no real campaign reaches (a ring of
        // ten minutes, a wrap-up of an hour): beyond it the value is a typo
        // that would staff thousands of agents.
        let nonneg = |k: &'static str, v: f64| {
            let max = match k {
                "dial_s" => 600.0,
                "answer_wait_s" => 60.0,
                "talk_s" => 10_800.0,
                _ => 3_600.0,
            };
            (!(v.is_finite() && (0.0..=max).contains(&v)))
                .then(|| (k, format!("expected seconds from 0 to {max}, got {v}")))
        };
        if !(self.reach.is_finite() && self.reach > 0.0 && self.reach <= 1.0) {
            return Some((
                "reach",
                format!("expected a share in (0, 1], got {}", self.reach),
            ));
        }
        if let Some(k) = self.connect {
            if !(k.is_finite() && k >= self.reach && k <= 1.0) {
                return Some((
                    "connect",
                    format!(
                        "expected a share in [reach = {}, 1] (connects include the right-party contacts), got {k}",
                        self.reach
                    ),
                ));
            }
        }
        if let Some(e) = nonneg("talk_s", self.talk_s)
            .or_else(|| nonneg("wrong_party_s", self.wrong_party_s))
            .or_else(|| nonneg("wrap_s", self.wrap_s))
            .or_else(|| nonneg("dial_s", self.dial_s))
            .or_else(|| nonneg("preview_s", self.preview_s))
            .or_else(|| nonneg("answer_wait_s", self.answer_wait_s))
        {
            return Some(e);
        }
        if self.talk_s + self.wrap_s <= 0.0 {
            return Some(("talk_s", "talk_s + wrap_s must be > 0".into()));
        }
        if !(self.abandon_cap.is_finite() && self.abandon_cap > 0.0 && self.abandon_cap < 1.0) {
            return Some((
                "abandon_cap",
                format!("expected a share in (0, 1), got {}", self.abandon_cap),
            ));
        }
        for (k, v) in [
            ("attempts_per_day", self.attempts_per_day),
            ("max_connected_per_day", self.max_connected_per_day),
            ("max_unanswered_per_day", self.max_unanswered_per_day),
        ] {
            if v == 0 {
                return Some((k, "expected a whole number >= 1, got 0".into()));
            }
        }
        if let Some(p) = self.pacing {
            if !(p.is_finite() && p > 0.0 && p <= 64.0) {
                return Some((
                    "pacing",
                    format!("expected lines per idle agent in (0, 64], got {p}"),
                ));
            }
        }
        if !(self.max_occupancy.is_finite()
            && self.max_occupancy > 0.0
            && self.max_occupancy <= 1.0)
        {
            return Some((
                "max_occupancy",
                format!("expected a share in (0, 1], got {}", self.max_occupancy),
            ));
        }
        None
    }

    /// Share of attempts answered by a person: `connect`, else `reach`.
    pub fn connect_rate(&self) -> f64 {
        self.connect.unwrap_or(self.reach).max(self.reach)
    }

    /// Talk seconds per attempt, `T = reach·talk_s + (connect −
    /// reach)·wrong_party_s`.
    pub fn talk_per_attempt_s(&self) -> f64 {
        self.reach * self.talk_s + (self.connect_rate() - self.reach) * self.wrong_party_s
    }

    /// Mean agent time of an answered call in predictive mode, `h = (T +
    /// connect·wrap_s) / connect`.
    pub fn answered_handle_s(&self) -> f64 {
        self.talk_per_attempt_s() / self.connect_rate() + self.wrap_s
    }

    /// Agent seconds one attempt takes in preview or progressive mode
    /// (see the module documentation); in predictive mode, per attempt on
    /// average, `T + connect·wrap_s`.
    pub fn agent_s_per_attempt(&self) -> f64 {
        let talk = self.talk_per_attempt_s();
        match self.mode {
            DialerMode::Preview => self.preview_s + self.dial_s + talk + self.wrap_s,
            DialerMode::Progressive => self.dial_s + talk + self.wrap_s,
            DialerMode::Predictive => talk + self.connect_rate() * self.wrap_s,
        }
    }
}

/// Expected attempts on one account in a day when it is called up to
/// `attempts_per_day` times and not again once reached (each attempt
/// reaches the right party with probability `reach`):
/// `Σ_{j<k} (1 − r)^j = (1 − (1 − r)^k) / r` (`k` when `r = 0`; for a
/// fractional `k` the same closed form interpolates).
///
/// ```
/// // Two attempts at 35% reach: the second is made only on the 65% unreached.
/// let e = wfm::models::dialer::expected_attempts(2.0, 0.35);
/// assert!((e - 1.65).abs() < 1e-12);
/// ```
pub fn expected_attempts(attempts_per_day: f64, reach: f64) -> f64 {
    if reach <= 0.0 {
        attempts_per_day
    } else {
        (1.0 - (1.0 - reach.min(1.0)).powf(attempts_per_day)) / reach.min(1.0)
    }
}

/// The agents an interval's attempts need, with what the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DialerStaffing {
    /// Agents.
    pub agents: u32,
    /// Agent time busy with the campaign over agent time, share.
    pub occupancy: f64,
    /// Predicted share of answered calls abandoned (predictive; 0 otherwise).
    pub abandon: f64,
    /// Lines ringing per idle agent (predictive; 1 progressive; 0 preview).
    pub pacing: f64,
    /// Expected connects (calls answered by a person).
    pub connects: f64,
    /// Expected right-party contacts.
    #[serde(default)]
    pub right_party: f64,
    /// Agent-seconds of work, `attempts × agent_s_per_attempt`.
    pub work_s: f64,
}

/// Why a campaign cannot be staffed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DialerError {
    /// A setting out of range.
    #[error("outbound.{key}: {what}")]
    Setting {
        /// The key.
        key: &'static str,
        /// What was expected.
        what: String,
    },
    /// Attempts or interval not positive and finite.
    #[error("{0}")]
    Input(String),
    /// More agents than the staffing limit would be needed.
    #[error("more than {0} agents would be needed")]
    TooMany(u32),
}

/// The agents `attempts` outbound calls in an interval of `interval_min`
/// minutes need under `c` (see the module documentation for the models).
///
/// ```
/// use wfm::models::dialer::{staff_campaign, Campaign, DialerMode};
/// let c = Campaign { mode: DialerMode::Predictive, ..Campaign::default() };
/// let s = staff_campaign(600.0, 30, &c).unwrap();
/// // 600 attempts × 0.3 reach × 210 s = 37,800 agent-seconds: 21 agents of work.
/// assert!(s.agents >= 22 && s.abandon <= 0.03);
/// // Preview: (15 + 20 + 0.3·180 + 30) s × 600 / (1,800 s × 0.85) = 46.7 → 47.
/// let p = staff_campaign(600.0, 30, &Campaign { mode: DialerMode::Preview, ..c }).unwrap();
/// assert_eq!(p.agents, 47);
/// assert!(s.agents < p.agents); // waiting through rings costs agents
/// ```
pub fn staff_campaign(
    attempts: f64,
    interval_min: u32,
    c: &Campaign,
) -> Result<DialerStaffing, DialerError> {
    if let Some((key, what)) = c.invalid() {
        return Err(DialerError::Setting { key, what });
    }
    if !(attempts.is_finite() && attempts >= 0.0) {
        return Err(DialerError::Input(format!(
            "attempts: expected a number >= 0, got {attempts}"
        )));
    }
    if interval_min == 0 {
        return Err(DialerError::Input("interval_min must be > 0".into()));
    }
    let interval_s = f64::from(interval_min) * 60.0;
    let work_s = attempts * c.agent_s_per_attempt();
    let connects = attempts * c.connect_rate();
    let right_party = attempts * c.reach;
    let max = crate::models::staffing::MAX_AGENTS;
    if attempts == 0.0 {
        return Ok(DialerStaffing {
            agents: 0,
            occupancy: 0.0,
            abandon: 0.0,
            pacing: 0.0,
            connects: 0.0,
            right_party: 0.0,
            work_s: 0.0,
        });
    }
    match c.mode {
        DialerMode::Preview | DialerMode::Progressive => {
            let n = (work_s / (interval_s * c.max_occupancy) - 1e-9)
                .ceil()
                .max(1.0);
            if n > f64::from(max) {
                return Err(DialerError::TooMany(max));
            }
            let n = n as u32;
            Ok(DialerStaffing {
                agents: n,
                occupancy: work_s / (f64::from(n) * interval_s),
                abandon: 0.0,
                pacing: if c.mode == DialerMode::Progressive {
                    1.0
                } else {
                    0.0
                },
                connects,
                right_party,
                work_s,
            })
        }
        DialerMode::Predictive => {
            let a = work_s / interval_s;
            let (bound, tail) = poisson_bound(attempts, interval_s, c)?;
            let (agents, pacing, abandon) = if attempts > PACED_MAX_ATTEMPTS {
                // The search's simulations grow with the attempts: past this,
                // the Poisson bound and the pacing of its stream.
                let idle = (f64::from(bound) - a).max(1e-9);
                (bound, attempts / interval_s * c.dial_s / idle, tail)
            } else {
                paced(attempts, interval_s, c, bound)
            };
            Ok(DialerStaffing {
                agents,
                occupancy: a / f64::from(agents),
                abandon,
                pacing,
                connects,
                right_party,
                work_s,
            })
        }
    }
}

/// The Poisson bound of a predictive campaign: the least agents `N` with
/// `C(N, A)·exp(−(N − A)·τ / h) ≤ abandon_cap` (module documentation), and
/// that tail.
pub fn poisson_bound(
    attempts: f64,
    interval_s: f64,
    c: &Campaign,
) -> Result<(u32, f64), DialerError> {
    let h = c.answered_handle_s();
    let a = attempts * c.agent_s_per_attempt() / interval_s;
    let max = crate::models::staffing::MAX_AGENTS;
    let mut n = (a.floor() as u32).saturating_add(1);
    loop {
        let p = predictive_abandon(n, a, h, c.answer_wait_s);
        if p <= c.abandon_cap {
            return Ok((n, p));
        }
        if n >= max {
            return Err(DialerError::TooMany(max));
        }
        n += 1;
    }
}

/// Most attempts in an interval the paced search simulates (its work grows
/// with them); above, [`staff_campaign`] gives the Poisson bound, which a
/// large dialer approaches anyway.
pub const PACED_MAX_ATTEMPTS: f64 = 5_000.0;

/// Replications (seeds 1..=R, the same for every candidate) of the paced
/// search's simulations.
pub const PACED_REPLICATIONS: u64 = 6;

/// The paced search keeps its simulated abandonment under this share of
/// the cap: a candidate chosen because it passed on a few replications is
/// optimistic on others.
pub const PACED_MARGIN: f64 = 0.8;

/// The paced staffing of a predictive campaign: the least agents `N` (at
/// most `bound`, the Poisson bound) for which the simulated dialer
/// ([`simulate_predictive`], [`PACED_REPLICATIONS`] on common seeds) places
/// the interval's attempts with abandonment at most the cap, and at that
/// `N` the least pacing that places them. Returns `(N, pacing, simulated
/// abandonment)`; falls back to the bound (and the pacing of the Poisson
/// stream) if the simulation cannot place the attempts within the cap
/// there.
fn paced(attempts: f64, interval_s: f64, c: &Campaign, bound: u32) -> (u32, f64, f64) {
    let warmup_s = interval_s.min(600.0);
    let eval = |n: u32, p: f64| {
        let (mut placed, mut answered, mut abandoned) = (0u64, 0u64, 0u64);
        for seed in 1..=PACED_REPLICATIONS {
            let r = simulate_predictive(n, p, c, warmup_s, interval_s, seed);
            placed += r.attempts;
            answered += r.answered;
            abandoned += r.abandoned;
        }
        let share = if answered == 0 {
            0.0
        } else {
            abandoned as f64 / answered as f64
        };
        (placed as f64 / PACED_REPLICATIONS as f64, share)
    };
    // The least pacing that places the attempts at n, with its abandonment.
    let least_pacing = |n: u32| -> Option<(f64, f64)> {
        let mut hi = 0.25;
        while eval(n, hi).0 < attempts {
            hi *= 2.0;
            if hi > 64.0 {
                return None;
            }
        }
        let mut lo = 0.0;
        for _ in 0..12 {
            let mid = 0.5 * (lo + hi);
            if eval(n, mid).0 >= attempts {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some((hi, eval(n, hi).1))
    };
    // A margin against the optimism of choosing on few replications.
    let ok = |n: u32| least_pacing(n).filter(|&(_, ab)| ab <= PACED_MARGIN * c.abandon_cap);
    let a = attempts * c.agent_s_per_attempt() / interval_s;
    let Some(mut best) = ok(bound).map(|(p, ab)| (bound, p, ab)) else {
        let idle = (f64::from(bound) - a).max(1e-9);
        let (_, tail) = (
            bound,
            predictive_abandon(bound, a, c.answered_handle_s(), c.answer_wait_s),
        );
        return (bound, attempts / interval_s * c.dial_s / idle, tail);
    };
    let (mut lo, mut hi) = ((a.floor() as u32).saturating_add(1), bound);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match ok(mid) {
            Some((p, ab)) => {
                best = (mid, p, ab);
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    best
}

/// `C(N, A)·exp(−(N − A)·τ / h)`: the share of Poisson calls on `n` agents
/// with load `a` Erlangs and mean handle `h` that wait longer than `τ`
/// (1 when `n ≤ a`).
pub fn predictive_abandon(n: u32, a: f64, h: f64, tau: f64) -> f64 {
    if f64::from(n) <= a {
        return 1.0;
    }
    erlang_c(n, a) * (-(f64::from(n) - a) * tau / h).exp()
}

#[cfg(test)]
mod tests;
