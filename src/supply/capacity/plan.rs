//! The capacity plan assembled: the horizon in whole weeks, the checks of
//! the team and the hiring files against it, each group's inputs to the
//! headcount flow, the hiring optimizer, and the weekly rows.

use jiff::civil::Date;

use super::required::{self, Required};
use super::{
    add_days, flow, CapacityError, CapacityOptions, CapacityPlan, CapacityRow, Class, ClassRow,
    FlowParams, GroupInputs, HiringFile, HiringModel, Nesting, OptimizerReport, ShortWeek,
};
use crate::core::calendar::HolidayBlock;
use crate::core::input::{InputError, Warning};
use crate::demand::scenario::Scenario;
use crate::models::channels::ChannelBook;
use crate::optimize::shifts::ShiftRules;
use crate::supply::team::Team;

/// The plan's whole weeks: from the first Monday on or after `from` to the
/// last Sunday on or before `to`.
#[derive(Debug, Clone, Copy)]
struct Horizon {
    first: Date,
    last: Date,
    weeks: usize,
}

impl Horizon {
    /// The horizon of `opts` inside the scenario's own dates; a warning when
    /// the dates are trimmed to whole weeks.
    fn new(
        scenario: &Scenario,
        opts: &CapacityOptions,
        warnings: &mut Vec<Warning>,
    ) -> Result<Horizon, CapacityError> {
        if opts.to < opts.from {
            return Err(CapacityError::Horizon(format!(
                "CapacityOptions.to {} is before CapacityOptions.from {}",
                opts.to, opts.from
            )));
        }
        let first = add_days(
            opts.from,
            (7 - crate::core::calendar::weekday_index(opts.from) as i64) % 7,
        );
        let days = (opts.to - first).get_days() as i64 + 1;
        if days < 7 {
            return Err(CapacityError::Horizon(format!(
                "{} to {} holds no whole week (Monday to Sunday); the plan is by week",
                opts.from, opts.to
            )));
        }
        let weeks = (days / 7) as usize;
        if first != opts.from || days % 7 != 0 {
            warnings.push(Warning(format!(
                "the plan runs by whole weeks: {first} to {}, inside {} to {}",
                add_days(first, 7 * weeks as i64 - 1),
                opts.from,
                opts.to
            )));
        }
        if weeks > opts.max_weeks as usize {
            return Err(CapacityError::Horizon(format!(
                "{} to {} is {weeks} weeks, more than the limit of {}; raise it (CapacityOptions.max_weeks) if that is meant",
                opts.from, opts.to, opts.max_weeks
            )));
        }
        let last = add_days(first, 7 * weeks as i64 - 1);
        // A week with no forecast: the scenario's own dates bound the horizon.
        for (key, bound, outside) in [("from", scenario.from, true), ("to", scenario.to, false)] {
            let Some(b) = bound else {
                continue;
            };
            let (bad, week) = if outside {
                (first < b, first)
            } else {
                (last > b, add_days(last, -6))
            };
            if bad {
                return Err(CapacityError::Input(InputError::at_key(
                    "scenario",
                    key,
                    format!(
                        "the week of {week} has no forecast: the scenario's `{key}` is {b}; the horizon runs {first} to {last} (whole weeks); move CapacityOptions.from/CapacityOptions.to inside it"
                    ),
                )));
            }
        }
        Ok(Horizon { first, last, weeks })
    }

    /// The week (from 0) day `d` falls in.
    fn week_of(&self, d: Date) -> Option<usize> {
        let k = (d - self.first).get_days();
        (k >= 0 && (k as usize) < 7 * self.weeks).then_some(k as usize / 7)
    }

    /// Monday of week `w` (negative or past the end for classes started
    /// outside the horizon).
    fn start(&self, w: i64) -> Date {
        add_days(self.first, 7 * w)
    }
}

/// The team's groups with their channels; every channel must be the
/// scenario's.
fn team_groups(
    team: &Team,
    scenario: &Scenario,
) -> Result<Vec<(String, Vec<String>)>, CapacityError> {
    let groups: Vec<(String, Vec<String>)> = team
        .groups
        .values()
        .map(|g| (g.name.clone(), g.channels.clone()))
        .collect();
    for (g, chans) in &groups {
        if let Some(c) = chans.iter().find(|c| !scenario.channel.contains_key(*c)) {
            return Err(CapacityError::Input(InputError::at_key(
                &team.source,
                format!("[group.{g}] channels"),
                format!(
                    "channel {c} is not in the scenario (it has {})",
                    scenario
                        .channel
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )));
        }
    }
    if let Some(c) = scenario
        .channel
        .keys()
        .find(|c| !groups.iter().any(|(_, chans)| chans.contains(*c)))
    {
        return Err(CapacityError::Input(InputError::at_key(
            &team.source,
            "group".to_string(),
            format!(
                "no group serves channel {c} of the scenario, so its demand would be left out of the plan: add it to a group's channels (the groups serve {})",
                groups
                    .iter()
                    .flat_map(|(_, chans)| chans.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )));
    }
    Ok(groups)
}

/// What every variant shares: the horizon, the groups, the requirement
/// with its representative weeks, and the warnings so far.
struct Common<'a> {
    scenario: &'a Scenario,
    book: &'a ChannelBook,
    team: &'a Team,
    opts: &'a CapacityOptions,
    horizon: Horizon,
    groups: Vec<(String, Vec<String>)>,
    req: Required,
    warnings: Vec<Warning>,
}

/// Capacity plans for several hiring files (what-ifs: attrition rates,
/// class sizes) over one requirement: the representative weeks are
/// scheduled once. See [`super::plan_capacity`].
pub fn plan_capacity_variants(
    scenario: &Scenario,
    book: &ChannelBook,
    rules: &ShiftRules,
    team: &Team,
    hirings: &[HiringFile],
    opts: &CapacityOptions,
) -> Result<Vec<CapacityPlan>, CapacityError> {
    let mut warnings = Vec::new();
    let horizon = Horizon::new(scenario, opts, &mut warnings)?;
    let groups = team_groups(team, scenario)?;
    let weeks = horizon.weeks;
    for hiring in hirings {
        let h = &hiring.hiring;
        if opts.optimize && (h.lead_weeks + h.training_weeks) as usize >= weeks {
            return Err(CapacityError::Input(InputError::at_key(
                &hiring.source,
                "[hiring] lead_weeks",
                format!(
                    "lead_weeks + training_weeks = {} weeks is not shorter than the horizon of {weeks} weeks: no class could work in it; lengthen the horizon (CapacityOptions.to) or shorten the pipeline",
                    h.lead_weeks + h.training_weeks
                ),
            )));
        }
    }
    let req = required::required(
        scenario,
        book,
        rules,
        &groups,
        horizon.first,
        weeks,
        opts.every_week,
        &opts.schedule,
    )?;
    let common = Common {
        scenario,
        book,
        team,
        opts,
        horizon,
        groups,
        req,
        warnings,
    };
    hirings.iter().map(|h| common.plan(h)).collect()
}

impl Common<'_> {
    /// The plan with one hiring file.
    fn plan(&self, hiring: &HiringFile) -> Result<CapacityPlan, CapacityError> {
        let mut warnings = self.warnings.clone();
        let blocks = self.holiday_blocks(hiring, &mut warnings);
        let h = &hiring.hiring;
        let params = FlowParams {
            weekly_attrition: hiring.attrition.weekly,
            training_weeks: h.training_weeks,
            graduation: h.graduation,
            nesting_aht: h.nesting_aht.clone(),
            cost_per_hire: h.cost_per_hire,
            weekly_cost_per_agent: h.weekly_cost_per_agent,
        };
        let decided = self.decided_classes(hiring, &mut warnings)?;
        let mut inputs = Vec::with_capacity(self.groups.len());
        for (gi, (name, chans)) in self.groups.iter().enumerate() {
            let g = self.group_inputs(gi, name, chans, hiring, &blocks)?;
            inputs.push((name.clone(), g, decided[gi].clone()));
        }
        let groups = &self.groups;
        let hire_for: Vec<bool> = groups
            .iter()
            .map(|(n, _)| h.groups.as_ref().is_none_or(|l| l.contains(n)))
            .collect();
        if let Some(l) = &h.groups {
            if let Some(bad) = l.iter().find(|n| !groups.iter().any(|(g, _)| g == *n)) {
                return Err(CapacityError::Input(InputError::at_key(
                    &hiring.source,
                    "[hiring] groups",
                    format!("no group {bad:?} in the team"),
                )));
            }
        }
        let model = HiringModel {
            groups: inputs,
            params: params.clone(),
            hiring: h.clone(),
            hire_for,
        };
        let (new_classes, optimizer) = if self.opts.optimize {
            let sol = model
                .solve(&self.opts.limits)
                .map_err(CapacityError::Solver)?;
            let rep = OptimizerReport {
                objective: sol.objective,
                bound: sol.bound,
                gap: sol.gap,
                proven: sol.proven,
                short_penalty: h.short_penalty(),
            };
            (sol.classes, Some(rep))
        } else {
            (Vec::new(), None)
        };
        Ok(self.assemble(&model, &params, &new_classes, optimizer, blocks, warnings))
    }

    /// The calendar's named holiday blocks in the horizon (the scenario's
    /// calendar, else the team's); a warning for each `after_holiday` name
    /// none matches.
    fn holiday_blocks(
        &self,
        hiring: &HiringFile,
        warnings: &mut Vec<Warning>,
    ) -> Vec<HolidayBlock> {
        let Horizon { first, last, .. } = self.horizon;
        let cal = if self.scenario.calendar_data.days.is_empty() {
            &self.team.calendar
        } else {
            &self.scenario.calendar_data
        };
        let blocks: Vec<HolidayBlock> = cal
            .named_blocks()
            .into_iter()
            .filter(|b| b.last >= first && b.first <= last)
            .collect();
        for name in hiring.attrition.after_holiday.keys() {
            if !blocks.iter().any(|b| &b.name == name) {
                warnings.push(Warning(format!(
                    "[attrition] after_holiday: no holiday named {name:?} in the calendar between {first} and {last}; ignored"
                )));
            }
        }
        blocks
    }

    /// The hiring file's decided classes, by group.
    fn decided_classes(
        &self,
        hiring: &HiringFile,
        warnings: &mut Vec<Warning>,
    ) -> Result<Vec<Vec<Class>>, CapacityError> {
        let groups = &self.groups;
        let mut decided: Vec<Vec<Class>> = vec![Vec::new(); groups.len()];
        for (i, (start, size, group)) in hiring.decided().into_iter().enumerate() {
            let g = match &group {
                Some(name) => groups.iter().position(|(n, _)| n == name),
                None if groups.len() == 1 => Some(0),
                None => None,
            };
            let Some(g) = g else {
                return Err(CapacityError::Input(InputError::at_key(
                    &hiring.source,
                    format!("[[hiring.class]] #{} group", i + 1),
                    match group {
                        Some(n) => format!(
                            "no group {n:?} in the team (it has {})",
                            groups
                                .iter()
                                .map(|g| g.0.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => "the team has several groups: say which one the class trains for"
                            .to_string(),
                    },
                )));
            };
            let k = (start - self.horizon.first).get_days() as i64;
            let training = i64::from(hiring.hiring.training_weeks);
            if start > self.horizon.last {
                warnings.push(Warning(format!(
                    "{}: [[hiring.class]] #{} start: {start} is after the plan's last day {}; the class is ignored",
                    hiring.source,
                    i + 1,
                    self.horizon.last
                )));
                continue;
            }
            if k.div_euclid(7) + training.max(1) <= 0 {
                warnings.push(Warning(format!(
                    "{}: [[hiring.class]] #{} start: {start} graduates before the plan's first day {}; the class is ignored (its agents belong in the team's headcount)",
                    hiring.source,
                    i + 1,
                    self.horizon.first
                )));
                continue;
            }
            decided[g].push(Class {
                start_week: k.div_euclid(7),
                size,
            });
        }
        Ok(decided)
    }

    /// Group `gi`'s inputs to the flow: its headcount at the start, the
    /// team's changes (with nesting) and leave by week, the one-off
    /// attrition after holidays, its channel's shrinkage and the required
    /// FTE.
    fn group_inputs(
        &self,
        gi: usize,
        name: &str,
        chans: &[String],
        hiring: &HiringFile,
        blocks: &[HolidayBlock],
    ) -> Result<GroupInputs, CapacityError> {
        let Horizon { first, last, weeks } = self.horizon;
        let team = self.team;
        let g = &team.groups[name];
        let (books, _) = team.headcount_on(g, first)?;
        let mut changes = vec![0i64; weeks];
        let mut nesting = Vec::new();
        for (date, n, aht) in team.changes_of(g) {
            if *date <= first {
                continue;
            }
            // From the first week starting on or after the change.
            let k = ((*date - first).get_days() as usize).div_ceil(7);
            if k == 0 || k > weeks {
                continue;
            }
            changes[k - 1] += n;
            if *n > 0 && !aht.is_empty() {
                nesting.push(Nesting {
                    first_week: k as i64,
                    agents: *n as u32,
                    aht: aht.clone(),
                });
            }
        }
        let mut leave_fte = vec![0.0; weeks];
        for (a, b, agents) in team.leave_of(g) {
            let mut d = (*a).max(first);
            while d <= *b && d <= last {
                if let Some(w) = self.horizon.week_of(d) {
                    leave_fte[w] += f64::from(*agents) / 7.0;
                }
                d = add_days(d, 1);
            }
        }
        let mut one_off = vec![0.0; weeks];
        for b in blocks {
            if let Some(share) = hiring.attrition.after_holiday.get(&b.name) {
                if let Some(w) = self.horizon.week_of(add_days(b.last, 1)) {
                    one_off[w] = 1.0 - (1.0 - one_off[w]) * (1.0 - share);
                }
            }
        }
        let shrinkage = match chans.first() {
            Some(c) => self.book.resolve(c)?.shrinkage,
            None => 0.0,
        };
        let req = &self.req;
        let required_fte: Vec<f64> = (0..weeks)
            .map(|w| {
                let p = &req.patterns[req.pattern_of[w]];
                req.hours[gi][w] * p.efficiency.get(name).copied().unwrap_or(1.0)
                    / hiring.hours_per_fte_week
            })
            .collect();
        Ok(GroupInputs {
            headcount: books,
            required_fte,
            changes,
            one_off,
            leave_fte,
            nesting,
            shrinkage,
        })
    }

    /// The plan from the flows with every class: a row per week and
    /// group, the weeks short, the classes in start order.
    fn assemble(
        &self,
        model: &HiringModel,
        params: &FlowParams,
        new_classes: &[(usize, Class)],
        optimizer: Option<OptimizerReport>,
        blocks: Vec<HolidayBlock>,
        warnings: Vec<Warning>,
    ) -> CapacityPlan {
        let hz = self.horizon;
        let req = &self.req;
        let news_of = |gi: usize| {
            new_classes
                .iter()
                .filter(move |(g, _)| *g == gi)
                .map(|(_, c)| *c)
        };
        let flows: Vec<_> = model
            .groups
            .iter()
            .enumerate()
            .map(|(gi, (name, inp, dec))| {
                let mut all = dec.clone();
                all.extend(news_of(gi));
                (name.clone(), flow(inp, params, &all))
            })
            .collect();
        let mut rows = Vec::with_capacity(hz.weeks * self.groups.len());
        let mut short_weeks = Vec::new();
        for w in 0..hz.weeks {
            for (gi, (name, f)) in flows.iter().enumerate() {
                let p = req.pattern_of[w];
                rows.push(CapacityRow {
                    week_start: hz.start(w as i64),
                    group: name.clone(),
                    pattern: p,
                    required_hours: req.hours[gi][w],
                    efficiency: req.patterns[p].efficiency.get(name).copied().unwrap_or(1.0),
                    week: f[w].clone(),
                });
                if f[w].gap_fte < -0.05 {
                    short_weeks.push(ShortWeek {
                        group: name.clone(),
                        week_start: hz.start(w as i64),
                        short_fte: -f[w].gap_fte,
                    });
                }
            }
        }
        let training = i64::from(model.hiring.training_weeks);
        let mut classes = Vec::new();
        for (gi, (name, _, dec)) in model.groups.iter().enumerate() {
            let decided = dec.iter().map(|c| (*c, true));
            for (c, is_decided) in decided.chain(news_of(gi).map(|c| (c, false))) {
                classes.push(ClassRow {
                    group: name.clone(),
                    start: hz.start(c.start_week),
                    size: c.size,
                    graduates: params.graduates(c.size),
                    first_productive_week: hz.start(c.start_week + training),
                    decided: is_decided,
                });
            }
        }
        classes.sort_by(|a, b| (a.start, &a.group).cmp(&(b.start, &b.group)));
        let cost = rows.iter().map(|r| r.week.cost).sum();
        CapacityPlan {
            weeks: (0..hz.weeks).map(|w| hz.start(w as i64)).collect(),
            groups: self.groups.iter().map(|g| g.0.clone()).collect(),
            rows,
            classes,
            patterns: req.patterns.clone(),
            optimizer,
            short_weeks,
            holidays: blocks,
            cost,
            warnings,
        }
    }
}
