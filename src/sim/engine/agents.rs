//! Agents' free slots: the next contact to serve, calling out, and the
//! idle queue of each group.

use super::*;

impl Engine<'_, '_> {
    /// A slot of agent `a` is free: take the next work, or (a blended
    /// group with at least `reserve` other agents idle) call out, or wait
    /// idle.
    pub(super) fn slot_free(&mut self, a: u32) {
        let g = self.agents[a as usize].group as usize;
        // A predictive call answered and waiting (dropped within seconds)
        // comes before the queue.
        if let Some(id) = self.pop_answered(g) {
            self.connect(a, id);
            return;
        }
        match self.next_work(g) {
            Some(id) => self.begin_service(a, id, true),
            None => {
                if let Some((c, _)) = self.sim.groups[g].outbound {
                    let reserve = self.reserve(g);
                    if self.is_predictive(c) {
                        self.push_idle(g, a);
                        self.pace(g);
                        return;
                    }
                    if self.idle_agents(g) >= reserve {
                        if let Some(account) = self.take_attempt(c) {
                            self.call_out(a, c, account);
                            return;
                        }
                    }
                }
                self.push_idle(g, a);
            }
        }
    }

    /// A slot of agent `a` of group `g` waits idle.
    pub(super) fn push_idle(&mut self, g: usize, a: u32) {
        let gen = self.agents[a as usize].gen;
        self.idle[g].push_back((a, gen, self.t));
        self.idle_n[g] += 1;
    }

    /// The next contact for an agent of group g: the oldest live contact of
    /// its highest-priority real-time channel, then the oldest callback, then
    /// deferred work in priority order.
    pub(super) fn next_work(&mut self, g: usize) -> Option<u32> {
        let sim = self.sim;
        for &c in &sim.groups[g].realtime {
            if let Some(id) = self.pop_queue(c) {
                return Some(id);
            }
        }
        let mut best: Option<(usize, f64)> = None;
        for &c in &sim.groups[g].realtime {
            while let Some(&(id, gen)) = self.callbacks[c].front() {
                let ct = self.contacts[id as usize];
                if ct.gen == gen && ct.state == State::CallbackWaiting {
                    if best.is_none_or(|(_, j)| ct.join < j) {
                        best = Some((c, ct.join));
                    }
                    break;
                }
                self.callbacks[c].pop_front();
            }
        }
        if let Some((c, _)) = best {
            let (id, _) = self.callbacks[c].pop_front().expect("front");
            return Some(id);
        }
        for &c in &sim.groups[g].deferred {
            if let Some(id) = self.pop_queue(c) {
                return Some(id);
            }
        }
        None
    }

    pub(super) fn pop_queue(&mut self, c: usize) -> Option<u32> {
        while let Some((id, gen)) = self.queues[c].pop_front() {
            let ct = self.contacts[id as usize];
            if ct.gen == gen && ct.state == State::Waiting {
                self.touch_queue(c);
                self.waiting[c] -= 1;
                return Some(id);
            }
        }
        None
    }

    pub(super) fn clean_idle(&mut self, g: usize) {
        while let Some(&(a, gen, _)) = self.idle[g].front() {
            let ag = self.agents[a as usize];
            if ag.gen == gen && ag.present && !ag.leaving {
                return;
            }
            self.idle[g].pop_front();
        }
    }

    pub(super) fn take_idle(&mut self, g: usize) -> Option<u32> {
        self.clean_idle(g);
        let a = self.idle[g].pop_front().map(|(a, _, _)| a);
        if a.is_some() {
            self.idle_n[g] -= 1;
        }
        a
    }

    /// Blended group `g`'s reserve now (0 for a group that does not blend).
    pub(super) fn reserve(&self, g: usize) -> u32 {
        let grp = &self.sim.groups[g];
        match grp.reserves.get(self.interval_of(self.t) as usize) {
            Some(&r) => r,
            None => grp.outbound.map_or(0, |(_, r)| r),
        }
    }

    /// Idle agents of group `g` now (the idle queue's live entries; a
    /// blended group takes one call at a time).
    pub(super) fn idle_agents(&self, g: usize) -> u32 {
        debug_assert_eq!(
            self.idle_n[g],
            self.idle[g]
                .iter()
                .filter(|&&(a, gen, _)| {
                    let ag = self.agents[a as usize];
                    ag.gen == gen && ag.present && !ag.leaving
                })
                .count() as u32
        );
        self.idle_n[g]
    }
}
