//! A search's simulation, built once and run for each staffing (common
//! random numbers), and the budget of contacts several searches share.

use super::*;

/// A problem's simulation built once: each staffing is simulated on it
/// by setting the groups' agents (the same seed: common random numbers),
/// and remembered, so a staffing met twice is simulated once.
#[derive(Debug, Clone)]
pub struct SkillEvaluator {
    pub(super) sim: crate::sim::Simulation,
    pub(super) periods: usize,
    pub(super) channels: usize,
    pub(super) cache: std::collections::HashMap<Vec<u32>, Vec<f64>>,
    pub(super) runs: usize,
    pub(super) contacts_per_run: f64,
    pub(super) budget: Option<std::sync::Arc<WorkBudget>>,
}

/// Contacts simulated by several searches together, against a limit.
#[derive(Debug)]
pub struct WorkBudget {
    limit: f64,
    used_milli: std::sync::atomic::AtomicU64,
}

impl WorkBudget {
    /// A budget of `limit` contacts.
    pub fn new(limit: f64) -> WorkBudget {
        WorkBudget {
            limit,
            used_milli: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Counts `contacts`; false once the total is past the limit.
    pub fn spend(&self, contacts: f64) -> bool {
        let add = (contacts.max(0.0) * 1000.0).min(u64::MAX as f64 / 4.0) as u64;
        let before = self
            .used_milli
            .fetch_add(add, std::sync::atomic::Ordering::Relaxed);
        (before.saturating_add(add) as f64 / 1000.0) <= self.limit
    }

    /// Contacts counted so far.
    pub fn used(&self) -> f64 {
        self.used_milli.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1000.0
    }

    /// Whether the total is past the limit.
    pub fn exceeded(&self) -> bool {
        self.used() > self.limit
    }
}

impl SkillEvaluator {
    /// The simulated service level of each channel (over the intervals
    /// after the first, the warm-up) with `agents` per group.
    pub fn service_levels(&mut self, agents: &[u32]) -> Result<Vec<f64>, SkillError> {
        if let Some(sl) = self.cache.get(agents) {
            return Ok(sl.clone());
        }
        if let Some(b) = &self.budget {
            if !b.spend(self.contacts_per_run) {
                return Err(SkillError::Problem(
                    "the searches' budget of contacts is spent".into(),
                ));
            }
        }
        for (g, &k) in agents.iter().enumerate() {
            self.sim.set_group_agents(g, &vec![k; self.periods])?;
        }
        let r = self.sim.run(None)?;
        self.runs += 1;
        let sl: Vec<f64> = (0..self.channels)
            .map(|c| {
                r.span(c, 1, self.periods)
                    .map_or(f64::NAN, |m| m.service_level.mean)
            })
            .collect();
        self.cache.insert(agents.to_vec(), sl.clone());
        Ok(sl)
    }

    /// Simulations run (staffings met again are not run again).
    pub fn runs(&self) -> usize {
        self.runs
    }
}
