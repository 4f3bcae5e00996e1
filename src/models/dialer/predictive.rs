//! The predictive dialer inside a blended group: the lines it wants for its
//! free agents, and its abandonment by simulation.

use super::*;

/// The lines a predictive dialer keeps ringing with `idle` agents free and
/// `busy` talking or logging: `⌈pacing × idle⌉`, but no more than
/// `⌈(idle + busy·dial_s/h) / connect⌉` (`h` the mean handle of an answered
/// call, [`Campaign::answered_handle_s`]), so that the
/// answers it expects do not exceed the agents it expects free during a
/// ring. The second bound only binds when many agents are idle at once (a
/// shift start, a list refilled): a dialer at its pacing would then put
/// `pacing × connect` answers on each free agent. 0 with no agent idle.
pub fn lines_wanted(pacing: f64, idle: u32, busy: u32, c: &Campaign) -> u32 {
    if idle == 0 {
        return 0;
    }
    let h = c.answered_handle_s();
    let paced = (pacing * f64::from(idle)).ceil();
    let free_soon = f64::from(idle) + f64::from(busy) * c.dial_s / h;
    let answers = (free_soon / c.connect_rate()).ceil();
    paced.min(answers).max(1.0).min(f64::from(u32::MAX)) as u32
}

/// Simulates a predictive dialer with `agents` agents for `duration_s`
/// seconds (after `warmup_s` of warm-up, not counted): the dialer
/// keeps [`lines_wanted`] lines ringing (each line rings an
/// exponential time of mean `dial_s`, is answered with probability
/// `connect`); an answered call takes a free agent at once, else waits up
/// to `answer_wait_s` for one and is dropped after; talk and wrap are
/// exponential with mean [`Campaign::answered_handle_s`]. The call list is unlimited.
/// Deterministic in `seed`.
pub fn simulate_predictive(
    agents: u32,
    pacing: f64,
    c: &Campaign,
    warmup_s: f64,
    duration_s: f64,
    seed: u64,
) -> DialerRun {
    use std::cmp::Ordering;
    use std::collections::{BinaryHeap, VecDeque};
    #[derive(PartialEq)]
    struct Ev(f64, u8, u64);
    impl Eq for Ev {}
    impl PartialOrd for Ev {
        fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Ev {
        fn cmp(&self, o: &Self) -> Ordering {
            o.0.total_cmp(&self.0).then(o.2.cmp(&self.2))
        }
    }
    const RING_END: u8 = 0;
    const DONE: u8 = 1;
    const DROP: u8 = 2;
    let mut rng = crate::models::arrivals::stream_rng(seed, 0);
    let h = c.answered_handle_s();
    let mut heap: BinaryHeap<Ev> = BinaryHeap::new();
    let mut seq = 0u64;
    let (mut idle, mut ringing) = (agents, 0u32);
    // Answered calls waiting for an agent, oldest first; `pending` holds
    // those not yet taken or dropped (the queue is cleaned lazily).
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let mut pending: std::collections::HashSet<u64> = std::collections::HashSet::new();
    let (start, end) = (warmup_s, warmup_s + duration_s);
    let mut run = DialerRun {
        attempts: 0,
        answered: 0,
        abandoned: 0,
        occupancy: 0.0,
    };
    let (mut busy_s, mut t, mut last) = (0.0_f64, 0.0_f64, 0.0_f64);
    loop {
        // Pace: keep ⌈pacing × idle⌉ lines ringing (and no more answers
        // expected than agents expected free).
        let want = if pending.is_empty() {
            lines_wanted(pacing, idle, agents - idle, c)
        } else {
            0
        };
        while ringing < want {
            let d: f64 = Exp1.sample(&mut rng);
            seq += 1;
            heap.push(Ev(t + d * c.dial_s, RING_END, seq));
            ringing += 1;
            if t >= start {
                run.attempts += 1;
            }
        }
        let Some(Ev(at, kind, id)) = heap.pop() else {
            break;
        };
        // Busy agent time inside [start, end).
        let (a, b) = (last.max(start), at.min(end));
        if b > a {
            busy_s += f64::from(agents - idle) * (b - a);
        }
        last = at;
        t = at;
        if t >= end {
            break;
        }
        let counted = t >= start;
        match kind {
            RING_END => {
                ringing -= 1;
                if rng.random::<f64>() < c.connect_rate() {
                    run.answered += u64::from(counted);
                    if idle > 0 && pending.is_empty() {
                        idle -= 1;
                        let d: f64 = Exp1.sample(&mut rng);
                        heap.push(Ev(t + d * h, DONE, id));
                    } else {
                        waiting.push_back(id);
                        pending.insert(id);
                        heap.push(Ev(t + c.answer_wait_s, DROP, id));
                    }
                }
            }
            DONE => {
                // The agent takes the oldest call still waiting, if any.
                let next = std::iter::from_fn(|| waiting.pop_front()).find(|w| pending.remove(w));
                match next {
                    Some(w) => {
                        let d: f64 = Exp1.sample(&mut rng);
                        heap.push(Ev(t + d * h, DONE, w));
                    }
                    None => idle += 1,
                }
            }
            _ => {
                // DROP: abandoned unless an agent took it meanwhile.
                if pending.remove(&id) {
                    run.abandoned += u64::from(counted);
                }
            }
        }
    }
    run.occupancy = busy_s / (f64::from(agents.max(1)) * duration_s);
    run
}

/// What a simulated predictive dialer did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DialerRun {
    /// Attempts placed.
    pub attempts: u64,
    /// Answered calls.
    pub answered: u64,
    /// Answered calls dropped with no agent within `answer_wait_s`.
    pub abandoned: u64,
    /// Agent time busy over agent time.
    pub occupancy: f64,
}

impl DialerRun {
    /// Abandoned over answered (0 with none answered).
    pub fn abandon_share(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            self.abandoned as f64 / self.answered as f64
        }
    }
}
