//! `wfm staff --groups`: the requirement per agent group of a forecast.

use serde::{Deserialize, Serialize};

use super::{SkillChannel, SkillError, SkillGroup, SkillProblem};
use crate::sim::ChannelSpec;

/// Options of [`staff_groups`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupStaffOptions {
    /// Replications per candidate.
    pub replications: usize,
    /// Seed shared by every candidate.
    pub seed: u64,
    /// Intervals whose loads fall in one bucket share a search: a
    /// channel's volume is rounded up to this share of its largest volume.
    pub bucket_share: f64,
    /// Most distinct blocks searched (each is a staffing search by
    /// simulation); more is refused up front.
    pub max_blocks: usize,
}

impl Default for GroupStaffOptions {
    /// 12 replications, seed 1, 5% buckets, at most 2,000 blocks.
    fn default() -> Self {
        GroupStaffOptions {
            replications: 12,
            seed: 1,
            bucket_share: 0.05,
            max_blocks: 2_000,
        }
    }
}

/// The requirement per group of a forecast (`wfm staff --groups`): the
/// channels file's `[group.NAME]` tables (channels in priority order,
/// `concurrency`, `cost_per_hour`), each interval staffed by
/// [`SkillProblem::optimize`]. Intervals are gathered into blocks of like
/// load (each channel's volume rounded **up** to `bucket_share` of its
/// largest, handle time and patience to 10 s), one search per block, run in
/// parallel; the block's rounded-up load is what is staffed, so the
/// answer is on the safe side.
pub fn staff_groups(
    forecast: &crate::forecast::Forecast,
    book: &crate::channels::ChannelBook,
    opts: &GroupStaffOptions,
) -> Result<crate::requirement::StaffingTable, SkillError> {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    let groups = &book.file.group;
    if groups.is_empty() {
        return Err(SkillError::Problem(format!(
            "{}: no [group.NAME] tables: --groups staffs the groups of the channels file",
            book.source
        )));
    }
    let names: Vec<String> = {
        let mut v: Vec<String> = forecast.rows.iter().map(|r| r.channel.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut channels = Vec::new();
    let mut max_volume = Vec::new();
    for n in &names {
        let c = book
            .resolve(n)
            .map_err(|e| SkillError::Problem(e.to_string()))?;
        if c.kind == crate::channels::ChannelKind::Deferred {
            return Err(SkillError::Problem(format!(
                "channel {n}: deferred work is not staffed by --groups (staff it on its own)"
            )));
        }
        channels.push(c);
        max_volume.push(
            forecast
                .rows
                .iter()
                .filter(|r| &r.channel == n)
                .map(|r| r.volume)
                .fold(0.0, f64::max),
        );
    }
    let src = &book.source;
    let mut skill_groups: Vec<SkillGroup> = Vec::new();
    for (name, g) in groups {
        for c in &g.channels {
            if !names.contains(c) && !book.file.channel.contains_key(c) {
                return Err(SkillError::Problem(format!(
                    "{src}: [group.{name}] channels: unknown channel {c:?} (neither in the forecast nor a [channel.{c}] table)"
                )));
            }
        }
        let cost = g.cost_per_hour.unwrap_or(1.0);
        if !(cost.is_finite() && cost > 0.0) {
            return Err(SkillError::Problem(format!(
                "{src}: [group.{name}] cost_per_hour: expected a factor > 0, got {cost}"
            )));
        }
        skill_groups.push(SkillGroup {
            name: name.clone(),
            // Channels of the file the forecast does not have carry no work here.
            channels: g
                .channels
                .iter()
                .filter(|c| names.contains(c))
                .cloned()
                .collect(),
            concurrency: g.concurrency.unwrap_or(1).max(1),
            cost_per_agent: cost,
        });
    }
    if let Some(c) = names
        .iter()
        .find(|c| !skill_groups.iter().any(|g| g.channels.contains(c)))
    {
        return Err(SkillError::Problem(format!(
            "{src}: [group]: no group serves channel {c:?} of the forecast"
        )));
    }
    // Per interval: each channel's (volume, aht, patience).
    type Key = Vec<(i64, i64, i64)>;
    // Each channel's (volume, aht, patience) per interval.
    type Loads = Vec<(f64, f64, Option<f64>)>;
    let mut per_interval: BTreeMap<(jiff::civil::Date, jiff::civil::Time), Loads> = BTreeMap::new();
    for r in &forecast.rows {
        let k = names.iter().position(|n| n == &r.channel).unwrap_or(0);
        let e = per_interval
            .entry((r.date, r.time))
            .or_insert_with(|| vec![(0.0, 0.0, None); names.len()]);
        e[k] = (r.volume, r.aht_s, r.patience_s.or(channels[k].patience_s));
    }
    let key_of = |v: &[(f64, f64, Option<f64>)]| -> Key {
        v.iter()
            .enumerate()
            .map(|(k, (vol, aht, pat))| {
                let step = (opts.bucket_share * max_volume[k]).max(1e-9);
                (
                    (vol / step).ceil() as i64,
                    (aht / 10.0).round() as i64,
                    pat.map_or(-1, |p| (p / 10.0).round() as i64),
                )
            })
            .collect()
    };
    let mut blocks: BTreeMap<Key, Vec<(jiff::civil::Date, jiff::civil::Time)>> = BTreeMap::new();
    for (at, v) in &per_interval {
        blocks.entry(key_of(v)).or_default().push(*at);
    }
    if blocks.len() > opts.max_blocks {
        return Err(SkillError::Problem(format!(
            "{} blocks of like load to search (each a staffing search by simulation), more than the limit of {}; raise it (--max-blocks) or the bucket (--bucket-share)",
            blocks.len(),
            opts.max_blocks
        )));
    }
    let keys: Vec<&Key> = blocks.keys().collect();
    let solved: Vec<Result<Vec<u32>, SkillError>> = keys
        .par_iter()
        .map(|key| {
            let chans: Vec<SkillChannel> = key
                .iter()
                .enumerate()
                .map(|(k, (v, a, p))| {
                    let c = &channels[k];
                    SkillChannel {
                        spec: ChannelSpec {
                            name: names[k].clone(),
                            kind: c.kind,
                            volumes: vec![*v as f64 * opts.bucket_share * max_volume[k]],
                            aht_s: vec![(*a as f64 * 10.0).max(1.0)],
                            patience_s: vec![(*p >= 0).then(|| (*p as f64 * 10.0).max(1.0))],
                            containment: c.containment,
                            answer_within_s: c.targets.answer_within_s,
                            sl_definition: c.targets.sl_definition,
                            sim: c.sim.clone(),
                        },
                        target_sl: c.targets.service_level.unwrap_or(0.0),
                    }
                })
                .collect();
            let p = SkillProblem {
                interval_min: forecast.interval_min,
                channels: chans,
                groups: skill_groups.clone(),
                periods: 3,
                replications: opts.replications,
                seed: opts.seed,
                max_agents: crate::staffing::MAX_AGENTS.min(20_000),
            };
            Ok(p.optimize()?.agents)
        })
        .collect();
    let mut rows = Vec::new();
    for (key, res) in keys.iter().zip(solved) {
        let agents = res?;
        for &(d, t) in &blocks[*key] {
            for (g, n) in skill_groups.iter().zip(&agents) {
                rows.push(crate::requirement::StaffingRow::new(d, t, &g.name, *n));
            }
        }
    }
    rows.sort_by(|a, b| (a.date, a.time, &a.group).cmp(&(b.date, b.time, &b.group)));
    Ok(crate::requirement::StaffingTable { rows })
}
