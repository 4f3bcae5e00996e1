//! Outbound work of blended groups: call lists, a campaign's accounts of
//! the day, and calling out.

use super::*;

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
    /// accounts (the day's list over `attempts_per_day`), counted as planned
    /// whether or not anyone calls them.
    fn campaign_day(&mut self, c: usize, iv: usize, camp: crate::dialer::Campaign) {
        let sim = self.sim;
        let date = sim.labels[iv].0;
        if self.campaign_days[c].day == Some(date) {
            return;
        }
        let total: u64 = (0..sim.intervals)
            .filter(|&k| sim.labels[k].0 == date)
            .map(|k| u64::from(sim.call_lists[c].get(k).copied().unwrap_or(0)))
            .sum();
        let n = total.div_ceil(u64::from(camp.attempts_per_day)) as u32;
        let d = &mut self.campaign_days[c];
        d.day = Some(date);
        d.accounts = vec![Account::default(); n as usize];
        d.queue = (0..n).collect();
        self.stats.campaign[iv * self.stats.channels + c][2] += n;
    }

    /// Agent `a` calls out on channel `c` now (`account` of its campaign).
    pub(super) fn call_out(&mut self, a: u32, c: usize, account: u32) {
        let id = self.new_contact(c, self.t, 0);
        let iv = self.contacts[id as usize].iv as usize;
        self.stats.cell(iv, c).offered += 1;
        if let Some(camp) = self.sim.channels[c].campaign {
            let key = self.contacts[id as usize].key;
            let connected = self.draw(key, 6).random::<f64>() < camp.reach;
            let ct = &mut self.contacts[id as usize];
            ct.account = account;
            ct.connected = connected;
            let d = &mut self.campaign_days[c];
            let acc = &mut d.accounts[account as usize];
            acc.attempts += 1;
            if connected {
                acc.connected += 1;
                let k = iv * self.stats.channels + c;
                self.stats.campaign[k][0] += 1;
                self.stats.campaign[k][1] += 1;
            } else {
                acc.unanswered += 1;
                if acc.attempts < camp.attempts_per_day
                    && acc.unanswered < camp.max_unanswered_per_day
                    && acc.connected < camp.max_connected_per_day
                {
                    d.queue.push_back(account);
                }
            }
        }
        self.begin_service(a, id, true);
    }

    /// At an interval's start: idle agents of blended groups beyond their
    /// reserve call out while the list has attempts.
    pub(super) fn blend_wake(&mut self) {
        let sim = self.sim;
        let iv = self.interval_of(self.t) as usize;
        for c in 0..sim.channels.len() {
            if let Some(camp) = sim.channels[c].campaign {
                self.campaign_day(c, iv, camp);
            }
        }
        for g in 0..sim.groups.len() {
            let Some((c, reserve)) = sim.groups[g].outbound else {
                continue;
            };
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

    /// Idle agents of group `g` now (the idle queue's live entries).
    pub(super) fn idle_agents(&self, g: usize) -> u32 {
        self.idle[g]
            .iter()
            .filter(|&&(a, gen, _)| {
                let ag = self.agents[a as usize];
                ag.gen == gen && ag.present && !ag.leaving && ag.active == 0
            })
            .count() as u32
    }
}
