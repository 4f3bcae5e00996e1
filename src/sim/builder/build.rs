//! [`SimBuilder::build`]: every setting checked, and the channels, groups,
//! blends, campaigns, call lists and pacing made ready to run.

use super::*;

impl SimBuilder {
    /// Checks everything and builds the simulation.
    pub fn build(self) -> Result<Simulation, SimError> {
        let n = self.intervals;
        self.check_grid()?;
        self.check_work()?;
        let names: Vec<&str> = self.channels.iter().map(|c| c.name.as_str()).collect();
        let index = |name: &str| names.iter().position(|n| *n == name);
        let mut channels = self.channel_runtimes(&index)?;
        let (mut groups, groups_of) = self.group_runtimes(&channels, &index)?;
        let overflow_from = overflow_indices(&groups, &self.overflow)?;
        self.blends(&mut groups, &index)?;
        for (name, camp) in &self.campaigns {
            let c = index(name).ok_or_else(|| SimError::Blend {
                group: String::new(),
                why: format!("campaign of unknown channel {name:?}"),
            })?;
            if let Some((key, what)) = camp.invalid() {
                return Err(SimError::Blend {
                    group: String::new(),
                    why: format!("campaign {name}: outbound.{key}: {what}"),
                });
            }
            channels[c].campaign = Some(*camp);
        }
        let mut call_lists: Vec<Vec<u32>> = vec![Vec::new(); channels.len()];
        for (name, list) in &self.lists {
            let c = index(name).ok_or_else(|| SimError::Blend {
                group: String::new(),
                why: format!("call list of unknown channel {name:?}"),
            })?;
            if list.len() != n {
                return Err(SimError::Length {
                    what: format!("call list of {name}"),
                    got: list.len(),
                    want: n,
                });
            }
            call_lists[c] = list.clone();
        }
        let pacing = self.pacings(&channels, &call_lists, n)?;
        let start = |list: &[(String, u32)]| -> Result<Vec<(usize, u32)>, SimError> {
            list.iter()
                .map(|(name, k)| {
                    index(name)
                        .map(|c| (c, *k))
                        .ok_or_else(|| SimError::StartChannel(name.clone()))
                })
                .collect()
        };
        let start_waiting = start(&self.start_waiting)?;
        let start_busy = start(&self.start_busy)?;
        let im = self.interval_min;
        let labels = self.labels.unwrap_or_else(|| default_labels(n, im));
        Ok(Simulation {
            interval_s: im as f64 * 60.0,
            intervals: n,
            labels,
            channels,
            groups,
            groups_of,
            overflow_from,
            call_lists,
            pacing,
            start_waiting,
            start_busy,
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
        })
    }

    /// Intervals, their length, replications and labels.
    fn check_grid(&self) -> Result<(), SimError> {
        let n = self.intervals;
        if n == 0 {
            return Err(SimError::NoIntervals);
        }
        let im = self.interval_min;
        if crate::core::grid::check_interval_min(im).is_err() {
            return Err(SimError::Interval(im));
        }
        if self.replications == 0 {
            return Err(SimError::Replications);
        }
        if let Some(l) = &self.labels {
            if l.len() != n {
                return Err(SimError::Labels(format!(
                    "{} labels for {n} intervals",
                    l.len()
                )));
            }
            if let Some(i) = (1..l.len()).find(|&i| l[i] <= l[i - 1]) {
                return Err(SimError::Labels(format!(
                    "label {i} ({} {}) does not come after the one before",
                    l[i].0, l[i].1
                )));
            }
        }
        Ok(())
    }

    /// The work against [`SimLimits`]: interval results kept, and arrivals
    /// plus outbound attempts simulated.
    fn check_work(&self) -> Result<(), SimError> {
        for (setting, value) in [
            ("SimLimits.max_contacts", self.limits.max_contacts),
            ("SimLimits.max_cells", self.limits.max_cells),
        ] {
            if !(value.is_finite() && value >= 1.0) {
                let setting = setting.into();
                return Err(SimError::Limit { setting, value });
            }
        }
        let n = self.intervals;
        let reps = self.replications as f64;
        let cells = n as f64 * (self.channels.len() + self.groups.len()) as f64 * reps;
        if cells > self.limits.max_cells {
            return Err(SimError::TooMuchWork {
                what: format!(
                    "{n} intervals × {} channels and groups × {} replications of interval results",
                    self.channels.len() + self.groups.len(),
                    self.replications
                ),
                estimate: cells,
                limit: self.limits.max_cells,
                flag: "SimLimits.max_cells".into(),
            });
        }
        let volume: f64 = self
            .channels
            .iter()
            .flat_map(|c| c.volumes.iter())
            .filter(|v| v.is_finite())
            .sum::<f64>()
            + self
                .lists
                .iter()
                .flat_map(|(_, l)| l.iter())
                .map(|&n| f64::from(n))
                .sum::<f64>();
        let contacts = volume * reps;
        if contacts.is_nan() || contacts > self.limits.max_contacts {
            return Err(SimError::TooMuchWork {
                what: format!(
                    "{volume:.3e} contacts × {} replications to simulate",
                    self.replications
                ),
                estimate: contacts,
                limit: self.limits.max_contacts,
                flag: "SimLimits.max_contacts".into(),
            });
        }
        Ok(())
    }

    /// Each channel checked and made ready to run: its arrival process,
    /// handle and patience shapes, retries and callbacks.
    fn channel_runtimes(
        &self,
        index: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<Vec<ChannelRt>, SimError> {
        let (n, im) = (self.intervals, self.interval_min);
        let mut channels = Vec::new();
        for c in &self.channels {
            let err = |m: String| SimError::Channel {
                channel: c.name.clone(),
                message: m,
            };
            for (what, len) in [
                ("volumes", c.volumes.len()),
                ("aht_s", c.aht_s.len()),
                ("patience_s", c.patience_s.len()),
            ] {
                if len != n {
                    return Err(SimError::Length {
                        what: format!("channel {} {what}", c.name),
                        got: len,
                        want: n,
                    });
                }
            }
            if let Some((i, a)) = c
                .aht_s
                .iter()
                .enumerate()
                .find(|(i, a)| !(a.is_finite() && **a > 0.0) && c.volumes[*i] > 0.0)
            {
                return Err(err(format!("interval {i}: aht_s must be > 0, got {a}")));
            }
            if let Some(p) = c
                .patience_s
                .iter()
                .flatten()
                .find(|p| !(p.is_finite() && **p > 0.0))
            {
                return Err(err(format!("patience_s must be > 0, got {p}")));
            }
            if !(0.0..=1.0).contains(&c.containment) {
                return Err(err(format!(
                    "containment must be a share in [0, 1], got {}",
                    c.containment
                )));
            }
            let process = ArrivalProcess::new(&c.volumes, im)
                .and_then(|p| p.with_overdispersion(self.overdispersion))
                .map_err(|source| SimError::Arrivals {
                    channel: c.name.clone(),
                    source,
                })?;
            let s = &c.sim;
            let retry_channel = match &s.retry_channel {
                None => None,
                Some(r) => Some(index(r).ok_or_else(|| {
                    err(format!(
                        "retry_channel {r:?} is not a channel of the simulation"
                    ))
                })?),
            };
            channels.push(ChannelRt {
                name: c.name.clone(),
                kind: c.kind,
                process,
                containment: c.containment,
                bot_time_s: s.bot_time_s,
                handle: s
                    .handle_time
                    .unit()
                    .map_err(|e| err(format!("handle_time: {e}")))?,
                patience: s
                    .patience
                    .unit()
                    .map_err(|e| err(format!("patience: {e}")))?,
                aht_s: c
                    .aht_s
                    .iter()
                    .map(|a| if a.is_finite() && *a > 0.0 { *a } else { 1.0 })
                    .collect(),
                patience_s: c.patience_s.clone(),
                answer_within_s: c.answer_within_s,
                sl_definition: c.sl_definition,
                retry_prob: s.retry_prob,
                retry_delay_s: s.retry_delay_s,
                retry_channel,
                callback_threshold_s: s.callback_threshold_s,
                callback_share: s.callback_share,
                callback_deadline_s: s.callback_deadline_s,
                campaign: None,
            });
        }
        Ok(channels)
    }

    /// Each group checked (agents, concurrency, its channels) and the
    /// groups serving each channel; every channel must be served.
    #[allow(clippy::type_complexity)]
    fn group_runtimes(
        &self,
        channels: &[ChannelRt],
        index: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<(Vec<GroupRt>, Vec<Vec<usize>>), SimError> {
        let n = self.intervals;
        let mut groups = Vec::new();
        let mut groups_of = vec![Vec::new(); channels.len()];
        for (gi, g) in self.groups.iter().enumerate() {
            if g.agents.len() != n {
                return Err(SimError::Length {
                    what: format!("group {} agents", g.name),
                    got: g.agents.len(),
                    want: n,
                });
            }
            if let Some(&most) = g.agents.iter().max().filter(|&&m| m > MAX_AGENTS) {
                return Err(SimError::TooManyAgents {
                    group: g.name.clone(),
                    agents: most,
                    max: MAX_AGENTS,
                });
            }
            let most = g.agents.iter().copied().max().unwrap_or(0);
            if u64::from(most) * u64::from(g.concurrency) > MAX_SLOTS {
                return Err(SimError::Concurrency {
                    group: g.name.clone(),
                    concurrency: g.concurrency,
                    why: format!(
                        "gives {most} agents × {} = {} slots in an interval; the simulator takes at most {MAX_SLOTS}",
                        g.concurrency,
                        u64::from(most) * u64::from(g.concurrency)
                    ),
                });
            }
            if g.concurrency == 0 {
                return Err(SimError::Concurrency {
                    group: g.name.clone(),
                    concurrency: 0,
                    why: "must be at least 1".into(),
                });
            }
            let mut realtime = Vec::new();
            let mut deferred = Vec::new();
            for name in &g.channels {
                let c = index(name).ok_or_else(|| SimError::UnknownChannel {
                    group: g.name.clone(),
                    channel: name.clone(),
                })?;
                if g.concurrency > 1 && channels[c].kind == ChannelKind::Voice {
                    return Err(SimError::Concurrency {
                        group: g.name.clone(),
                        concurrency: g.concurrency,
                        why: format!(
                            "cannot serve voice channel {name}: an agent takes one call at a time"
                        ),
                    });
                }
                if channels[c].kind == ChannelKind::Deferred {
                    deferred.push(c);
                } else {
                    realtime.push(c);
                }
                groups_of[c].push(gi);
            }
            groups.push(GroupRt {
                name: g.name.clone(),
                realtime,
                deferred,
                concurrency: g.concurrency,
                agents: g.agents.clone(),
                outbound: None,
                reserves: Vec::new(),
            });
        }
        for (c, gs) in groups_of.iter().enumerate() {
            if gs.is_empty() {
                return Err(SimError::Unserved(channels[c].name.clone()));
            }
        }
        Ok((groups, groups_of))
    }

    /// Each blend: a group of one call at a time calling out on one of its
    /// channels under a reserve.
    fn blends(
        &self,
        groups: &mut [GroupRt],
        index: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<(), SimError> {
        for (g, out, reserve) in &self.blend {
            let why = |w: String| SimError::Blend {
                group: g.clone(),
                why: w,
            };
            let gi = groups
                .iter()
                .position(|x| &x.name == g)
                .ok_or_else(|| SimError::UnknownGroup(g.clone()))?;
            let c = index(out).ok_or_else(|| why(format!("unknown channel {out:?}")))?;
            if !groups[gi].realtime.contains(&c) {
                return Err(why(format!(
                    "the group does not serve {out:?}: add it to its channels"
                )));
            }
            if groups[gi].concurrency != 1 {
                return Err(why(
                    "a blended group takes one call at a time (concurrency 1)".into(),
                ));
            }
            if groups[gi].outbound.is_some() {
                return Err(why("one outbound channel per group".into()));
            }
            groups[gi].outbound = Some((c, *reserve));
        }
        Ok(())
    }
}

/// Labels of `n` intervals of `im` minutes from 2000-01-01 00:00, for a
/// simulation given none.
fn default_labels(n: usize, im: u32) -> Vec<(Date, Time)> {
    let d: Date = Date::constant(2000, 1, 1);
    (0..n)
        .map(|i| {
            let min = (i as u32 * im) % 1440;
            let day = (i as u32 * im / 1440) as i64;
            (
                d.checked_add(jiff::Span::new().days(day)).unwrap_or(d),
                Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("minute of day"),
            )
        })
        .collect()
}

/// Each group's overflow sources as indices, checked: known groups, no
/// group its own source, no cycle (`a` after `b` after … after `a`).
fn overflow_indices(
    groups: &[super::GroupRt],
    overflow: &[(String, Vec<String>)],
) -> Result<Vec<Vec<usize>>, SimError> {
    let index = |name: &str| groups.iter().position(|g| g.name == name);
    let mut out = vec![Vec::new(); groups.len()];
    for (g, from) in overflow {
        let gi = index(g).ok_or_else(|| SimError::UnknownGroup(g.clone()))?;
        for f in from {
            let fi = index(f).ok_or_else(|| SimError::UnknownGroup(f.clone()))?;
            if !out[gi].contains(&fi) {
                out[gi].push(fi);
            }
        }
    }
    // A cycle: depth-first search with colours.
    fn visit(
        g: usize,
        out: &[Vec<usize>],
        colour: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        colour[g] = 1;
        path.push(g);
        for &h in &out[g] {
            if colour[h] == 1 {
                let at = path.iter().position(|&x| x == h).unwrap_or(0);
                let mut cycle = path[at..].to_vec();
                cycle.push(h);
                return Some(cycle);
            }
            if colour[h] == 0 {
                if let Some(c) = visit(h, out, colour, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        colour[g] = 2;
        None
    }
    let mut colour = vec![0u8; groups.len()];
    for g in 0..groups.len() {
        if colour[g] == 0 {
            if let Some(c) = visit(g, &out, &mut colour, &mut Vec::new()) {
                return Err(SimError::CyclicOverflow(
                    c.iter()
                        .map(|&i| groups[i].name.clone())
                        .collect::<Vec<_>>()
                        .join(" after "),
                ));
            }
        }
    }
    Ok(out)
}

impl SimBuilder {
    /// Each channel's predictive pacing per interval (empty for other
    /// channels): given, else the campaign's, else the staffing model's.
    fn pacings(
        &self,
        channels: &[super::ChannelRt],
        call_lists: &[Vec<u32>],
        n: usize,
    ) -> Result<Vec<Vec<f64>>, SimError> {
        use crate::models::dialer::{staff_campaign, DialerMode};
        let why = |name: &str, w: String| SimError::Blend {
            group: String::new(),
            why: format!("campaign {name}: {w}"),
        };
        let mut out = vec![Vec::new(); channels.len()];
        for (c, ch) in channels.iter().enumerate() {
            let Some(camp) = ch.campaign.filter(|k| k.mode == DialerMode::Predictive) else {
                continue;
            };
            if let Some((_, p)) = self.pacings.iter().rev().find(|(x, _)| *x == ch.name) {
                if p.len() != n {
                    return Err(SimError::Length {
                        what: format!("pacing of {}", ch.name),
                        got: p.len(),
                        want: n,
                    });
                }
                if let Some(bad) = p
                    .iter()
                    .find(|v| !(v.is_finite() && **v > 0.0 && **v <= 64.0))
                {
                    return Err(why(
                        &ch.name,
                        format!("pacing: expected lines per idle agent in (0, 64], got {bad}"),
                    ));
                }
                out[c] = p.clone();
            } else if let Some(p) = camp.pacing {
                out[c] = vec![p; n];
            } else if call_lists[c].is_empty() {
                return Err(why(
                    &ch.name,
                    "a predictive dialer with an unlimited call list needs outbound.pacing".into(),
                ));
            } else {
                // The staffing model's pacing of each interval's attempts,
                // by relative buckets (the next power of 1.05 above the
                // attempts, exact below 20: the pacing is a ratio that
                // moves slowly with the load, and each search simulates),
                // the buckets searched in parallel.
                let bucket = |k: u32| -> u32 {
                    if k <= 20 {
                        k
                    } else {
                        let b = (f64::from(k).ln() / 1.05f64.ln()).ceil();
                        (1.05f64.powf(b).round() as u32).max(k)
                    }
                };
                let mut keys: Vec<u32> = call_lists[c].iter().map(|&k| bucket(k)).collect();
                keys.sort_unstable();
                keys.dedup();
                use rayon::prelude::*;
                let found: Vec<(u32, f64)> = keys
                    .par_iter()
                    .map(|&k| {
                        staff_campaign(f64::from(k), self.interval_min, &camp)
                            .map(|s| (k, s.pacing))
                            .map_err(|e| why(&ch.name, e.to_string()))
                    })
                    .collect::<Result<_, _>>()?;
                let memo: std::collections::HashMap<u32, f64> = found.into_iter().collect();
                let v: Vec<f64> = call_lists[c]
                    .iter()
                    .map(|&k| {
                        let p = memo[&bucket(k)];
                        // An interval without attempts dials nothing anyway.
                        if p > 0.0 {
                            p
                        } else {
                            1.0
                        }
                    })
                    .collect();
                out[c] = v;
            }
        }
        Ok(out)
    }
}
