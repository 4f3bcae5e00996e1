//! The event loop of one replication.
//!
//! One 4-ary heap holds service completions, abandonments, bot hand-offs,
//! retries and interval boundaries (see [`super::queue`] for how ties
//! leave). Arrivals are not in the heap: each channel keeps an
//! [`ArrivalCursor`] and the loop compares its next arrival with the heap's
//! top. Contacts live in a slab that is reused, and queues hold
//! `(slot, generation)` pairs, so abandoned contacts are dropped lazily and
//! memory does not grow with the number of contacts.
//!
//! # Common random numbers
//! Two runs from the same seed that differ only in staffing, containment,
//! callbacks or routing see the same customers: each channel's arrivals come
//! from the channel's own stream, and every random attribute of a contact
//! (bot outcome and time, callback choice, patience, handle time, retry) is
//! drawn from a SplitMix64 generator seeded by the contact's key (channel
//! and arrival number) and the attribute, not from a stream shared in event
//! order. So the difference between two variants is measured on the same
//! customers, and its confidence interval from paired replications is much
//! narrower than from independent ones; a variant identical to the base
//! gives exactly the base's numbers.

use std::collections::VecDeque;
use std::io::Write;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::event::{Ev, Kind, OPERAND_MASK};
use super::queue::EventQueue;
use super::stats::{hist_bin, Cell, RepStats};
use rand::Rng;
use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

use super::Simulation;
use crate::models::arrivals::{stream_rng, ArrivalCursor, WfmRng};
use crate::models::channels::ChannelKind;
use crate::models::dialer::DialerMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Bot,
    Waiting,
    CallbackWaiting,
    InService,
    /// A predictive dialer's line, ringing.
    Ringing,
    /// A predictive call answered, waiting up to `answer_wait_s` for an agent.
    Answered,
}

#[derive(Debug, Clone, Copy)]
struct Contact {
    gen: u32,
    state: State,
    ch: u16,
    iv: u32,
    id: u64,
    /// The contact's key for common random numbers: channel, arrival kind
    /// (first arrival, retry, start state) and number.
    key: u64,
    arrive: f64,
    join: f64,
    start: f64,
    callback: bool,
    bot_solves: bool,
    group: u16,
    /// The channel's working clock when the contact joined (deferred work).
    join_work: f64,
    /// An outbound campaign's call: the account called (`u32::MAX` else).
    account: u32,
    /// An outbound campaign's call: answered by the right party.
    connected: bool,
    /// An outbound campaign's call: answered by someone else.
    wrong: bool,
}

#[derive(Debug, Clone, Copy)]
struct Agent {
    group: u16,
    active: u16,
    gen: u32,
    present: bool,
    leaving: bool,
    /// When a leaving agent's shift ended: from then on its busy time is
    /// overtime, counted in the capacity as well (occupancy stays ≤ 1).
    overtime_from: f64,
}

/// Which per-(interval, group) time account [`Engine::spread`] adds to.
#[derive(Debug, Clone, Copy)]
enum Ledger {
    Busy,
    Capacity,
}

/// The state of one replication.
pub(super) struct Engine<'a, 'w> {
    sim: &'a Simulation,
    /// Each channel's arrival stream.
    arrival_rngs: Vec<WfmRng>,
    /// The seed every contact's attribute generators derive from.
    key_seed: u64,
    /// Per channel: first arrivals, retries and start-state contacts so far.
    counts: Vec<[u64; 3]>,
    /// Attempts left on each outbound channel's call list, per interval.
    list_left: Vec<Vec<u32>>,
    /// Attempts left unmade earlier today, waiting for an interval with a
    /// list.
    list_carry: Vec<u32>,
    /// Per channel: a campaign's accounts of the day.
    campaign_days: Vec<CampaignDay>,
    /// Per group: its predictive dialer's lines ringing.
    ringing: Vec<u32>,
    /// Per group: its predictive dialer's day so far (date, connects,
    /// drops), for the abandonment cap.
    dialer_day: Vec<(Option<jiff::civil::Date>, u32, u32)>,
    /// Per group: answered predictive calls waiting for an agent, oldest
    /// first (contact, generation; cleaned lazily).
    answered: Vec<VecDeque<(u32, u32)>>,
    t: f64,
    inv_interval_s: f64,
    heap: EventQueue<Ev>,
    contacts: Vec<Contact>,
    free_contacts: Vec<u32>,
    next_id: u64,
    queues: Vec<VecDeque<(u32, u32)>>,
    callbacks: Vec<VecDeque<(u32, u32)>>,
    waiting: Vec<u32>,
    queue_area: Vec<f64>,
    queue_last: Vec<f64>,
    agents: Vec<Agent>,
    /// Free agent slots per group: a group reuses only its own slots, so
    /// the order of its agents (which ones leave at a staffing drop) does
    /// not depend on other groups (common random numbers across variants).
    free_agents: Vec<Vec<u32>>,
    idle: Vec<VecDeque<(u32, u32, f64)>>,
    /// Live entries of each group's idle queue (its idle agents at
    /// concurrency 1), kept so a dialer need not count them.
    idle_n: Vec<u32>,
    present: Vec<u32>,
    cursors: Vec<ArrivalCursor>,
    /// Working time of each channel before `open_since` (time with agents).
    work_acc: Vec<f64>,
    /// Since when the channel has had agents (NaN while closed).
    open_since: Vec<f64>,
    next_arrival: Vec<f64>,
    stats: RepStats,
    trace: Option<csv::Writer<&'w mut dyn Write>>,
    trace_err: Option<std::io::Error>,
}

impl<'a, 'w> Engine<'a, 'w> {
    pub(super) fn new(
        sim: &'a Simulation,
        mut rng: WfmRng,
        trace: Option<&'w mut dyn Write>,
    ) -> Self {
        let nc = sim.channels.len();
        let ng = sim.groups.len();
        let arrival_seed = rng.next_u64();
        let key_seed = rng.next_u64();
        Engine {
            sim,
            arrival_rngs: (0..nc)
                .map(|c| stream_rng(arrival_seed, c as u64))
                .collect(),
            key_seed,
            counts: vec![[0; 3]; nc],
            list_left: sim.call_lists.clone(),
            list_carry: vec![0; nc],
            campaign_days: vec![CampaignDay::default(); nc],
            ringing: vec![0; ng],
            dialer_day: vec![(None, 0, 0); ng],
            answered: vec![VecDeque::new(); ng],
            t: 0.0,
            inv_interval_s: 1.0 / sim.interval_s,
            heap: EventQueue::new(),
            contacts: Vec::new(),
            free_contacts: Vec::new(),
            next_id: 0,
            queues: vec![VecDeque::new(); nc],
            callbacks: vec![VecDeque::new(); nc],
            waiting: vec![0; nc],
            queue_area: vec![0.0; nc],
            queue_last: vec![0.0; nc],
            agents: Vec::new(),
            free_agents: vec![Vec::new(); ng],
            idle: vec![VecDeque::new(); ng],
            idle_n: vec![0; ng],
            present: vec![0; ng],
            cursors: Vec::with_capacity(nc),
            work_acc: vec![0.0; nc],
            open_since: vec![f64::NAN; nc],
            next_arrival: vec![f64::INFINITY; nc],
            stats: RepStats::new(sim.intervals, nc, ng),
            trace: trace.map(csv::Writer::from_writer),
            trace_err: None,
        }
    }

    /// The generator of attribute `purpose` of the contact with `key`.
    #[inline]
    fn draw(&self, key: u64, purpose: u64) -> SplitMix64 {
        let mut z = self.key_seed
            ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ purpose.wrapping_mul(0xD1B5_4A32_D192_ED03);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        SplitMix64::seed_from_u64(z ^ (z >> 31))
    }

    #[inline]
    fn push(&mut self, t: f64, kind: Kind, a: u32, b: u32) {
        self.heap.push(t, Ev::new(kind, a, b));
    }

    #[inline]
    fn interval_of(&self, t: f64) -> u32 {
        ((t * self.inv_interval_s) as usize).min(self.sim.intervals - 1) as u32
    }

    /// Runs the replication to the end of the last interval.
    pub(super) fn run(mut self) -> Result<RepStats, std::io::Error> {
        let sim = self.sim;
        let horizon = sim.intervals as f64 * sim.interval_s;
        if let Some(w) = self.trace.as_mut() {
            w.write_record([
                "contact",
                "channel",
                "arrival_s",
                "outcome",
                "wait_s",
                "handle_s",
                "group",
                "account",
            ])?;
        }
        for c in 0..sim.channels.len() {
            let rng = &mut self.arrival_rngs[c];
            let mut cur = ArrivalCursor::start(&sim.channels[c].process, rng);
            self.next_arrival[c] = cur
                .next(&sim.channels[c].process, rng)
                .unwrap_or(f64::INFINITY);
            self.cursors.push(cur);
        }
        self.boundary(0);
        self.start_state();
        self.blend_wake();
        if sim.intervals > 1 {
            self.push(sim.interval_s, Kind::Boundary, 1, 0);
        }
        loop {
            let (mut ca, mut ta) = (usize::MAX, f64::INFINITY);
            for (c, &t) in self.next_arrival.iter().enumerate() {
                if t < ta {
                    ta = t;
                    ca = c;
                }
            }
            let te = self.heap.peek_time().unwrap_or(f64::INFINITY);
            if ta.min(te) >= horizon {
                break;
            }
            if ta <= te {
                self.t = ta;
                let p = &sim.channels[ca].process;
                self.next_arrival[ca] = self.cursors[ca]
                    .next(p, &mut self.arrival_rngs[ca])
                    .unwrap_or(f64::INFINITY);
                self.arrive(ca, false);
            } else {
                let entry = self.heap.pop().expect("peeked");
                self.t = entry.time();
                let e = entry.item;
                match e.kind() {
                    Kind::Completion => self.complete(e.a(), e.b()),
                    Kind::Abandon => self.abandon(e.a(), e.b()),
                    Kind::BotDone => self.bot_done(e.a(), e.b()),
                    Kind::Retry => self.arrive(e.a() as usize, true),
                    Kind::RingEnd => self.ring_end(e.a(), e.b()),
                    Kind::Drop => self.drop_call(e.a(), e.b()),
                    Kind::Boundary => {
                        let i = e.a() as usize;
                        self.snapshot_backlog(i - 1);
                        self.boundary(i);
                        self.carry_lists(i);
                        self.blend_wake();
                        if i + 1 < sim.intervals {
                            self.push(
                                (i + 1) as f64 * sim.interval_s,
                                Kind::Boundary,
                                (i + 1) as u32,
                                0,
                            );
                        }
                    }
                }
            }
            if let Some(e) = self.trace_err.take() {
                return Err(e);
            }
        }
        self.t = horizon;
        self.snapshot_backlog(sim.intervals - 1);
        // Close the books: busy time of contacts in service, queue areas,
        // and what is still in the system.
        for i in 0..self.contacts.len() {
            let ct = self.contacts[i];
            match ct.state {
                // Answered (or called back) already; only its busy time is open.
                State::InService => self.add_busy(ct.group as usize, ct.start, horizon),
                State::Waiting | State::Bot => self.stats.in_system[ct.ch as usize] += 1,
                State::CallbackWaiting => self.stats.callbacks_pending[ct.ch as usize] += 1,
                // A dialer's line or answered call cut off by the horizon.
                State::Free | State::Ringing | State::Answered => {}
            }
        }
        for a in 0..self.agents.len() {
            let ag = self.agents[a];
            if ag.present && ag.leaving && ag.active > 0 {
                let g = ag.group as usize;
                self.add_overtime(g, ag.overtime_from, horizon, f64::from(ag.active));
            }
        }
        for c in 0..sim.channels.len() {
            self.touch_queue(c);
            self.stats.queue_area[c] = self.queue_area[c];
        }
        if let Some(w) = self.trace.as_mut() {
            w.flush()?;
        }
        Ok(self.stats)
    }

    fn start_state(&mut self) {
        let sim = self.sim;
        for &(c, n) in &sim.start_busy {
            for _ in 0..n {
                let id = self.new_contact(c, 0.0, 2);
                let gs = sim.groups_of[c].clone();
                let mut served = false;
                for g in gs {
                    if let Some(a) = self.take_idle(g) {
                        // Already in service: the remaining handle time of an
                        // exponential service is a full draw (memoryless).
                        self.contacts[id as usize].state = State::InService;
                        self.contacts[id as usize].start = 0.0;
                        self.stats.start_busy[c] += 1;
                        self.begin_service(a, id, false);
                        served = true;
                        break;
                    }
                }
                if !served {
                    self.enqueue(c, id);
                }
            }
        }
        for &(c, n) in &sim.start_waiting {
            for _ in 0..n {
                let id = self.new_contact(c, 0.0, 2);
                self.stats.cell(0, c).offered += 1;
                self.join(c, id);
            }
        }
    }

    /// A new contact of channel `c` at `t`; `kind` 0 a first arrival, 1 a
    /// retry, 2 a start-state contact (its key's arrival kind).
    fn new_contact(&mut self, c: usize, t: f64, kind: usize) -> u32 {
        let iv = self.interval_of(t);
        let id = self.next_id;
        self.next_id += 1;
        let n = self.counts[c][kind];
        self.counts[c][kind] += 1;
        let key = (c as u64) << 48 | (kind as u64) << 44 | (n & ((1 << 44) - 1));
        let ct = Contact {
            gen: 0,
            state: State::Free,
            ch: c as u16,
            iv,
            id,
            key,
            arrive: t,
            join: t,
            start: 0.0,
            callback: false,
            bot_solves: false,
            group: 0,
            join_work: 0.0,
            account: u32::MAX,
            connected: false,
            wrong: false,
        };
        match self.free_contacts.pop() {
            Some(i) => {
                let gen = self.contacts[i as usize].gen;
                self.contacts[i as usize] = Contact { gen, ..ct };
                i
            }
            None => {
                self.contacts.push(ct);
                (self.contacts.len() - 1) as u32
            }
        }
    }

    fn free_contact(&mut self, i: u32) {
        let ct = &mut self.contacts[i as usize];
        ct.state = State::Free;
        // Generations travel in events: they wrap within an event operand.
        ct.gen = (ct.gen + 1) & OPERAND_MASK as u32;
        self.free_contacts.push(i);
    }

    /// Starts serving contact `id` on agent `a`; `record` is false for the
    /// start state's contacts already in service.
    fn begin_service(&mut self, a: u32, id: u32, record: bool) {
        let sim = self.sim;
        let ct = self.contacts[id as usize];
        let c = ct.ch as usize;
        if record {
            let wait = self.t - ct.join;
            let ch = &sim.channels[c];
            // Deferred work's deadline counts working time (while the channel
            // has agents); a real-time contact's counts every second.
            let sl_wait = if ch.kind == ChannelKind::Deferred {
                self.work_clock(c) - ct.join_work
            } else {
                wait
            };
            let cell = self.stats.cell(ct.iv as usize, c);
            if ct.callback {
                cell.callbacks_done += 1;
                if wait > ch.callback_deadline_s {
                    cell.callbacks_late += 1;
                }
            } else {
                cell.answered += 1;
                cell.wait_sum += wait;
                cell.wait_all_sum += wait;
                if sl_wait <= ch.answer_within_s {
                    cell.answered_within += 1;
                }
                let b = hist_bin(wait);
                self.stats.hist_add(ct.iv as usize, c, b);
            }
        }
        let ch = &sim.channels[c];
        let h = match ch.campaign {
            // Preview: read the account; preview and progressive: ring;
            // then talk when answered, then log the attempt. Predictive:
            // the agent takes the call answered and logs it.
            Some(camp) if ct.account != u32::MAX => {
                let mut g = self.draw(ct.key, 5);
                let ring: f64 = Exp1.sample(&mut g);
                let talk: f64 = Exp1.sample(&mut g);
                let before = match camp.mode {
                    DialerMode::Preview => camp.preview_s + ring * camp.dial_s,
                    DialerMode::Progressive => ring * camp.dial_s,
                    DialerMode::Predictive => 0.0,
                };
                before
                    + if ct.connected {
                        talk * camp.talk_s
                    } else if ct.wrong {
                        talk * camp.wrong_party_s
                    } else {
                        0.0
                    }
                    + camp.wrap_s
            }
            _ => ch.handle.sample(&mut self.draw(ct.key, 5)) * ch.aht_s[ct.iv as usize],
        };
        if record {
            let g = self.agents[a as usize].group as usize;
            self.stats.served[g * self.stats.channels + c] += 1;
        }
        let contact = &mut self.contacts[id as usize];
        contact.state = State::InService;
        contact.start = self.t;
        contact.group = self.agents[a as usize].group;
        self.agents[a as usize].active += 1;
        self.push(self.t + h, Kind::Completion, a, id);
    }

    fn complete(&mut self, a: u32, id: u32) {
        let ct = self.contacts[id as usize];
        let g = self.agents[a as usize].group as usize;
        self.add_busy(g, ct.start, self.t);
        if self.trace.is_some() {
            let what = if ct.callback {
                "callback"
            } else if ct.account != u32::MAX {
                if ct.connected {
                    "connected"
                } else if ct.wrong {
                    "wrong party"
                } else {
                    "no answer"
                }
            } else {
                "answered"
            };
            let group = self.sim.groups[g].name.clone();
            self.trace_row(&ct, what, ct.start - ct.join, self.t - ct.start, &group);
        }
        self.free_contact(id);
        if self.agents[a as usize].leaving {
            let from = self.agents[a as usize].overtime_from.max(ct.start);
            self.add_overtime(g, from, self.t, 1.0);
        }
        let agent = &mut self.agents[a as usize];
        agent.active -= 1;
        if agent.leaving {
            if agent.active == 0 {
                agent.present = false;
                agent.leaving = false;
                self.free_agents[g].push(a);
            }
            return;
        }
        self.slot_free(a);
    }

    /// Busy time of group g from `from` to `to`.
    #[inline]
    fn trace_row(&mut self, ct: &Contact, outcome: &str, wait: f64, handle: f64, group: &str) {
        if let Some(w) = self.trace.as_mut() {
            let name = &self.sim.channels[ct.ch as usize].name;
            let res = w.write_record([
                ct.id.to_string().as_str(),
                name,
                &format!("{:.3}", ct.arrive),
                outcome,
                &format!("{wait:.3}"),
                &format!("{handle:.3}"),
                group,
                &if ct.account == u32::MAX {
                    String::new()
                } else {
                    ct.account.to_string()
                },
            ]);
            if let Err(e) = res {
                self.trace_err = Some(e.into());
            }
        }
    }
}

impl RepStats {
    fn cell(&mut self, iv: usize, c: usize) -> &mut Cell {
        let n = self.channels;
        &mut self.cells[iv * n + c]
    }
}

mod agents;
mod boundary;
mod contacts;
mod outbound;
use outbound::CampaignDay;
