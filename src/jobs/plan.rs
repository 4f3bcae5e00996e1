//! The end-to-end plan as a job (`wfm plan`): forecast → requirement →
//! roster of real shifts → simulation, in rounds; with `groups`, the same
//! for cross-trained groups beside planning each channel on its own.
//!
//! ```no_run
//! use wfm::jobs::plan::{prepare, Request};
//! let mut req = Request::on(None);
//! req.scenario = Some("scenarios/lender_week.toml".into());
//! let job = prepare(&req).unwrap();
//! let out = job.run(|line| eprintln!("{line}")).unwrap();
//! println!("cost {:.2}", out.result.roster.summary().cost);
//! ```

use std::path::PathBuf;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::demand::scenario::Scenario;
use crate::models::channels::{ChannelBook, ChannelsFile};
use crate::optimize::shifts::ShiftRules;
use crate::plan::{GroupPlan, PlanInputs, PlanOptions, PlanResult, PlanRound};

/// The files a plan writes into its directory, in order.
pub const FILES: [&str; 12] = [
    "forecast.csv",
    "requirement.csv",
    "requirement_final.csv",
    "roster.csv",
    "coverage.csv",
    "staffing.csv",
    "simulated_intervals.csv",
    "simulated_summary.csv",
    "rounds.csv",
    "index.html",
    "campaigns.csv",
    "decision.csv",
];

/// The files a plan by groups writes besides [`FILES`].
pub const GROUP_FILES: [&str; 2] = ["groups.csv", "comparison.csv"];

/// Branch-and-bound nodes per channel and round by default.
pub const DEFAULT_NODE_LIMIT: u64 = 10_000;

/// What to plan. Paths left `None` are the centre's items (`scenario`; the
/// scenario's `channels_file` and `shifts_file`, else the centre's
/// `channels` and `shifts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The centre.
    pub centre: Option<Centre>,
    /// The demand scenario.
    pub scenario: Option<PathBuf>,
    /// Channel settings.
    pub channels: Option<PathBuf>,
    /// Shift rules.
    pub shifts: Option<PathBuf>,
    /// First day (else the scenario's).
    pub from: Option<Date>,
    /// Last day (else the scenario's).
    pub to: Option<Date>,
    /// Rounds, replications, seed, threads, limits, the optimizer's
    /// options, blends, and the group search (`groups: Some` plans by
    /// groups).
    pub options: PlanOptions,
}

impl Request {
    /// A plan of `centre`'s scenario with the defaults: 4 rounds, 20
    /// replications, seed 1, microlp with 10,000 nodes per channel and
    /// round.
    pub fn on(centre: Option<Centre>) -> Request {
        let mut options = PlanOptions::default();
        options.schedule.node_limit = Some(DEFAULT_NODE_LIMIT);
        Request {
            centre,
            scenario: None,
            channels: None,
            shifts: None,
            from: None,
            to: None,
            options,
        }
    }
}

/// A plan read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    scenario: Scenario,
    source: String,
    from: Date,
    to: Date,
    channels: ChannelsFile,
    channels_source: String,
    rules: ShiftRules,
    rules_source: String,
    options: PlanOptions,
    money: crate::core::money::Money,
    notice_days: u32,
}

/// Reads and checks every input of the plan `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    let scenario_path = s.need(Item::Scenario, r.scenario.as_deref(), "Request.scenario")?;
    let source = scenario_path.display().to_string();
    let scenario = s.scenario(&scenario_path)?;
    let (channels_path, shifts_path) = s.scenario_files(
        Some((&scenario, &scenario_path)),
        r.channels.as_deref(),
        r.shifts.as_deref(),
    );
    let Some(channels_path) = channels_path else {
        return Err(Error::Request(format!("{source}: channels_file: no channel settings; give `channels_file` in the scenario, Request.channels, or `channels` in the centre file")));
    };
    let Some(shifts_path) = shifts_path else {
        return Err(Error::Request(format!("{source}: shifts_file: no shift rules; give `shifts_file` in the scenario, Request.shifts, or `shifts` in the centre file")));
    };
    s.input("Request.channels", &channels_path);
    s.input("Request.shifts", &shifts_path);
    let o = &r.options;
    if let Some(g) = &o.groups {
        if !(g.bucket_share.is_finite() && g.bucket_share > 0.0 && g.bucket_share <= 1.0) {
            return Err(Error::Request(format!(
                "Request.options.groups.bucket_share: expected a share in (0, 1], got {}",
                g.bucket_share
            )));
        }
        if g.replications == 0 {
            return Err(Error::Request(
                "Request.options.groups.replications: expected at least 1".to_string(),
            ));
        }
    }
    let channels = ChannelsFile::from_path(&channels_path)?;
    let rules = ShiftRules::from_path(&shifts_path)?;
    let (from, to) = scenario.date_range(r.from, r.to, &source)?;
    s.check_calendar(&scenario, &scenario_path, from, to);
    let channels_source = channels_path.display().to_string();
    let book = ChannelBook::new(channels.clone(), &channels_source, Default::default());
    s.warn(book.defaulted(scenario.channel.keys().map(String::as_str)));
    super::check_replications(o.replications)?;
    super::check_solver(&mut s, &o.schedule)?;
    let money = s.money();
    let notice_days = s.roster_notice_days();
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        scenario,
        source,
        from,
        to,
        channels,
        channels_source,
        rules,
        rules_source: shifts_path.display().to_string(),
        options: r.options,
        money,
        notice_days,
    })
}

/// A plan made.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report's title.
    pub title: String,
    /// The plan written (by groups when asked).
    pub result: PlanResult,
    /// The plan by groups beside each channel on its own, when asked.
    pub groups: Option<GroupPlan>,
    /// Warnings found while planning (outbound work outside the window).
    pub warnings: Vec<crate::core::input::Warning>,
    /// The decision the plan asks for: adopt the roster (and, by groups,
    /// the alternative of each channel on its own), its cost and publish-by
    /// date.
    pub decision: crate::plan::decision::PlanDecision,
}

impl Prepared {
    /// Plans in rounds; `on_line` gets a line per round as it ends.
    pub fn run(&self, mut on_line: impl FnMut(String)) -> Result<Outcome, Error> {
        let inputs = PlanInputs {
            scenario: &self.scenario,
            from: self.from,
            to: self.to,
            channels: &self.channels,
            channels_source: &self.channels_source,
            rules: &self.rules,
            rules_source: &self.rules_source,
        };
        let grouped = self.options.groups.is_some();
        let mut say = |by_groups: bool, r: &PlanRound| {
            for line in round_lines(grouped, by_groups, r, &self.money) {
                on_line(line);
            }
        };
        let title = format!(
            "Plan: {}",
            self.scenario
                .name
                .clone()
                .unwrap_or_else(|| self.source.clone())
        );
        let (result, groups) = if grouped {
            let gp = crate::plan::compare_with_single(&inputs, &self.options, say)?;
            (gp.groups.clone(), Some(gp))
        } else {
            let result = crate::plan::plan(&inputs, &self.options, |r| say(false, r))?;
            (result, None)
        };
        let book = ChannelBook::new(
            self.channels.clone(),
            &self.channels_source,
            Default::default(),
        );
        let warnings = crate::models::requirement::outbound_time_warnings(&result.forecast, &book);
        let decision =
            crate::plan::decision::decide(&result, groups.as_ref(), &self.money, self.notice_days);
        Ok(Outcome {
            title,
            result,
            groups,
            warnings,
            decision,
        })
    }
}

/// The lines of one round: its requirement, roster and misses, and its
/// blends' reserves; its cost in `money`.
pub fn round_lines(
    grouped: bool,
    by_groups: bool,
    r: &PlanRound,
    money: &crate::core::money::Money,
) -> Vec<String> {
    let worst = r.worst.as_ref().map_or(String::new(), |w| {
        format!(
            ", worst {} {} {} at {:.1}%",
            w.channel,
            w.date,
            crate::core::textio::format_time(w.time),
            100.0 * w.service_level
        )
    });
    let which = match (grouped, by_groups) {
        (false, _) => "",
        (true, true) => "by groups: ",
        (true, false) => "each channel on its own: ",
    };
    let mut out = vec![format!(
        "{which}round {}: {} required agent-intervals, {:.1} paid hours, cost {}{}, solver gap {:.3}%, {} interval(s) missing a target{worst}",
        r.round,
        r.required_agent_intervals,
        r.paid_hours,
        money.format(r.cost),
        r.headcount.map_or(String::new(), |h| format!(", headcount {h}")),
        100.0 * r.gap,
        r.misses
    )];
    if r.outbound_behind > 0 || !r.reserves.is_empty() {
        let reserves: Vec<String> = r
            .reserves
            .iter()
            .map(|(g, n)| format!("{g} blends with reserve {n}"))
            .collect();
        out.push(format!(
            "{which}round {}: {}; {} campaign day(s) behind their list",
            r.round,
            reserves.join(", "),
            r.outbound_behind
        ));
    }
    out
}

impl Outcome {
    /// The summary after the rounds: the group search and the comparison,
    /// the campaigns and the blends.
    pub fn summary(&self) -> Vec<String> {
        let mut out = vec![format!("decision: {}", self.decision.verdict)];
        if let Some(gp) = &self.groups {
            if let Some(gs) = &gp.groups.group_search {
                out.push(format!(
                    "group requirement: {} block(s) in {} component(s), {} simulations, each locally optimal on its sample{}",
                    gs.blocks,
                    gs.components,
                    gs.simulations,
                    if gs.unmet > 0 {
                        format!("; {} interval(s) met no staffing with every target", gs.unmet)
                    } else {
                        String::new()
                    }
                ));
            }
            out.push(format!(
                "by groups cost {} against {} planning each channel on its own: {:.1}% saved",
                self.decision.money.format(gp.groups_cost()),
                self.decision.money.format(gp.single_cost()),
                100.0 * gp.saving()
            ));
            for c in &gp.service {
                out.push(format!(
                    "{}: service level {:.1}% by groups, {:.1}% on its own (target {}); {} and {} interval(s) missed",
                    c.channel,
                    100.0 * c.groups_sl,
                    100.0 * c.single_sl,
                    c.target_sl.map_or("none".to_string(), |t| format!("{:.0}%", 100.0 * t)),
                    c.groups_misses,
                    c.single_misses
                ));
            }
        }
        out
    }

    /// The lines after the warnings: the campaigns and the blends.
    pub fn outbound_summary(&self) -> Vec<String> {
        let result = &self.result;
        let mut out = super::campaign_lines(&result.simulation.campaigns());
        for b in &result.blends {
            out.push(format!(
                "blend {}: {} agents call out on {} with {}: {:.0} connected outbound calls handled by them, {:.0} by the collectors ({} collector agent-intervals credited to the blend)",
                b.blend.group,
                b.blend.inbound,
                b.blend.outbound,
                super::reserve_text(b),
                b.calls_by_blended,
                b.calls_by_collectors,
                b.collector_intervals_saved
            ));
        }
        out
    }

    /// Whether the last round meets every target and every list is made.
    pub fn meets_targets(&self) -> bool {
        self.result
            .rounds
            .last()
            .is_none_or(|r| r.misses + r.outbound_behind == 0)
    }

    /// Every output (each CSV that holds money with its `currency`
    /// column, [`Table::in_currency`]): [`FILES`] in order, then [`GROUP_FILES`] for a plan by
    /// groups.
    pub fn tables(&self) -> Result<Vec<Table>, Error> {
        crate::jobs::in_currency(self.raw_tables()?, &self.decision.money)
    }

    /// The outputs before [`Table::in_currency`].
    fn raw_tables(&self) -> Result<Vec<Table>, Error> {
        let result = &self.result;
        let page = match &self.groups {
            Some(gp) => crate::report::group_plan_page(gp, &self.title, &self.decision)?,
            None => crate::report::plan_page(result, &self.title, &self.decision)?,
        };
        let final_table = result.final_requirement.to_table();
        let campaigns = result.simulation.campaigns();
        let staffing = |t: &crate::models::requirement::StaffingTable, b: &mut Vec<u8>| {
            crate::models::requirement::write_staffing_table(t, b)
        };
        let mut out = vec![
            Table::write(FILES[0], |b| result.forecast.write(b))?,
            Table::write(FILES[1], |b| {
                crate::models::requirement::write_staffing(b, &result.requirement)
            })?,
            Table::write(FILES[2], |b| staffing(&final_table, b))?,
            Table::write(FILES[3], |b| result.roster.write_roster(b))?,
            Table::write(FILES[4], |b| result.roster.write_coverage(b))?,
            Table::write(FILES[5], |b| staffing(&result.roster.staffing(), b))?,
            Table::write(FILES[6], |b| result.simulation.write_intervals(b))?,
            Table::write(FILES[7], |b| result.simulation.write_summary(b))?,
            Table::write(FILES[8], |b| crate::plan::write_rounds(b, &result.rounds))?,
            Table {
                name: FILES[9],
                bytes: page.into_bytes(),
            },
            Table::write(FILES[10], |b| crate::review::write_campaigns(b, &campaigns))?,
            Table::write(FILES[11], |b| {
                crate::io::table::write_rows(b, &self.decision.rows())
            })?,
        ];
        if let Some(gp) = &self.groups {
            out.push(Table::write(GROUP_FILES[0], |b| {
                crate::plan::write_groups(b, &gp.groups.groups)
            })?);
            out.push(Table::write(GROUP_FILES[1], |b| {
                crate::plan::write_comparison(b, gp)
            })?);
        }
        Ok(out)
    }
}
