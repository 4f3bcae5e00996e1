//! Choosing a blended group's reserve by simulation.
//!
//! A blended group ([`SimBuilder::blend`]) calls out only while at least
//! `reserve` other agents are idle. A larger reserve protects inbound
//! service and lowers outbound throughput, so the reserve that keeps every
//! inbound target while calling out most is the **least** reserve whose
//! simulation misses no inbound target ([`misses_target`], the rule the
//! plan and the review use) and, for a predictive campaign, no day's
//! share of dropped calls above the campaign's `abandon_cap` (the reserve
//! is also the buffer that takes answered calls: inbound contacts take the
//! idle agents a dialer paced on, so a blended dialer drops more than a
//! dedicated one at the same pacing). [`choose_reserves`] searches it for each
//! blended group in turn by bisection over `0..=most agents` (misses fall
//! as the reserve grows) on the one built simulation (the same seed:
//! common random numbers, so two reserves differ only by the reserve).
//! When even the most agents (a reserve no idle count reaches: the group
//! never calls out) miss some targets, as in a review of a short team, the
//! rule is the least reserve that misses **no more** than that: blending
//! adds no miss.

use serde::{Deserialize, Serialize};

use super::{misses_target, SimError, Simulation};
use crate::staffing::Targets;

/// One reserve tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveTrial {
    /// The blended group.
    pub group: String,
    /// The reserve tried.
    pub reserve: u32,
    /// Intervals × inbound channels of the group missing a target.
    pub inbound_misses: usize,
    /// Outbound calls made (mean over replications).
    pub outbound_calls: f64,
    /// Predictive: the largest share of a day's answered calls dropped
    /// (0 for other dialers).
    #[serde(default)]
    pub abandon_share: f64,
    /// Predictive: days whose dropped share is above the cap.
    #[serde(default)]
    pub days_over_cap: usize,
}

/// What [`choose_reserves`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveChoice {
    /// Every reserve tried, in order.
    pub trials: Vec<ReserveTrial>,
    /// The reserve chosen per blended group (now set in the simulation).
    pub chosen: Vec<(String, u32)>,
}

/// Chooses each blended group's reserve (see the module documentation)
/// and leaves it set in `sim`; `targets` gives a channel's targets by name
/// (`None`: no target, never missed).
pub fn choose_reserves(
    sim: &mut Simulation,
    targets: &dyn Fn(&str) -> Option<Targets>,
) -> Result<ReserveChoice, SimError> {
    let mut out = ReserveChoice {
        trials: Vec::new(),
        chosen: Vec::new(),
    };
    for g in 0..sim.groups.len() {
        let Some((oc, _)) = sim.groups[g].outbound else {
            continue;
        };
        let inbound: Vec<usize> = sim.groups[g]
            .realtime
            .iter()
            .copied()
            .filter(|&c| c != oc)
            .collect();
        let most = sim.groups[g].agents.iter().copied().max().unwrap_or(0);
        let name = sim.groups[g].name.clone();
        let mut misses_at = |reserve: u32, sim: &mut Simulation| -> Result<usize, SimError> {
            sim.groups[g].outbound = Some((oc, reserve));
            let r = sim.run(None)?;
            let mut misses = 0;
            for &c in &inbound {
                let Some(t) = targets(&sim.channels[c].name) else {
                    continue;
                };
                misses += (0..r.labels.len())
                    .filter(|&i| r.interval(c, i).is_some_and(|m| misses_target(&t, &m)))
                    .count();
            }
            let days = r.campaign_days(oc);
            let cap = sim.channels[oc]
                .campaign
                .filter(|k| k.mode == crate::dialer::DialerMode::Predictive)
                .map(|k| k.abandon_cap);
            let over = cap.map_or(0, |cap| {
                days.iter().filter(|d| d.abandon_share() > cap).count()
            });
            out.trials.push(ReserveTrial {
                group: name.clone(),
                reserve,
                inbound_misses: misses,
                outbound_calls: r.summary_all(oc).map_or(0.0, |m| m.answered.mean),
                abandon_share: days.iter().map(|d| d.abandon_share()).fold(0.0, f64::max),
                days_over_cap: over,
            });
            Ok(misses + over)
        };
        // Misses fall as the reserve grows: the least reserve with no more
        // than at the most agents (where the group cannot call out), by
        // bisection: none when the staffing meets every target; when it
        // does not, blending must add no miss.
        let at_zero = misses_at(0, sim)?;
        let floor = if at_zero == 0 || most == 0 {
            0
        } else {
            misses_at(most, sim)?
        };
        let reserve = if at_zero <= floor {
            0
        } else {
            let (mut lo, mut hi) = (0, most);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if misses_at(mid, sim)? <= floor {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        };
        sim.groups[g].outbound = Some((oc, reserve));
        out.chosen.push((sim.groups[g].name.clone(), reserve));
    }
    Ok(out)
}
