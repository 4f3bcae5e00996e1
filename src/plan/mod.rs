//! The end-to-end plan: forecast → staffing requirement → roster →
//! simulation of the roster → raise the requirement where the simulated
//! service misses a target → solve again.
//!
//! Each round schedules the current requirement, converts the roster to
//! per-interval staffing (agents on a break are not available) and simulates
//! it. An interval of a channel *misses* when the simulation is confidently
//! worse than a target, by the one rule of [`crate::sim::misses_target`]
//! (service level, abandonment and ASA). Every missed interval's requirement goes up by
//! one agent and the next round starts; the plan stops when no interval
//! misses or after `rounds` rounds. Simulation uses one group per channel.
//!
//! **By groups** ([`PlanOptions::groups`]): the requirement is per agent
//! group of the channels file (`[group.NAME]`), from
//! [`crate::optimize::multiskill::staff_groups`]; each group is scheduled with the
//! shift types allowed for it (a shift type's `channels` may name groups);
//! the simulation runs the real groups and routing; and a missed interval
//! raises the group whose extra agent most reduces the interval's
//! shortfall per unit of cost, measured by simulating the interval with
//! the roster's agents and one more in each candidate group (common random
//! numbers), not guessed. Costs are the roster's times the group's
//! `cost_per_hour` factor.

use crate::core::textio::{fmt_num, format_time};
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::demand::forecast::Forecast;
use crate::demand::scenario::Scenario;
use crate::models::channels::{ChannelBook, ChannelsFile};
use crate::models::requirement::{staff_forecast, Requirement, RequirementError, StaffRow};
use crate::optimize::multiskill::{staff_groups, GroupSetup, GroupStaffOptions, SkillError};
use crate::optimize::schedule::{schedule, Roster, ScheduleError, ScheduleOptions};
use crate::optimize::shifts::ShiftRules;
use crate::sim::{from_forecast, misses_target, SimError, SimLimits, SimResult};

pub mod blend;
pub mod decision;
mod groups;
pub use blend::BlendOutcome;
pub use groups::{
    compare_with_single, group_served_rows, write_comparison, write_groups, ChannelService,
    GroupOutcome, GroupPlan, GroupServedRow,
};
use groups::{group_outcomes, group_raises, schedule_nested};

/// The plan's default branch-and-bound budget per channel and round.
pub const DEFAULT_NODE_LIMIT: u64 = 10_000;

/// How the plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Rounds of schedule and simulate at most.
    pub rounds: usize,
    /// Replications per simulation.
    pub replications: usize,
    /// Seed of the simulations.
    pub seed: u64,
    /// Worker threads of the simulation (`None`: one per core).
    pub threads: Option<usize>,
    /// The optimizer's options, per channel and round. The plan's default
    /// is microlp with [`DEFAULT_NODE_LIMIT`] nodes (the budget that makes
    /// the plan the same on every machine) and 60 s as a safety net.
    pub schedule: ScheduleOptions,
    /// Bounds on the work of each simulation.
    #[serde(default)]
    pub limits: SimLimits,
    /// Plan by the channels file's agent groups with these options (see
    /// the module documentation); `None`: one group per channel.
    #[serde(default)]
    pub groups: Option<GroupStaffOptions>,
    /// Ignore the channels file's blends (`[group.NAME] blend`): the
    /// campaigns' collectors make every attempt (to compare with blending).
    #[serde(default)]
    pub no_blend: bool,
}

impl Default for PlanOptions {
    /// 4 rounds, 20 replications, seed 1, [`DEFAULT_NODE_LIMIT`] nodes and at
    /// most 60 s per channel and round.
    fn default() -> Self {
        Self {
            rounds: 4,
            replications: 20,
            seed: 1,
            threads: None,
            schedule: ScheduleOptions {
                time_limit_s: 60.0,
                solver: crate::optimize::schedule::SolverChoice::Microlp,
                node_limit: Some(DEFAULT_NODE_LIMIT),
                ..ScheduleOptions::default()
            },
            limits: SimLimits::default(),
            groups: None,
            no_blend: false,
        }
    }
}

/// What one round found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRound {
    /// Round number, from 1.
    pub round: usize,
    /// Required agent-intervals scheduled against.
    pub required_agent_intervals: u64,
    /// Paid hours of the roster.
    pub paid_hours: f64,
    /// Cost of the roster (by groups: each group's times its
    /// `cost_per_hour` factor).
    pub cost: f64,
    /// Headcount with the weekly rule.
    pub headcount: Option<u32>,
    /// Largest solver gap over the channels.
    pub gap: f64,
    /// Intervals (× channels) whose simulated service missed a target.
    pub misses: usize,
    /// Days of blended campaigns whose list fell behind (more collectors
    /// the next round).
    #[serde(default)]
    pub outbound_behind: usize,
    /// Blends: the largest reserve chosen by simulation per blended group
    /// (each day has its own: [`BlendOutcome::reserve_by_day`]).
    #[serde(default)]
    pub reserves: Vec<(String, u32)>,
    /// The interval with the lowest simulated service level relative to its target.
    pub worst: Option<WorstInterval>,
}

/// The interval of a round with the lowest simulated service level
/// relative to its channel's target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorstInterval {
    /// Date.
    pub date: Date,
    /// Interval start.
    pub time: Time,
    /// Channel.
    pub channel: String,
    /// Simulated service level (mean over replications), share.
    pub service_level: f64,
    /// Its 95% half-width over replications, share.
    #[serde(default)]
    pub service_level_ci95: f64,
    /// Its target, share.
    #[serde(default)]
    pub target: f64,
    /// Contacts offered in it (mean over replications).
    #[serde(default)]
    pub offered: f64,
    /// Whether it misses a target by the one status rule
    /// ([`crate::sim::misses_target`]: confidently below it).
    #[serde(default)]
    pub misses: bool,
}

/// Everything a plan produced.
#[derive(Debug, Clone)]
pub struct PlanResult {
    /// The forecast.
    pub forecast: Forecast,
    /// The staffing requirement of the queueing formulas.
    pub requirement: Vec<StaffRow>,
    /// The requirement of the last round (after raises).
    pub final_requirement: Requirement,
    /// The last roster.
    pub roster: Roster,
    /// The simulation of the last roster.
    pub simulation: SimResult,
    /// One entry per round.
    pub rounds: Vec<PlanRound>,
    /// Per agent group of the last round (one per channel when not
    /// planned by groups).
    pub groups: Vec<GroupOutcome>,
    /// Planned by groups: how the search of the group requirement went.
    pub group_search: Option<crate::optimize::multiskill::GroupSearch>,
    /// Blends of inbound agents with outbound campaigns (see
    /// [`blend`]), as in the last round.
    pub blends: Vec<BlendOutcome>,
}

impl PlanResult {
    /// The cost factor of roster channel (or group) `name`: its group's
    /// `cost_per_hour` factor, 1 for a channel planned on its own.
    pub fn cost_factor(&self, name: &str) -> f64 {
        self.groups
            .iter()
            .find(|g| g.name == name)
            .map_or(1.0, |g| g.cost_factor)
    }

    /// The roster's cost with each group's factor: the figure the headline,
    /// the channel table, `rounds.csv` and the decision all print.
    pub fn cost(&self) -> f64 {
        self.roster
            .channels
            .iter()
            .map(|c| c.cost * self.cost_factor(&c.channel))
            .sum()
    }
}

/// Why a plan failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The optimizer failed.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// The simulator could not be built.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The requirement could not be built.
    #[error(transparent)]
    Requirement(#[from] RequirementError),
    /// The forecast has no rows.
    #[error("the forecast is empty")]
    Empty,
    /// The groups cannot be planned.
    #[error(transparent)]
    Groups(#[from] SkillError),
}

/// What a plan is made from.
#[derive(Debug, Clone, Copy)]
pub struct PlanInputs<'a> {
    /// The demand.
    pub scenario: &'a Scenario,
    /// First date.
    pub from: Date,
    /// Last date, inclusive.
    pub to: Date,
    /// Channel settings (targets, bot, concurrency, simulator keys).
    pub channels: &'a ChannelsFile,
    /// Where the channel settings came from, for errors.
    pub channels_source: &'a str,
    /// Shift rules.
    pub rules: &'a ShiftRules,
    /// Where the rules came from, for errors.
    pub rules_source: &'a str,
}

/// Runs the plan; `on_round` hears about each round as it ends.
pub fn plan(
    inputs: &PlanInputs<'_>,
    opts: &PlanOptions,
    mut on_round: impl FnMut(&PlanRound),
) -> Result<PlanResult, PlanError> {
    let PlanInputs {
        scenario,
        from,
        to,
        channels,
        channels_source,
        rules,
        rules_source,
    } = *inputs;
    // Holiday premiums are priced with the scenario's calendar unless the
    // rules name their own.
    let priced;
    let rules = if rules.calendar.is_none() {
        priced = rules.clone().with_calendar(scenario.calendar_data.clone());
        &priced
    } else {
        rules
    };
    let mut forecast = scenario.forecast(from, to)?;
    if forecast.rows.is_empty() {
        return Err(PlanError::Empty);
    }
    // The plan covers every channel of the scenario: opening hours of a
    // channel it does not have are a mistake in the rules.
    let mut names: Vec<&str> = forecast.rows.iter().map(|r| r.channel.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    rules.check_against(&names, true, forecast.interval_min, rules_source)?;
    let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    move_to_opening(&mut forecast, rules, rules_source)?;
    let im = forecast.interval_min;
    let file_book = ChannelBook::new(channels.clone(), channels_source, Default::default());
    // By groups: the file's groups; else one group per channel.
    let setup = match opts.groups {
        Some(_) => Some(GroupSetup::new(&forecast, &file_book)?),
        None => None,
    };
    // One group per channel keeps the file's blends (inbound agents calling
    // out on a campaign).
    let (book, blends) = match setup {
        Some(_) => (file_book.clone(), Vec::new()),
        None if opts.no_blend => (file_book.one_group_per_channel(), Vec::new()),
        None => file_book.per_channel_with_blends(&owned)?,
    };
    let staff = staff_forecast(
        &forecast,
        &file_book.one_group_per_channel(),
        None,
        "forecast",
    )?;
    // The blended agents' spare time takes part of the campaigns' work.
    let mut credit = blend::initial_credit(&staff, &blends, &file_book, im)?;
    let (start, mut saved) = blend::apply_credit(&staff, &blends, &credit, &file_book, im)?;
    let mut group_search = None;
    let mut req = match opts.groups {
        Some(g) => {
            let found = staff_groups(&forecast, &book, &g)?;
            group_search = Some(found.search);
            Requirement::from_table(&found.table, im, "group requirement")?
                .ok_or(PlanError::Empty)?
        }
        None => Requirement::from_staff_rows(&start, im)?.ok_or(PlanError::Empty)?,
    };
    let factor = |name: &str| {
        setup
            .as_ref()
            .and_then(|s| s.groups.iter().find(|g| g.name == name))
            .map_or(1.0, |g| g.cost_per_agent)
    };
    let loads = setup.as_ref().map(|s| s.loads(&forecast));
    let sched_opts = opts.schedule;
    let mut rounds = Vec::new();
    let mut last = None;
    for round in 1..=opts.rounds.max(1) {
        let roster = match &setup {
            Some(setup) => schedule_nested(&req, rules, &sched_opts, rules_source, setup)?,
            None => schedule(&req, rules, &sched_opts, rules_source)?,
        };
        let staffing = roster.staffing();
        let mut built = from_forecast(&forecast, &staffing, &book, "roster")?
            .replications(opts.replications)
            .seed(opts.seed)
            .threads(opts.threads)
            .limits(opts.limits)
            .build()?;
        let mut reserves = Vec::new();
        let mut by_day = Vec::new();
        let sim = if blends.is_empty() {
            built.run(None)?
        } else {
            let (choice, sim) = crate::sim::choose_reserves_and_run(&mut built, &|c: &str| {
                book.resolve(c).ok().map(|x| x.targets)
            })?;
            reserves = choice.chosen;
            by_day = choice.by_day;
            // The collectors' own group calls out whenever free: its
            // reserve is news only if the search raised it.
            reserves.retain(|(g, r)| *r > 0 || blends.iter().any(|b| &b.inbound == g));
            sim
        };
        // Find the misses.
        let grid = sim.labels.clone();
        let mut misses = Vec::new();
        let mut worst: Option<WorstInterval> = None;
        let mut worst_margin = f64::INFINITY;
        for (c, name) in sim.channels.iter().enumerate() {
            let targets = book.resolve(name)?.targets;
            for (i, &(d, time)) in grid.iter().enumerate() {
                let Some(m) = sim.interval(c, i) else {
                    continue;
                };
                if m.offered.mean.is_nan() || m.offered.mean <= 0.0 {
                    continue;
                }
                if let Some(s) = targets.service_level {
                    let margin = m.service_level.mean - s;
                    if m.service_level.mean.is_finite() && margin < worst_margin {
                        worst_margin = margin;
                        worst = Some(WorstInterval {
                            date: d,
                            time,
                            channel: name.clone(),
                            service_level: m.service_level.mean,
                            service_level_ci95: m.service_level.ci95,
                            target: s,
                            offered: m.offered.mean,
                            misses: misses_target(&targets, &m),
                        });
                    }
                }
                if misses_target(&targets, &m) {
                    if let Some(idx) = req.grid().index(d, time) {
                        misses.push((name.clone(), idx));
                    }
                }
            }
        }
        // Blended campaigns: days whose list fell behind.
        let behind = blend::behind_days(&sim, &staff, &blends);
        let s = roster.summary();
        let r = PlanRound {
            round,
            required_agent_intervals: req.agent_intervals(),
            paid_hours: s.paid_hours,
            cost: roster
                .channels
                .iter()
                .map(|c| c.cost * factor(&c.channel))
                .sum(),
            headcount: s.headcount,
            gap: s.gap,
            misses: misses.len(),
            outbound_behind: behind.len(),
            reserves: reserves.clone(),
            worst,
        };
        on_round(&r);
        rounds.push(r);
        let done = (misses.is_empty() && behind.is_empty()) || round == opts.rounds.max(1);
        if !done {
            if !behind.is_empty() {
                // The collectors make what the blended agents did not.
                blend::lower_credit(&mut credit, &behind);
                let (rows, s) = blend::apply_credit(&staff, &blends, &credit, &file_book, im)?;
                saved = s;
                let outs: Vec<&str> = blends.iter().map(|b| b.outbound.as_str()).collect();
                for r in rows.iter().filter(|r| outs.contains(&r.channel.as_str())) {
                    if let Some(idx) = req.grid().index(r.date, r.time) {
                        req.set(&r.channel, idx, r.agents);
                    }
                }
            }
            match (&setup, &loads, opts.groups) {
                (Some(setup), Some(loads), Some(g)) => {
                    let raises = group_raises(setup, loads, &req, &staffing, &misses, &g)?;
                    for (group, idx, n) in raises {
                        req.raise(&group, idx, n);
                    }
                }
                _ => {
                    for (name, idx) in &misses {
                        req.raise(name, *idx, 1);
                    }
                }
            }
        }
        last = Some((roster, sim, by_day));
        if done {
            break;
        }
    }
    let (roster, simulation, by_day) = last.expect("at least one round");
    let groups = group_outcomes(&roster, &simulation, &book, &factor);
    let blends = blend::blend_outcomes(&simulation, &blends, &saved, &by_day);
    Ok(PlanResult {
        forecast,
        requirement: staff,
        final_requirement: req,
        roster,
        simulation,
        rounds,
        groups,
        group_search,
        blends,
    })
}

pub use crate::models::opening::move_to_opening;

/// The columns of the rounds CSV ([`PlanRound`]'s `CsvRow`).
pub const ROUND_COLUMNS: [&str; 13] =
    crate::io::table::names(<PlanRound as crate::io::table::CsvRow>::COLUMNS);

/// The rounds CSV: one row per round of the plan.
impl crate::io::table::CsvRow for PlanRound {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("round", |r| r.round.to_string()),
        ("required_agent_intervals", |r| {
            r.required_agent_intervals.to_string()
        }),
        ("paid_hours", |r| fmt_num(r.paid_hours, 2)),
        ("cost", |r| fmt_num(r.cost, 2)),
        ("headcount", |r| {
            r.headcount.map_or(String::new(), |h| h.to_string())
        }),
        ("gap", |r| fmt_num(r.gap, 6)),
        ("misses", |r| r.misses.to_string()),
        ("worst_date", |r| {
            r.worst
                .as_ref()
                .map_or(String::new(), |w| w.date.to_string())
        }),
        ("worst_time", |r| {
            r.worst
                .as_ref()
                .map_or(String::new(), |w| format_time(w.time))
        }),
        ("worst_channel", |r| {
            r.worst
                .as_ref()
                .map_or(String::new(), |w| w.channel.clone())
        }),
        ("worst_service_level", |r| {
            r.worst
                .as_ref()
                .map_or(String::new(), |w| fmt_num(w.service_level, 4))
        }),
        ("campaign_days_behind", |r| r.outbound_behind.to_string()),
        ("reserves", |r| {
            r.reserves
                .iter()
                .map(|(g, n)| format!("{g}={n}"))
                .collect::<Vec<_>>()
                .join(";")
        }),
    ];
}

/// Writes one row per round with [`ROUND_COLUMNS`].
pub fn write_rounds<W: std::io::Write>(w: W, rounds: &[PlanRound]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "from = \"2026-03-10\"\nto = \"2026-03-10\"\n\
        [channel.phone]\ndaily_volume = 2000\naht_s = 240\npatience_s = 150\n\
        [channel.email]\ndaily_volume = 300\naht_s = 400\n\
        intraday = { workday = \"flat\", weekend = \"flat\", holiday = \"flat\" }\n";
    const CHANNELS: &str = "[channel.phone]\nservice_level = 0.8\nanswer_within_s = 20\n\
        max_abandon = 0.05\npatience_s = 150\n\
        [channel.email]\nkind = \"deferred\"\nanswer_within_s = 7200\n";
    const RULES: &str = "[[shift]]\nname = \"day\"\nearliest_start = \"00:00\"\n\
        latest_start = \"23:30\"\nstart_step_min = 30\nlength_min = 480\ncost_per_hour = 1.0\n\
        [open.email]\nstart = \"08:00\"\nend = \"20:00\"\n";

    fn inputs() -> (Scenario, ChannelsFile, ShiftRules) {
        (
            Scenario::parse(SCENARIO, "s.toml").unwrap(),
            ChannelsFile::parse(CHANNELS, "c.toml").unwrap(),
            ShiftRules::parse(RULES, "r.toml").unwrap(),
        )
    }

    #[test]
    fn plan_covers_the_requirement_and_raises_only_upwards() {
        let (scenario, channels, rules) = inputs();
        let d = "2026-03-10".parse().unwrap();
        let inputs = PlanInputs {
            scenario: &scenario,
            from: d,
            to: d,
            channels: &channels,
            channels_source: "c.toml",
            rules: &rules,
            rules_source: "r.toml",
        };
        let mut opts = PlanOptions {
            rounds: 3,
            replications: 6,
            ..PlanOptions::default()
        };
        opts.schedule.node_limit = Some(300);
        let mut heard = 0;
        let r = plan(&inputs, &opts, |_| heard += 1).unwrap();
        assert_eq!(heard, r.rounds.len());
        assert!(!r.rounds.is_empty() && r.rounds.len() <= 3);
        // Email is closed 20:00-08:00: those rows moved to the opening.
        let email: Vec<_> = r
            .forecast
            .rows
            .iter()
            .filter(|x| x.channel == "email")
            .collect();
        assert_eq!(email.len(), 24);
        // Every raise adds agent-intervals; the roster covers the last requirement.
        let need: Vec<u64> = r
            .rounds
            .iter()
            .map(|x| x.required_agent_intervals)
            .collect();
        assert!(need.windows(2).all(|w| w[0] <= w[1]), "{need:?}");
        assert_eq!(r.roster.summary().shortfall, 0);
        assert_eq!(r.final_requirement.agent_intervals(), *need.last().unwrap());
        // The requirement is the formulas' answer row by row.
        let phone_rows = r
            .requirement
            .iter()
            .filter(|x| x.channel == "phone")
            .count();
        assert_eq!(phone_rows, 48);
        let phone = r.simulation.channel_index("phone").unwrap();
        assert!(r.simulation.summary_all(phone).unwrap().service_level.mean > 0.75);
    }

    #[test]
    fn rounds_are_written_as_csv() {
        let r = PlanRound {
            round: 1,
            required_agent_intervals: 10,
            paid_hours: 8.0,
            cost: 8.0,
            headcount: None,
            gap: 0.0,
            misses: 1,
            outbound_behind: 2,
            reserves: vec![("phone".into(), 3)],
            worst: Some(WorstInterval {
                date: "2026-03-10".parse().unwrap(),
                time: "09:00".parse().unwrap(),
                channel: "a,b".into(),
                service_level: 0.5,
                service_level_ci95: 0.1,
                target: 0.8,
                offered: 12.0,
                misses: true,
            }),
        };
        let mut buf = Vec::new();
        write_rounds(&mut buf, &[r]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.ends_with("1,10,8,8,,0,1,2026-03-10,09:00,\"a,b\",0.5,2,phone=3\n"),
            "{text}"
        );
    }
}
