//! A contact's way through the centre: its arrival (a first try or a
//! retry), the bot, joining a queue or taking a callback, and abandoning.

use super::*;

impl Engine<'_, '_> {
    pub(super) fn arrive(&mut self, c: usize, retry: bool) {
        let sim = self.sim;
        let t = self.t;
        let id = self.new_contact(c, t, usize::from(retry));
        let iv = self.contacts[id as usize].iv as usize;
        let cell = self.stats.cell(iv, c);
        cell.offered += 1;
        if retry {
            cell.retries += 1;
        }
        let ch = &sim.channels[c];
        if ch.containment > 0.0 {
            let key = self.contacts[id as usize].key;
            let mut g = self.draw(key, 1);
            let solves = g.random::<f64>() < ch.containment;
            if ch.bot_time_s > 0.0 {
                let d: f64 = Exp1.sample(&mut g);
                let ct = &mut self.contacts[id as usize];
                ct.state = State::Bot;
                ct.bot_solves = solves;
                let gen = ct.gen;
                self.push(t + d * ch.bot_time_s, Kind::BotDone, id, gen);
                return;
            }
            if solves {
                self.bot_solved(id);
                return;
            }
        }
        self.join(c, id);
    }

    pub(super) fn bot_solved(&mut self, id: u32) {
        let ct = self.contacts[id as usize];
        self.stats.cell(ct.iv as usize, ct.ch as usize).bot_solved += 1;
        self.trace_row(&ct, "bot", 0.0, 0.0, "");
        self.free_contact(id);
    }

    pub(super) fn bot_done(&mut self, id: u32, gen: u32) {
        let ct = self.contacts[id as usize];
        if ct.gen != gen || ct.state != State::Bot {
            return;
        }
        if ct.bot_solves {
            self.bot_solved(id);
        } else {
            self.contacts[id as usize].join = self.t;
            self.join(ct.ch as usize, id);
        }
    }

    /// A contact enters the human part of the center.
    pub(super) fn join(&mut self, c: usize, id: u32) {
        let sim = self.sim;
        let work = self.work_clock(c);
        let contact = &mut self.contacts[id as usize];
        contact.join = self.t;
        contact.join_work = work;
        // The longest-idle eligible agent, across the groups serving c; a
        // group that overflows from another serving c with an idle agent
        // waits for it.
        let mut best: Option<(usize, f64)> = None;
        for &g in &sim.groups_of[c] {
            self.clean_idle(g);
        }
        for &g in &sim.groups_of[c] {
            if let Some(&(_, _, since)) = self.idle[g].front() {
                let wait = sim.overflow_from[g]
                    .iter()
                    .any(|&h| sim.groups_of[c].contains(&h) && !self.idle[h].is_empty());
                if !wait && best.is_none_or(|(_, s)| since < s) {
                    best = Some((g, since));
                }
            }
        }
        if let Some((g, _)) = best {
            let a = self.take_idle(g).expect("cleaned front");
            self.begin_service(a, id, true);
            return;
        }
        let ch = &sim.channels[c];
        if ch.kind != ChannelKind::Deferred {
            if let Some(threshold) = ch.callback_threshold_s {
                let key = self.contacts[id as usize].key;
                if self.expected_wait(c) > threshold
                    && self.draw(key, 2).random::<f64>() < ch.callback_share
                {
                    let ct = &mut self.contacts[id as usize];
                    ct.callback = true;
                    ct.state = State::CallbackWaiting;
                    let gen = ct.gen;
                    let iv = ct.iv as usize;
                    self.callbacks[c].push_back((id, gen));
                    self.stats.cell(iv, c).callbacks += 1;
                    return;
                }
            }
        }
        self.enqueue(c, id);
    }

    pub(super) fn enqueue(&mut self, c: usize, id: u32) {
        let sim = self.sim;
        self.touch_queue(c);
        let ct = &mut self.contacts[id as usize];
        ct.state = State::Waiting;
        let gen = ct.gen;
        let iv = ct.iv as usize;
        let key = ct.key;
        self.queues[c].push_back((id, gen));
        self.waiting[c] += 1;
        let ch = &sim.channels[c];
        if ch.kind != ChannelKind::Deferred {
            if let Some(mean) = ch.patience_s[iv] {
                let p = ch.patience.sample(&mut self.draw(key, 3)) * mean;
                if p.is_finite() {
                    self.push(self.t + p, Kind::Abandon, id, gen);
                }
            }
        }
    }

    /// Expected wait of a new arrival: (waiting + 1) · aht / capacity.
    pub(super) fn expected_wait(&self, c: usize) -> f64 {
        let sim = self.sim;
        let cap: u32 = sim.groups_of[c]
            .iter()
            .map(|&g| self.present[g] * sim.groups[g].concurrency)
            .sum();
        if cap == 0 {
            return f64::INFINITY;
        }
        let iv = self.interval_of(self.t) as usize;
        (self.waiting[c] + 1) as f64 * sim.channels[c].aht_s[iv] / cap as f64
    }

    pub(super) fn touch_queue(&mut self, c: usize) {
        self.queue_area[c] += self.waiting[c] as f64 * (self.t - self.queue_last[c]);
        self.queue_last[c] = self.t;
    }

    pub(super) fn abandon(&mut self, id: u32, gen: u32) {
        let ct = self.contacts[id as usize];
        if ct.gen != gen || ct.state != State::Waiting {
            return;
        }
        let sim = self.sim;
        let c = ct.ch as usize;
        self.touch_queue(c);
        self.waiting[c] -= 1;
        let wait = self.t - ct.join;
        let within = wait <= sim.channels[c].answer_within_s;
        let cell = self.stats.cell(ct.iv as usize, c);
        cell.abandoned += 1;
        cell.wait_all_sum += wait;
        if within {
            cell.abandoned_within += 1;
        }
        self.trace_row(&ct, "abandoned", wait, 0.0, "");
        self.free_contact(id);
        let ch = &sim.channels[c];
        let mut g = self.draw(ct.key, 4);
        if ch.retry_prob > 0.0 && g.random::<f64>() < ch.retry_prob {
            let d: f64 = Exp1.sample(&mut g);
            let to = ch.retry_channel.unwrap_or(c);
            self.push(self.t + d * ch.retry_delay_s, Kind::Retry, to as u32, 0);
        }
    }
}
