//! Outbound work of blended groups: call lists, a campaign's accounts of
//! the day, and calling out.

use super::*;

/// Columns of [`RepStats::campaign`]: right-party answers.
pub(super) const CONNECTED: usize = 0;
/// Accounts an agent talked to.
pub(super) const REACHED: usize = 1;
/// Accounts on the day's list (counted at the day's start).
pub(super) const PLANNED: usize = 2;
/// Answered predictive calls dropped with no agent in time.
pub(super) const DROPPED: usize = 3;
/// Connects of a day before a predictive dialer watches its drops against
/// the cap.
const DIALER_CAP_MIN_CONNECTS: u32 = 20;
/// Calls answered by a person (connects: right party or not).
pub(super) const ANSWERED: usize = 4;

/// What became of one attempt on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Nobody answered.
    NoAnswer,
    /// Someone else answered and talked to an agent.
    WrongParty,
    /// The right party answered and talked to an agent.
    Reached,
    /// Answered (by the right party or not) and dropped by a predictive
    /// dialer with no agent free in time.
    Dropped {
        /// Whether it was the right party.
        right: bool,
    },
}

/// One account of a campaign's day.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Account {
    attempts: u32,
    unanswered: u32,
    connected: u32,
}

/// A campaign's accounts for the current day.
#[derive(Debug, Clone, Default)]
pub(super) struct CampaignDay {
    day: Option<jiff::civil::Date>,
    accounts: Vec<Account>,
    /// Accounts that may be called again today, next first.
    queue: VecDeque<u32>,
}

impl CampaignDay {
    /// No account waits to be called.
    pub(super) fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }
}

impl Engine<'_, '_> {
    /// Takes one attempt off channel `c`'s call list for this interval:
    /// `None` when the list is empty, else the account to call (`u32::MAX`
    /// for a channel without a campaign). A campaign's day starts with its
    /// accounts (the day's list over `attempts_per_day`); an account is
    /// called again only while under every daily cap and not yet reached.
    pub(super) fn take_attempt(&mut self, c: usize) -> Option<u32> {
        let sim = self.sim;
        let iv = self.interval_of(self.t) as usize;
        match self.list_left[c].get(iv) {
            None if !sim.call_lists[c].is_empty() => return None,
            Some(0) => return None,
            _ => {}
        }
        let Some(camp) = sim.channels[c].campaign else {
            if let Some(n) = self.list_left[c].get_mut(iv) {
                *n -= 1;
            }
            return Some(u32::MAX);
        };
        self.campaign_day(c, iv, camp);
        let a = self.campaign_days[c].queue.pop_front()?;
        if let Some(n) = self.list_left[c].get_mut(iv) {
            *n -= 1;
        }
        Some(a)
    }

    /// Starts a campaign's day at interval `iv` if it has not started: its
    /// accounts (the day's list over the expected attempts of an account,
    /// [`crate::models::dialer::expected_attempts`]), counted as planned whether or
    /// not anyone calls them.
    fn campaign_day(&mut self, c: usize, iv: usize, camp: crate::models::dialer::Campaign) {
        let sim = self.sim;
        let date = sim.labels[iv].0;
        if self.campaign_days[c].day == Some(date) {
            return;
        }
        let total: u64 = (0..sim.intervals)
            .filter(|&k| sim.labels[k].0 == date)
            .map(|k| u64::from(sim.call_lists[c].get(k).copied().unwrap_or(0)))
            .sum();
        // Accounts whose expected attempts (stopping once reached) fill
        // the day's list.
        let per =
            crate::models::dialer::expected_attempts(f64::from(camp.attempts_per_day), camp.reach);
        let n = if total == 0 {
            0
        } else {
            ((total as f64 / per).round() as u32).max(1)
        };
        let d = &mut self.campaign_days[c];
        d.day = Some(date);
        d.accounts = vec![Account::default(); n as usize];
        d.queue = (0..n).collect();
        self.stats.campaign[iv * self.stats.channels + c][PLANNED] += n;
    }

    /// Counts an attempt on `account` of channel `c`'s campaign by its
    /// outcome. Every answer counts against the account's connected calls
    /// (a dropped or wrong-party call too: the number answered); an
    /// account not reached goes back on the day's queue while under every
    /// daily cap.
    fn account_result(&mut self, c: usize, iv: usize, account: u32, outcome: Outcome) {
        let Some(camp) = self.sim.channels[c].campaign else {
            return;
        };
        let k = iv * self.stats.channels + c;
        let d = &mut self.campaign_days[c];
        let acc = &mut d.accounts[account as usize];
        let st = &mut self.stats.campaign[k];
        match outcome {
            Outcome::NoAnswer => acc.unanswered += 1,
            Outcome::WrongParty => {
                acc.connected += 1;
                st[ANSWERED] += 1;
            }
            Outcome::Reached => {
                acc.connected += 1;
                st[ANSWERED] += 1;
                st[CONNECTED] += 1;
                st[REACHED] += 1;
                return;
            }
            Outcome::Dropped { right } => {
                acc.connected += 1;
                st[ANSWERED] += 1;
                st[DROPPED] += 1;
                if right {
                    st[CONNECTED] += 1;
                }
            }
        }
        if acc.attempts < camp.attempts_per_day
            && acc.unanswered < camp.max_unanswered_per_day
            && acc.connected < camp.max_connected_per_day
        {
            d.queue.push_back(account);
        }
    }

    /// Whether the attempt with `key` is answered by the right party, by
    /// someone else, or not at all, under campaign `camp`: `(right, wrong)`.
    fn answer(&self, key: u64, camp: &crate::models::dialer::Campaign) -> (bool, bool) {
        let u = self.draw(key, 6).random::<f64>();
        (u < camp.reach, u >= camp.reach && u < camp.connect_rate())
    }

    /// A new attempt on channel `c` to `account` (its day's counter
    /// raised); the contact.
    fn attempt(&mut self, c: usize, account: u32) -> u32 {
        let id = self.new_contact(c, self.t, 0);
        let iv = self.contacts[id as usize].iv as usize;
        self.stats.cell(iv, c).offered += 1;
        self.contacts[id as usize].account = account;
        if self.sim.channels[c].campaign.is_some() {
            self.campaign_days[c].accounts[account as usize].attempts += 1;
        }
        id
    }

    /// Agent `a` calls out on channel `c` now (`account` of its campaign):
    /// preview and progressive dialing, the agent through the ring.
    pub(super) fn call_out(&mut self, a: u32, c: usize, account: u32) {
        let id = self.attempt(c, account);
        if let Some(camp) = self.sim.channels[c].campaign {
            let key = self.contacts[id as usize].key;
            let (right, wrong) = self.answer(key, &camp);
            let ct = &mut self.contacts[id as usize];
            ct.connected = right;
            ct.wrong = wrong;
            let iv = ct.iv as usize;
            let outcome = if right {
                Outcome::Reached
            } else if wrong {
                Outcome::WrongParty
            } else {
                Outcome::NoAnswer
            };
            self.account_result(c, iv, account, outcome);
        }
        self.begin_service(a, id, true);
    }

    /// At the start of interval `i`: attempts the lists of the day's earlier
    /// intervals left unmade move to this interval when its list is not
    /// empty (the contact window: lists are empty outside it), so work an
    /// inbound peak delayed is made later that day; they are lost at the
    /// day's end (the accounts unreached).
    pub(super) fn carry_lists(&mut self, i: usize) {
        let sim = self.sim;
        for c in 0..sim.channels.len() {
            if sim.call_lists[c].is_empty() || i == 0 {
                continue;
            }
            let left = std::mem::take(&mut self.list_left[c][i - 1]);
            if sim.labels[i].0 != sim.labels[i - 1].0 {
                self.list_carry[c] = 0;
            } else {
                self.list_carry[c] += left;
            }
            if sim.call_lists[c][i] > 0 {
                self.list_left[c][i] += std::mem::take(&mut self.list_carry[c]);
            }
        }
    }

    /// Whether channel `c` is a predictive campaign.
    pub(super) fn is_predictive(&self, c: usize) -> bool {
        self.sim.channels[c]
            .campaign
            .is_some_and(|k| k.mode == DialerMode::Predictive)
    }

    /// Group `g`'s predictive dialer: while no answered call waits for an
    /// agent, it keeps [`crate::models::dialer::lines_wanted`] lines ringing for
    /// the idle agents beyond the reserve (the model of
    /// [`crate::models::dialer::simulate_predictive`]), at its pacing, or at one
    /// line per idle agent while the day's drops run above 90% of the
    /// campaign's cap (a dialer's abandonment control).
    pub(super) fn pace(&mut self, g: usize) {
        let Some((c, _)) = self.sim.groups[g].outbound else {
            return;
        };
        let reserve = self.reserve(g);
        if !self.is_predictive(c) || self.live_answered(g) {
            return;
        }
        let idle = self.idle_agents(g);
        let free = idle.saturating_sub(reserve);
        if free == 0 {
            return;
        }
        let iv = self.interval_of(self.t) as usize;
        let mut p = self.sim.pacing[c].get(iv).copied().unwrap_or(1.0);
        let camp = self.sim.channels[c].campaign.expect("predictive");
        // The cap: while the day's drops run above 90% of it (after 20
        // connects), one line per idle agent (expected answers below the
        // idle agents).
        let day = *self.dialer_today(g);
        if day.1 >= DIALER_CAP_MIN_CONNECTS
            && f64::from(day.2) > 0.9 * camp.abandon_cap * f64::from(day.1)
        {
            p = p.min(1.0);
        }
        let busy = self.present[g].saturating_sub(idle);
        let want = crate::models::dialer::lines_wanted(p, free, busy, &camp);
        while self.ringing[g] < want {
            let Some(account) = self.take_attempt(c) else {
                break;
            };
            let id = self.attempt(c, account);
            let key = self.contacts[id as usize].key;
            let ring: f64 = Exp1.sample(&mut self.draw(key, 7));
            let ct = &mut self.contacts[id as usize];
            ct.state = State::Ringing;
            ct.group = g as u16;
            let gen = ct.gen;
            self.ringing[g] += 1;
            self.push(self.t + ring * camp.dial_s, Kind::RingEnd, id, gen);
        }
    }

    /// A predictive line stops ringing: unanswered, it is logged by the
    /// dialer; answered, it takes an idle agent of the group at once or
    /// waits up to `answer_wait_s` for one.
    pub(super) fn ring_end(&mut self, id: u32, gen: u32) {
        let ct = self.contacts[id as usize];
        if ct.gen != gen || ct.state != State::Ringing {
            return;
        }
        let (c, g, iv) = (ct.ch as usize, ct.group as usize, ct.iv as usize);
        self.ringing[g] -= 1;
        let camp = self.sim.channels[c].campaign.expect("predictive");
        let (right, wrong) = self.answer(ct.key, &camp);
        if !(right || wrong) {
            self.account_result(c, iv, ct.account, Outcome::NoAnswer);
            if self.trace.is_some() {
                let group = self.sim.groups[g].name.clone();
                self.trace_row(&ct, "no answer", 0.0, 0.0, &group);
            }
            self.free_contact(id);
        } else {
            self.dialer_count(g, false);
            let x = &mut self.contacts[id as usize];
            x.connected = right;
            x.wrong = wrong;
            x.state = State::Answered;
            x.join = self.t;
            match self.take_idle(g) {
                Some(a) => self.connect(a, id),
                None => {
                    self.answered[g].push_back((id, gen));
                    self.push(self.t + camp.answer_wait_s, Kind::Drop, id, gen);
                }
            }
        }
        self.pace(g);
    }

    /// An answered predictive call still without an agent is dropped (a
    /// silent call, counted against the campaign's abandonment cap).
    pub(super) fn drop_call(&mut self, id: u32, gen: u32) {
        let ct = self.contacts[id as usize];
        if ct.gen != gen || ct.state != State::Answered {
            return;
        }
        let (c, g, iv) = (ct.ch as usize, ct.group as usize, ct.iv as usize);
        self.account_result(
            c,
            iv,
            ct.account,
            Outcome::Dropped {
                right: ct.connected,
            },
        );
        self.dialer_count(g, true);
        if self.trace.is_some() {
            let group = self.sim.groups[g].name.clone();
            self.trace_row(&ct, "dropped", self.t - ct.join, 0.0, &group);
        }
        self.free_contact(id);
        self.pace(g);
    }

    /// Group `g`'s dialer today: (date, connects, drops), started afresh
    /// on a new day.
    fn dialer_today(&mut self, g: usize) -> &mut (Option<jiff::civil::Date>, u32, u32) {
        let date = self.sim.labels[self.interval_of(self.t) as usize].0;
        let day = &mut self.dialer_day[g];
        if day.0 != Some(date) {
            *day = (Some(date), 0, 0);
        }
        day
    }

    /// Counts a connect (or, `dropped`, a drop) of group `g`'s dialer today.
    fn dialer_count(&mut self, g: usize, dropped: bool) {
        let day = self.dialer_today(g);
        if dropped {
            day.2 += 1;
        } else {
            day.1 += 1;
        }
    }

    /// Whether an answered predictive call waits for an agent of group `g`
    /// (stale entries cleaned).
    fn live_answered(&mut self, g: usize) -> bool {
        while let Some(&(id, gen)) = self.answered[g].front() {
            let ct = self.contacts[id as usize];
            if ct.gen == gen && ct.state == State::Answered {
                return true;
            }
            self.answered[g].pop_front();
        }
        false
    }

    /// The oldest answered predictive call waiting for group `g`.
    pub(super) fn pop_answered(&mut self, g: usize) -> Option<u32> {
        if self.answered[g].is_empty() || !self.live_answered(g) {
            return None;
        }
        self.answered[g].pop_front().map(|(id, _)| id)
    }

    /// Agent `a` takes answered predictive call `id`: the account reached
    /// (or a wrong party talked to).
    pub(super) fn connect(&mut self, a: u32, id: u32) {
        let ct = self.contacts[id as usize];
        let outcome = if ct.connected {
            Outcome::Reached
        } else {
            Outcome::WrongParty
        };
        self.account_result(ct.ch as usize, ct.iv as usize, ct.account, outcome);
        self.begin_service(a, id, true);
    }

    /// At an interval's start: idle agents of blended groups beyond their
    /// reserve call out while the list has attempts (predictive: the
    /// dialer paces).
    pub(super) fn blend_wake(&mut self) {
        let sim = self.sim;
        let iv = self.interval_of(self.t) as usize;
        for c in 0..sim.channels.len() {
            if let Some(camp) = sim.channels[c].campaign {
                self.campaign_day(c, iv, camp);
            }
        }
        for g in 0..sim.groups.len() {
            let Some((c, _)) = sim.groups[g].outbound else {
                continue;
            };
            let reserve = self.reserve(g);
            if self.is_predictive(c) {
                self.pace(g);
                continue;
            }
            while self.idle_agents(g) > reserve {
                let Some(account) = self.take_attempt(c) else {
                    break;
                };
                match self.take_idle(g) {
                    Some(a) => self.call_out(a, c, account),
                    None => break,
                }
            }
        }
    }
}
