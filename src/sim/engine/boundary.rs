//! Staffing changes at interval boundaries, and the time accounts they feed
//! (busy time, capacity, overtime, the deferred work clock, the backlog).

use super::*;

impl Engine<'_, '_> {
    pub(super) fn add_busy(&mut self, g: usize, from: f64, to: f64) {
        self.spread(Ledger::Busy, g, from, to, 1.0);
    }

    /// Overtime of agents finishing contacts after their shift: `slots`
    /// busy slots from `from` to `to`, added to the capacity.
    pub(super) fn add_overtime(&mut self, g: usize, from: f64, to: f64, slots: f64) {
        self.spread(Ledger::Capacity, g, from, to, slots);
    }

    /// Adds `w·(to − from)` to group g's `ledger`, split over the intervals
    /// the span covers (the last interval takes what runs past the horizon).
    #[inline]
    pub(super) fn spread(&mut self, ledger: Ledger, g: usize, mut from: f64, to: f64, w: f64) {
        let ng = self.sim.groups.len();
        while from < to {
            let i = self.interval_of(from) as usize;
            let end_i = if i + 1 == self.sim.intervals {
                to
            } else {
                ((i + 1) as f64 * self.sim.interval_s).min(to)
            };
            let book = match ledger {
                Ledger::Busy => &mut self.stats.busy,
                Ledger::Capacity => &mut self.stats.capacity,
            };
            book[i * ng + g] += w * (end_i - from);
            from = end_i;
        }
    }

    pub(super) fn snapshot_backlog(&mut self, i: usize) {
        for c in 0..self.sim.channels.len() {
            let pending_callbacks = self.callbacks[c]
                .iter()
                .filter(|&&(id, gen)| {
                    let ct = self.contacts[id as usize];
                    ct.gen == gen && ct.state == State::CallbackWaiting
                })
                .count() as u32;
            let backlog = if self.sim.channels[c].kind == ChannelKind::Deferred {
                self.waiting[c]
            } else {
                // An outbound channel: the attempts listed so far today not
                // made, while accounts wait to be called (none waiting: the
                // day's accounts are reached, capped or being called, and
                // nothing is behind for want of agents).
                let left = self.list_left[c].get(i).copied().unwrap_or(0);
                if self.sim.channels[c].campaign.is_some() && self.campaign_days[c].is_idle() {
                    0
                } else {
                    left
                }
            };
            let cell = self.stats.cell(i, c);
            cell.backlog = backlog + pending_callbacks;
        }
    }

    /// Applies the staffing of interval i to every group.
    pub(super) fn boundary(&mut self, i: usize) {
        let sim = self.sim;
        for g in 0..sim.groups.len() {
            let target = sim.groups[g].agents[i];
            let k = sim.groups[g].concurrency;
            self.stats.capacity[i * sim.groups.len() + g] =
                target as f64 * k as f64 * sim.interval_s;
            let mut have = self.present[g];
            // More agents: first keep those who were about to leave.
            if target > have {
                for a in 0..self.agents.len() {
                    if have >= target {
                        break;
                    }
                    let ag = self.agents[a];
                    if ag.group as usize == g && ag.present && ag.leaving {
                        // Its contacts all started before its shift ended.
                        self.add_overtime(g, ag.overtime_from, self.t, f64::from(ag.active));
                        let agent = &mut self.agents[a];
                        agent.leaving = false;
                        agent.gen = agent.gen.wrapping_add(1);
                        have += 1;
                        for _ in ag.active as u32..k {
                            self.slot_free(a as u32);
                        }
                    }
                }
                while have < target {
                    let a = match self.free_agents[g].pop() {
                        Some(a) => a,
                        None => {
                            self.agents.push(Agent {
                                group: g as u16,
                                active: 0,
                                gen: 0,
                                present: false,
                                leaving: false,
                                overtime_from: f64::NAN,
                            });
                            (self.agents.len() - 1) as u32
                        }
                    };
                    let agent = &mut self.agents[a as usize];
                    agent.group = g as u16;
                    agent.active = 0;
                    agent.present = true;
                    agent.leaving = false;
                    agent.gen = agent.gen.wrapping_add(1);
                    have += 1;
                    for _ in 0..k {
                        self.slot_free(a);
                    }
                }
            } else if target < have {
                // Fewer: idle agents go now, busy ones finish their contacts first.
                let mut excess = have - target;
                for pass in 0..2 {
                    for a in 0..self.agents.len() {
                        if excess == 0 {
                            break;
                        }
                        let ag = self.agents[a];
                        if ag.group as usize != g || !ag.present || ag.leaving {
                            continue;
                        }
                        if pass == 0 && ag.active > 0 {
                            continue;
                        }
                        // Its free slots' idle entries die with the old
                        // generation.
                        self.idle_n[g] -= k - u32::from(ag.active);
                        let agent = &mut self.agents[a];
                        agent.gen = agent.gen.wrapping_add(1);
                        if agent.active == 0 {
                            agent.present = false;
                            self.free_agents[g].push(a as u32);
                        } else {
                            agent.leaving = true;
                            agent.overtime_from = self.t;
                        }
                        excess -= 1;
                    }
                }
                have = target;
            }
            self.present[g] = have;
        }
        // Working clocks: a channel works while any group serving it has agents.
        for c in 0..sim.channels.len() {
            let open = sim.groups_of[c].iter().any(|&g| self.present[g] > 0);
            let since = self.open_since[c];
            if open && since.is_nan() {
                self.open_since[c] = self.t;
            } else if !open && !since.is_nan() {
                self.work_acc[c] += self.t - since;
                self.open_since[c] = f64::NAN;
            }
        }
    }

    /// The working clock of channel c: seconds so far with agents.
    #[inline]
    pub(super) fn work_clock(&self, c: usize) -> f64 {
        let since = self.open_since[c];
        self.work_acc[c] + if since.is_nan() { 0.0 } else { self.t - since }
    }
}
