//! Blending inside the plan and the review: phone agents who call out on a
//! collections campaign when the queue is quiet, and the collectors the
//! campaign still needs beside them.
//!
//! A `[group.NAME]` table with `blend = "out"` and one inbound channel
//! `inb` ([`ChannelBook::per_channel_with_blends`]) makes `inb`'s agents a
//! blended group. The plan then:
//!
//! 1. **credits the blend** ([`initial_credit`], [`apply_credit`]): the
//!    blended agents' expected spare time, `(N − A − reserve) · I · max_occupancy`
//!    agent-seconds per interval (`N` the inbound requirement, `A` its load
//!    in Erlangs, `I` the interval), summed over the day's intervals with
//!    a call list, takes that share of the day's campaign work
//!    `attempts · agent_s_per_attempt` (pooled over the day: attempts an
//!    interval leaves unmade carry to its later intervals), and each
//!    interval's collectors are staffed by the dialer model for the
//!    attempts left ([`crate::models::dialer::staff_campaign`]);
//! 2. each round **chooses the reserve** by simulation, day by day
//!    ([`crate::sim::choose_reserves`]: the least reserve that adds no
//!    missed inbound target and keeps the day's predictive drops within
//!    the cap, i.e. the most outbound calls);
//! 3. **lowers the credit** of a day the simulation leaves listed attempts
//!    unmade at the close of the window while accounts wait to be called
//!    ([`behind_days`], [`lower_credit`]: by the unmade share of the day's
//!    list), so the next round has the collectors make them. The credit
//!    only falls, so the rounds settle; the plan is done when no inbound
//!    target is missed and no campaign day is behind.

use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::models::channels::{ChannelBook, PlanBlend};
use crate::models::dialer::Campaign;
use crate::models::requirement::StaffRow;
use crate::sim::SimResult;

/// What a blend did in the plan's last round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlendOutcome {
    /// The blend (its `reserve` the one chosen by simulation).
    pub blend: PlanBlend,
    /// Connected outbound calls handled by the blended agents (mean over
    /// replications; not attempts: unanswered and dropped calls take no
    /// agent).
    pub calls_by_blended: f64,
    /// Connected outbound calls handled by the collectors.
    pub calls_by_collectors: f64,
    /// The reserve chosen for each day (its largest is `blend.reserve`).
    #[serde(default)]
    pub reserve_by_day: Vec<(jiff::civil::Date, u32)>,
    /// Agent-intervals of collectors the credit of the blend took off the
    /// dialer model's requirement (in the last round).
    pub collector_intervals_saved: u64,
}

/// The campaign of outbound channel `name` (an error at its table if it
/// has none: a blend needs one to be staffed).
fn campaign(book: &ChannelBook, name: &str) -> Result<Campaign, InputError> {
    book.resolve(name)?.outbound.ok_or_else(|| {
        InputError::at_key(
            &book.source,
            format!("[channel.{name}]"),
            "a blended channel needs its [channel.NAME.outbound] campaign (dialer, reach, times)"
                .to_string(),
        )
    })
}

/// Per blend, per day: the share of the day's campaign work credited to
/// the blended agents.
pub type Credit = Vec<std::collections::BTreeMap<jiff::civil::Date, f64>>;

/// The first credit of each blend (see the module documentation): per day,
/// the blended agents' expected spare time over the campaign's work, at
/// most 1.
pub fn initial_credit(
    staff: &[StaffRow],
    blends: &[PlanBlend],
    book: &ChannelBook,
    interval_min: u32,
) -> Result<Credit, InputError> {
    let interval_s = f64::from(interval_min) * 60.0;
    let mut out = Vec::with_capacity(blends.len());
    for b in blends {
        let camp = campaign(book, &b.outbound)?;
        let spare: std::collections::HashMap<_, f64> = staff
            .iter()
            .filter(|r| r.channel == b.inbound)
            .map(|r| {
                let idle = f64::from(r.agents) - r.load_erl - f64::from(b.reserve);
                (
                    (r.date, r.time),
                    idle.max(0.0) * interval_s * camp.max_occupancy,
                )
            })
            .collect();
        // Pooled over the day: an interval's unmade attempts carry to later
        // intervals of the day, so the blend's spare time counts wherever
        // the list is open, and the collectors left are as even as the
        // list (whole shifts cover an even need well).
        let mut day: std::collections::BTreeMap<jiff::civil::Date, (f64, f64)> = Default::default();
        for r in staff
            .iter()
            .filter(|r| r.channel == b.outbound && r.volume > 0.0)
        {
            let e = day.entry(r.date).or_default();
            e.0 += r.volume * camp.agent_s_per_attempt();
            e.1 += spare.get(&(r.date, r.time)).copied().unwrap_or(0.0);
        }
        out.push(
            day.into_iter()
                .map(|(d, (work, spare))| {
                    (
                        d,
                        if work > 0.0 {
                            (spare / work).min(1.0)
                        } else {
                            0.0
                        },
                    )
                })
                .collect(),
        );
    }
    Ok(out)
}

/// `staff` with each blended campaign's collectors staffed by the dialer
/// model for the attempts the credit leaves them
/// (`attempts × (1 − credit of the day)`), and the collector
/// agent-intervals this saved per blend.
pub fn apply_credit(
    staff: &[StaffRow],
    blends: &[PlanBlend],
    credit: &Credit,
    book: &ChannelBook,
    interval_min: u32,
) -> Result<(Vec<StaffRow>, Vec<u64>), InputError> {
    let mut rows = staff.to_vec();
    let mut saved = Vec::with_capacity(blends.len());
    for (k, b) in blends.iter().enumerate() {
        let camp = campaign(book, &b.outbound)?;
        let mut n = 0u64;
        for r in rows.iter_mut().filter(|r| r.channel == b.outbound) {
            let share = credit
                .get(k)
                .and_then(|m| m.get(&r.date))
                .copied()
                .unwrap_or(0.0)
                .clamp(0.0, 1.0);
            if share <= 0.0 || r.volume <= 0.0 {
                continue;
            }
            let left = r.volume * (1.0 - share);
            let agents = crate::models::dialer::staff_campaign(left, interval_min, &camp)
                .map_err(|e| {
                    InputError::at_key(
                        &book.source,
                        format!("[channel.{}]", b.outbound),
                        e.to_string(),
                    )
                })?
                .agents;
            if agents < r.agents {
                n += u64::from(r.agents - agents);
                r.fte *= f64::from(agents) / f64::from(r.agents);
                r.agents = agents;
            }
        }
        saved.push(n);
    }
    Ok((rows, saved))
}

/// A day a blended campaign fell behind in a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BehindDay {
    /// Index of the blend.
    pub blend: usize,
    /// The day.
    pub date: jiff::civil::Date,
    /// Listed attempts left unmade at the day's last listed interval while
    /// accounts waited to be called (mean over replications).
    pub unmade: f64,
    /// The day's listed attempts.
    pub attempts: f64,
}

/// The days each blended campaign fell behind in `sim`: more than 1% of
/// the day's list (and at least one attempt) unmade at the close of its
/// window while accounts waited.
pub fn behind_days(sim: &SimResult, staff: &[StaffRow], blends: &[PlanBlend]) -> Vec<BehindDay> {
    let mut out = Vec::new();
    for (k, b) in blends.iter().enumerate() {
        let Some(c) = sim.channel_index(&b.outbound) else {
            continue;
        };
        // Per day: listed attempts and the last listed interval.
        let mut day: std::collections::BTreeMap<jiff::civil::Date, (f64, jiff::civil::Time)> =
            Default::default();
        for r in staff
            .iter()
            .filter(|r| r.channel == b.outbound && r.volume > 0.0)
        {
            let e = day.entry(r.date).or_insert((0.0, r.time));
            e.0 += r.volume;
            e.1 = e.1.max(r.time);
        }
        for (date, (attempts, last)) in day {
            let unmade = sim
                .interval_index(date, last)
                .and_then(|i| sim.interval(c, i))
                .map_or(0.0, |m| m.backlog.mean.max(0.0));
            if unmade >= 1.0 && unmade > 0.01 * attempts {
                out.push(BehindDay {
                    blend: k,
                    date,
                    unmade,
                    attempts,
                });
            }
        }
    }
    out
}

/// Takes the attempts a day left unmade off its credit:
/// `credit ← max(0, credit − unmade / attempts)`, so the next round's
/// collectors make them.
pub fn lower_credit(credit: &mut Credit, behind: &[BehindDay]) {
    for d in behind {
        if let Some(c) = credit.get_mut(d.blend).and_then(|m| m.get_mut(&d.date)) {
            *c = (*c - d.unmade / d.attempts.max(1.0)).max(0.0);
        }
    }
}

/// What each blend did in `sim`: calls made by the blended agents and by
/// the collectors (`saved` from [`apply_credit`], `by_day` the reserves
/// chosen per group and day, [`crate::sim::ReserveChoice::by_day`]).
pub fn blend_outcomes(
    sim: &SimResult,
    blends: &[PlanBlend],
    saved: &[u64],
    by_day: &[(String, jiff::civil::Date, u32)],
) -> Vec<BlendOutcome> {
    blends
        .iter()
        .zip(saved)
        .map(|(b, &n)| {
            let calls = |group: &str| {
                let g = sim.groups.iter().position(|x| x == group);
                let c = sim.channel_index(&b.outbound);
                match (g, c) {
                    (Some(g), Some(c)) => sim.served_by(g).map_or(0.0, |v| v[c]),
                    _ => 0.0,
                }
            };
            let mut blend = b.clone();
            let days: Vec<(jiff::civil::Date, u32)> = by_day
                .iter()
                .filter(|(g, _, _)| *g == b.inbound)
                .map(|&(_, d, r)| (d, r))
                .collect();
            if let Some(r) = days.iter().map(|x| x.1).max() {
                blend.reserve = r;
            }
            BlendOutcome {
                blend,
                reserve_by_day: days,
                calls_by_blended: calls(&b.inbound),
                calls_by_collectors: calls(&b.outbound),
                collector_intervals_saved: n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::channels::ChannelsFile;
    use crate::models::requirement::StaffModel;
    use jiff::civil::{Date, Time};

    const CHANNELS: &str = r#"
[channel.phone]
[channel.out]
[channel.out.outbound]
mode = "predictive"
reach = 0.3
talk_s = 180
wrap_s = 30
[group.mix]
channels = ["phone", "out"]
blend = "out"
reserve = 1
"#;

    fn book(text: &str) -> ChannelBook {
        ChannelBook::new(
            ChannelsFile::parse(text, "c.toml").unwrap(),
            "c.toml",
            Default::default(),
        )
    }

    fn row(ch: &str, t: Time, volume: f64, agents: u32, load_erl: f64) -> StaffRow {
        StaffRow {
            date: Date::constant(2026, 3, 11),
            time: t,
            channel: ch.into(),
            volume,
            aht_s: 270.0,
            agents,
            fte: f64::from(agents) / 0.7,
            service_level: 0.8,
            asa_s: 10.0,
            p_wait: 0.3,
            abandon_rate: 0.0,
            occupancy: 0.8,
            load_erl,
            model: StaffModel::ErlangC,
        }
    }

    /// Two intervals, 10 phone agents on 7.5 Erlangs, reserve 1: spare
    /// 1.5 agents × 1,800 s × 0.85 = 2,295 s each; the campaign's work is
    /// 100 attempts × 0.3 × 210 s = 6,300 s each: credit 4,590 / 12,600.
    /// The collectors are the dialer model's for the attempts left; a day
    /// behind by 10 of its 200 attempts loses 5 points of credit.
    #[test]
    fn the_credit_is_the_days_spare_time_over_its_work() {
        let b = book(CHANNELS);
        let names = vec!["out".to_string(), "phone".to_string()];
        let (pb, blends) = b.per_channel_with_blends(&names).unwrap();
        assert_eq!(blends.len(), 1);
        assert_eq!(
            (blends[0].inbound.as_str(), blends[0].reserve),
            ("phone", 1)
        );
        assert_eq!(pb.file.group["phone"].channels, vec!["phone", "out"]);
        assert_eq!(pb.file.group["out"].blend.as_deref(), Some("out"));
        let (t1, t2) = (Time::constant(9, 0, 0, 0), Time::constant(9, 30, 0, 0));
        let camp = b.resolve("out").unwrap().outbound.unwrap();
        let full = crate::models::dialer::staff_campaign(100.0, 30, &camp)
            .unwrap()
            .agents;
        let staff = vec![
            row("phone", t1, 100.0, 10, 7.5),
            row("phone", t2, 100.0, 10, 7.5),
            row("out", t1, 100.0, full, 1.0),
            row("out", t2, 100.0, full, 1.0),
        ];
        let mut credit = initial_credit(&staff, &blends, &b, 30).unwrap();
        let day = Date::constant(2026, 3, 11);
        let want = 4590.0 / 12600.0;
        assert!((credit[0][&day] - want).abs() < 1e-12, "{credit:?}");
        let (rows, saved) = apply_credit(&staff, &blends, &credit, &b, 30).unwrap();
        let left = crate::models::dialer::staff_campaign(100.0 * (1.0 - want), 30, &camp)
            .unwrap()
            .agents;
        assert!(left < full);
        assert!(rows
            .iter()
            .filter(|r| r.channel == "out")
            .all(|r| r.agents == left));
        assert_eq!(saved, vec![2 * u64::from(full - left)]);
        // Phone rows are untouched.
        assert!(rows
            .iter()
            .filter(|r| r.channel == "phone")
            .all(|r| r.agents == 10));
        lower_credit(
            &mut credit,
            &[BehindDay {
                blend: 0,
                date: day,
                unmade: 10.0,
                attempts: 200.0,
            }],
        );
        assert!((credit[0][&day] - (want - 0.05)).abs() < 1e-12);
    }

    /// A blended table with two inbound channels cannot be planned one
    /// group per channel: an error at its `channels` key.
    #[test]
    fn a_blend_of_two_inbound_channels_is_a_located_error() {
        let b = book(&CHANNELS.replace(
            r#"channels = ["phone", "out"]"#,
            r#"channels = ["phone", "chat", "out"]"#,
        ));
        let names = vec!["chat".to_string(), "out".to_string(), "phone".to_string()];
        let e = b.per_channel_with_blends(&names).unwrap_err().to_string();
        assert!(
            e.contains("c.toml") && e.contains("[group.mix] channels"),
            "{e}"
        );
        // A forecast without the campaign or without the inbound channel:
        // nothing to blend, one group per channel.
        for only in ["phone", "out"] {
            let (b, blends) = book(CHANNELS)
                .per_channel_with_blends(&[only.to_string()])
                .unwrap();
            assert!(blends.is_empty() && b.file.group.is_empty(), "{only}");
        }
    }
}
