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
//! common random numbers, so two reserves differ only by the reserve),
//! **day by day**: a day with a sick team keeps a larger reserve without
//! taking the others' calls away.
//! When even the most agents (a reserve no idle count reaches: the group
//! never calls out) miss some targets, as in a review of a short team, the
//! rule is the least reserve that misses **no more** than that: blending
//! adds no miss. A day whose service level as a whole falls below its
//! target counts as a miss too (each interval may be just inside its own).

use serde::{Deserialize, Serialize};

use jiff::civil::Date;

use super::{misses_target, SimError, SimResult, Simulation};
use crate::models::staffing::Targets;

/// One run of the search: a reserve for every day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveTrial {
    /// The blended group.
    pub group: String,
    /// The largest reserve of the run's days.
    pub reserve: u32,
    /// The reserve of each day tried, in date order.
    #[serde(default)]
    pub by_day: Vec<u32>,
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
    /// Every run of the search, in order.
    pub trials: Vec<ReserveTrial>,
    /// The largest reserve chosen per blended group (the day's are set in
    /// the simulation).
    pub chosen: Vec<(String, u32)>,
    /// The reserve chosen per blended group and day.
    #[serde(default)]
    pub by_day: Vec<(String, Date, u32)>,
}

/// Chooses each blended group's reserve **day by day** (see the module
/// documentation) and leaves them set in `sim`; `targets` gives a
/// channel's targets by name (`None`: no target, never missed). The days
/// are searched together: each run of the simulation tries every open
/// day's middle reserve, and a day's misses move only its own bounds (the
/// days of a run share little: outbound lists do not carry over midnight,
/// queues are short), so the search takes about `log2(agents)` runs
/// whatever the number of days.
pub fn choose_reserves(
    sim: &mut Simulation,
    targets: &dyn Fn(&str) -> Option<Targets>,
) -> Result<ReserveChoice, SimError> {
    search(sim, targets).map(|x| x.0)
}

/// [`choose_reserves`], then the simulation with the reserves chosen: the
/// search's last run when it was already at them (it usually is: the
/// reserves are checked together at the end), else one more run.
pub fn choose_reserves_and_run(
    sim: &mut Simulation,
    targets: &dyn Fn(&str) -> Option<Targets>,
) -> Result<(ReserveChoice, SimResult), SimError> {
    let (choice, last) = search(sim, targets)?;
    let r = match last {
        Some(r) => r,
        None => sim.run(None)?,
    };
    Ok((choice, r))
}

/// The search behind [`choose_reserves`], with its last run if it was at
/// the reserves chosen.
fn search(
    sim: &mut Simulation,
    targets: &dyn Fn(&str) -> Option<Targets>,
) -> Result<(ReserveChoice, Option<SimResult>), SimError> {
    let mut final_run: Option<SimResult> = None;
    let mut out = ReserveChoice {
        trials: Vec::new(),
        chosen: Vec::new(),
        by_day: Vec::new(),
    };
    let periods = sim.periods();
    let days: Vec<(usize, usize)> = periods[..periods.len().saturating_sub(1)].to_vec();
    let dates: Vec<Date> = days.iter().map(|&(a, _)| sim.labels[a].0).collect();
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
        let cap = sim.channels[oc]
            .campaign
            .filter(|k| k.mode == crate::models::dialer::DialerMode::Predictive)
            .map(|k| k.abandon_cap);
        // One run at the given reserve per day: per day, the inbound misses
        // and whether its drops are over the cap.
        let mut last: Option<(Vec<u32>, SimResult)> = None;
        let mut run =
            |by_day: &[u32], sim: &mut Simulation| -> Result<Vec<(usize, bool)>, SimError> {
                let mut per = vec![0u32; sim.intervals];
                for (k, &(a, b)) in days.iter().enumerate() {
                    per[a..b].iter_mut().for_each(|x| *x = by_day[k]);
                }
                sim.groups[g].reserves = per;
                let r = sim.run(None)?;
                let over: Vec<Date> = cap.map_or(Vec::new(), |cap| {
                    r.campaign_days(oc)
                        .iter()
                        .filter(|d| d.abandon_share() > cap)
                        .map(|d| d.date)
                        .collect()
                });
                let mut res = Vec::with_capacity(days.len());
                for (k, &(a, b)) in days.iter().enumerate() {
                    let mut misses = 0;
                    for &c in &inbound {
                        let Some(t) = targets(&sim.channels[c].name) else {
                            continue;
                        };
                        misses += (a..b)
                            .filter(|&i| r.interval(c, i).is_some_and(|m| misses_target(&t, &m)))
                            .count();
                        // The day as a whole below its service-level target
                        // counts too (many intervals each just inside theirs).
                        if let (Some(sl), Some(m)) = (t.service_level, r.span(c, a, b)) {
                            if m.service_level.mean < sl {
                                misses += 1;
                            }
                        }
                    }
                    res.push((misses, over.contains(&dates[k])));
                }
                let days_ = r.campaign_days(oc);
                out.trials.push(ReserveTrial {
                    group: name.clone(),
                    reserve: by_day.iter().copied().max().unwrap_or(0),
                    by_day: by_day.to_vec(),
                    inbound_misses: res.iter().map(|x| x.0).sum(),
                    outbound_calls: r.summary_all(oc).map_or(0.0, |m| m.answered.mean),
                    abandon_share: days_.iter().map(|d| d.abandon_share()).fold(0.0, f64::max),
                    days_over_cap: over.len(),
                });
                last = Some((by_day.to_vec(), r));
                Ok(res)
            };
        // Misses fall as the reserve grows: per day, the least reserve with
        // no more misses (and no more days over the cap) than at the most
        // agents, where the group cannot call out: none when the staffing
        // meets every target; when it does not, blending adds no miss.
        let n = days.len();
        let at_zero = run(&vec![0; n], sim)?;
        let need: Vec<bool> = at_zero.iter().map(|&(m, o)| m > 0 || o).collect();
        let mut chosen = vec![0u32; n];
        if most > 0 && need.iter().any(|&x| x) {
            let floor = run(&vec![most; n], sim)?;
            let (mut lo, mut hi) = (vec![0u32; n], vec![most; n]);
            for k in 0..n {
                if !need[k] || (at_zero[k].0 <= floor[k].0 && (!at_zero[k].1 || floor[k].1)) {
                    hi[k] = 0;
                }
            }
            while (0..n).any(|k| hi[k] > lo[k] + 1) {
                let mid: Vec<u32> = (0..n)
                    .map(|k| {
                        if hi[k] > lo[k] + 1 {
                            lo[k] + (hi[k] - lo[k]) / 2
                        } else {
                            hi[k]
                        }
                    })
                    .collect();
                let res = run(&mid, sim)?;
                for k in 0..n {
                    if hi[k] > lo[k] + 1 {
                        let ok = res[k].0 <= floor[k].0 && (!res[k].1 || floor[k].1);
                        if ok {
                            hi[k] = mid[k];
                        } else {
                            lo[k] = mid[k];
                        }
                    }
                }
            }
            chosen = hi;
            // The days share a little (retries, queues across midnight):
            // check the days' reserves together and raise a day that now
            // misses more than its floor, a few times at most.
            for _ in 0..8 {
                let res = run(&chosen, sim)?;
                let mut raised = false;
                for k in 0..n {
                    let ok = res[k].0 <= floor[k].0 && (!res[k].1 || floor[k].1);
                    if !ok && chosen[k] < most {
                        chosen[k] = (chosen[k] * 2).max(chosen[k] + 1).min(most);
                        raised = true;
                    }
                }
                if !raised {
                    break;
                }
            }
        }
        let mut per = vec![0u32; sim.intervals];
        for (k, &(a, b)) in days.iter().enumerate() {
            per[a..b].iter_mut().for_each(|x| *x = chosen[k]);
            out.by_day.push((name.clone(), dates[k], chosen[k]));
        }
        let top = chosen.iter().copied().max().unwrap_or(0);
        sim.groups[g].reserves = per;
        sim.groups[g].outbound = Some((oc, top));
        out.chosen.push((name, top));
        // Earlier groups are set already: the last run stands for the whole
        // choice if it was at this group's reserves.
        final_run = last.filter(|(v, _)| *v == chosen).map(|(_, r)| r);
    }
    Ok((out, final_run))
}
