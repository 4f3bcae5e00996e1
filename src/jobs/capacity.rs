//! The long-range capacity plan as a job (`wfm capacity`): required FTE and
//! headcount by week, attrition, hiring classes, the hiring optimizer, and
//! the plan under other attrition rates side by side.
//!
//! ```no_run
//! use wfm::core::centre::Centre;
//! use wfm::jobs::capacity::{prepare, Request};
//! let mut req = Request::on(Some(Centre::from_path("wfm.toml".as_ref()).unwrap()));
//! req.optimize_hiring = true;
//! req.attrition_weekly = vec![0.008, 0.012];
//! let out = prepare(&req).unwrap().run().unwrap();
//! assert_eq!(out.variants.len(), 1);
//! ```

use std::path::PathBuf;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::demand::scenario::Scenario;
use crate::models::channels::{ChannelBook, ChannelSettings};
use crate::optimize::shifts::ShiftRules;
use crate::supply::capacity::{CapacityOptions, CapacityPlan, HiringFile};
use crate::supply::team::Team;

/// The files of a capacity directory, in order; `capacity.csv` is what the
/// plan prints with no directory.
pub const FILES: [&str; 5] = [
    "index.html",
    "capacity.csv",
    "hiring.csv",
    "variants.csv",
    "decision.csv",
];

/// The hiring optimizer's branch-and-bound nodes by default.
pub const DEFAULT_NODE_LIMIT: u64 = 20_000;

/// The hiring optimizer's time limit by default, seconds.
pub const DEFAULT_TIME_LIMIT_S: f64 = 60.0;

/// What to plan. Paths left `None` are the centre's items
/// (`capacity.scenario`, else `scenario`; `capacity.team`, else `team`;
/// `hiring`). With the `cli` feature the fields are the flags of `wfm
/// capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre the plan runs on.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Scenario TOML: the demand over the horizon (26–104 weeks), its
    /// calendar [default: the centre's `capacity.scenario`, else `scenario`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub scenario: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's `channels_file`, else
    /// the centre's `channels`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub channels: Option<PathBuf>,
    /// Shift rules TOML of the representative weeks [default: the
    /// scenario's `shifts_file`, else the centre's `shifts`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub shifts: Option<PathBuf>,
    /// The team as it is (the capacity review's team file: headcount,
    /// leave, changes) [default: the centre's `capacity.team`, else `team`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub team: Option<PathBuf>,
    /// Attrition and the hiring pipeline (TOML) [default: the centre's
    /// `hiring`, else every key's default]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub hiring: Option<PathBuf>,
    /// Override any key of the hiring file: KEY=VALUE (e.g.
    /// hiring.class_max=40); repeatable
    #[cfg_attr(feature = "cli", arg(long = "set", value_name = "KEY=VALUE"))]
    pub hiring_overrides: Vec<String>,
    /// Weekly attrition, overriding the hiring file's `[attrition] weekly`;
    /// several (`0.005,0.012`) plan each side by side, the first being the
    /// plan written
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "SHARE[,SHARE...]")
    )]
    pub attrition_weekly: Vec<f64>,
    /// First day of the horizon [default: the scenario's `from`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub from: Option<Date>,
    /// Last day of the horizon [default: the scenario's `to`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub to: Option<Date>,
    /// Solve for the class starts and sizes that cover the gap at least
    /// cost
    #[cfg_attr(feature = "cli", arg(long))]
    pub optimize_hiring: bool,
    /// Schedule every week instead of one representative week per demand
    /// pattern
    #[cfg_attr(feature = "cli", arg(long))]
    pub every_week: bool,
    /// Branch-and-bound nodes of the hiring optimizer (`none`: no limit)
    #[cfg_attr(feature = "cli", arg(long, default_value = "20000", value_parser = super::args::node_limit, value_name = "N"))]
    pub node_limit: ::std::option::Option<u64>,
    /// Time limit of the hiring optimizer, seconds (> 0)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_TIME_LIMIT_S, value_name = "S"))]
    pub time_limit_s: f64,
    /// Longest horizon, weeks
    #[cfg_attr(feature = "cli", arg(long, default_value_t = crate::supply::capacity::DEFAULT_MAX_WEEKS, value_name = "N"))]
    pub max_weeks: u32,
    /// Channel settings for what the channels file leaves out.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub channel_defaults: ChannelSettings,
}

impl Request {
    /// A plan of `centre`'s year with the defaults.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            scenario: None,
            channels: None,
            shifts: None,
            team: None,
            hiring: None,
            hiring_overrides: Vec::new(),
            attrition_weekly: Vec::new(),
            from: None,
            to: None,
            optimize_hiring: false,
            every_week: false,
            node_limit: Some(DEFAULT_NODE_LIMIT),
            time_limit_s: DEFAULT_TIME_LIMIT_S,
            max_weeks: crate::supply::capacity::DEFAULT_MAX_WEEKS,
            channel_defaults: ChannelSettings::default(),
        }
    }
}

/// A plan read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    scenario: Scenario,
    book: ChannelBook,
    rules: ShiftRules,
    team: Team,
    hirings: Vec<HiringFile>,
    opts: CapacityOptions,
    money: crate::core::money::Money,
}

/// Reads and checks every input of the plan `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    let scenario_path = s.need(
        Item::CapacityScenario,
        r.scenario.as_deref(),
        "Request.scenario",
    )?;
    let team_path = s.need(Item::CapacityTeam, r.team.as_deref(), "Request.team")?;
    let hiring = s.pick(Item::Hiring, r.hiring.as_deref(), "Request.hiring");
    s.input("Request.team", &team_path);
    if let Some(p) = &hiring {
        s.input("Request.hiring", p);
    }
    let scenario = s.scenario(&scenario_path)?;
    let source = scenario_path.display().to_string();
    let (channels_path, shifts_path) = s.scenario_files(
        Some((&scenario, &scenario_path)),
        r.channels.as_deref(),
        r.shifts.as_deref(),
    );
    let Some(shifts_path) = shifts_path else {
        return Err(Error::Request(format!(
            "{source}: shifts_file: no shift rules; give `shifts_file` in the scenario, Request.shifts, or `shifts` in the centre file"
        )));
    };
    if let Some(p) = &channels_path {
        s.input("Request.channels", p);
    }
    s.input("Request.shifts", &shifts_path);
    let rules = ShiftRules::from_path(&shifts_path)?;
    let book = s.channel_book(
        channels_path.as_deref(),
        &r.channel_defaults,
        scenario.channel.keys().map(String::as_str),
    )?;
    let (mut team, w) = Team::from_path(&team_path, &rules)?;
    s.warn(w);
    if team.calendar.days.is_empty() {
        team.calendar = scenario.calendar_data.clone();
    }
    let hirings = hirings(r, hiring.as_deref())?;
    if !(r.time_limit_s.is_finite() && r.time_limit_s > 0.0) {
        return Err(Error::Request(format!(
            "Request.time_limit_s: expected seconds > 0, got {}",
            r.time_limit_s
        )));
    }
    let (from, to) = scenario.date_range(r.from, r.to, &source)?;
    let mut opts = CapacityOptions::new(from, to);
    opts.every_week = r.every_week;
    opts.optimize = r.optimize_hiring;
    opts.limits.node_limit = r.node_limit;
    opts.limits.time_limit_s = r.time_limit_s;
    opts.max_weeks = r.max_weeks;
    let money = s.money();
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        scenario,
        book,
        rules,
        team,
        hirings,
        opts,
        money,
    })
}

/// The hiring file with its overrides, once per attrition rate asked for.
fn hirings(r: &Request, path: Option<&std::path::Path>) -> Result<Vec<HiringFile>, Error> {
    let base = match path {
        Some(p) => HiringFile::from_path(p, &r.hiring_overrides)?,
        None => HiringFile::parse("", "Request.hiring", &r.hiring_overrides)?,
    };
    if r.attrition_weekly.is_empty() {
        return Ok(vec![base]);
    }
    r.attrition_weekly
        .iter()
        .map(|&x| {
            if !(x.is_finite() && (0.0..1.0).contains(&x)) {
                return Err(Error::Request(format!(
                    "Request.attrition_weekly: expected weekly shares in [0, 1), got {x}"
                )));
            }
            let mut h = base.clone();
            h.attrition.weekly = x;
            Ok(h)
        })
        .collect()
}

/// A plan made: the plan of the first attrition rate, and the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The report's title.
    pub title: String,
    /// The plan.
    pub plan: CapacityPlan,
    /// Its name in the variants table (`attrition 0.008`).
    pub name: String,
    /// The plan under each other attrition rate, with its name.
    pub variants: Vec<(String, CapacityPlan)>,
    /// Whether every week was scheduled (no representative weeks).
    pub every_week: bool,
    /// Training weeks of a class (for the report).
    pub training_weeks: u32,
    /// Nesting weeks of a class (for the report).
    pub nesting_weeks: usize,
    /// The decision the plan asks for: what stays short and why, the
    /// classes to approve, their cost and approve-by dates.
    pub decision: crate::supply::capacity::decision::CapacityDecision,
}

impl Prepared {
    /// Plans the horizon once per attrition rate.
    pub fn run(&self) -> Result<Outcome, Error> {
        let mut plans = crate::supply::capacity::plan_capacity_variants(
            &self.scenario,
            &self.book,
            &self.rules,
            &self.team,
            &self.hirings,
            &self.opts,
        )?;
        let plan = plans.remove(0);
        let name = |h: &HiringFile| format!("attrition {}", h.attrition.weekly);
        let variants = self.hirings[1..]
            .iter()
            .zip(plans)
            .map(|(h, p)| (name(h), p))
            .collect();
        let h = &self.hirings[0];
        let decision = crate::supply::capacity::decision::decide(&plan, &h.hiring, &self.money);
        Ok(Outcome {
            title: self
                .scenario
                .name
                .clone()
                .unwrap_or_else(|| "Capacity plan".to_string()),
            plan,
            name: name(h),
            variants,
            every_week: self.opts.every_week,
            training_weeks: h.hiring.training_weeks,
            nesting_weeks: h.hiring.nesting_aht.len(),
            decision,
        })
    }
}

impl Outcome {
    /// The summary: the variants, the horizon, each group's cost and gap,
    /// the optimizer's proof, the classes and the weeks short.
    pub fn summary(&self) -> Vec<String> {
        let plan = &self.plan;
        let money = &self.decision.money;
        let mut out = vec![format!("decision: {}", self.decision.verdict)];
        for (name, v) in &self.variants {
            let short: f64 = v.rows.iter().map(|r| (-r.week.gap_fte).max(0.0)).sum();
            out.push(format!(
                "what-if {name}: cost {}, {short:.1} FTE-weeks short, {} class(es)",
                money.format(v.cost),
                v.classes.len()
            ));
        }
        out.push(format!(
            "{} weeks from {}, {} demand pattern(s) scheduled{}",
            plan.weeks.len(),
            plan.weeks.first().map_or(String::new(), |d| d.to_string()),
            plan.patterns.len(),
            if self.every_week { " (every week)" } else { "" }
        ));
        for (g, (cost, short, worst, week)) in crate::supply::capacity::group_totals(plan) {
            out.push(format!(
                "{g}: cost {}, {short:.1} FTE-weeks short, lowest gap {worst:+.1} FTE in the week of {week}",
                money.format(cost)
            ));
        }
        if let Some(o) = &plan.optimizer {
            out.push(format!(
                "hiring optimizer: objective {}, bound {}, gap {}, {}",
                money.format(o.objective),
                o.bound.map_or("-".to_string(), |b| money.format(b)),
                if o.gap.is_finite() {
                    format!("{:.2}%", 100.0 * o.gap)
                } else {
                    "unknown".to_string()
                },
                if o.proven {
                    "proven"
                } else {
                    "stopped at a limit"
                }
            ));
        }
        for c in &plan.classes {
            out.push(format!(
                "class for {}: {} agents from {} ({} graduate, working from {}){}",
                c.group,
                c.size,
                c.start,
                c.graduates,
                c.first_productive_week,
                if c.decided { "" } else { " [proposed]" }
            ));
        }
        if !plan.short_weeks.is_empty() {
            let list: Vec<String> = plan
                .short_weeks
                .iter()
                .take(12)
                .map(|s| format!("{} {} ({:.1} FTE)", s.group, s.week_start, s.short_fte))
                .collect();
            out.push(format!(
                "{} group-week(s) short: {}{}",
                plan.short_weeks.len(),
                list.join("; "),
                if plan.short_weeks.len() > 12 {
                    "; …"
                } else {
                    ""
                }
            ));
        }
        out
    }

    /// Whether no group-week is short.
    pub fn covered(&self) -> bool {
        self.plan.short_weeks.is_empty()
    }

    /// The weekly table alone (what the plan prints with no directory).
    pub fn capacity_table(&self) -> Result<Table, Error> {
        Table::write(FILES[1], |b| {
            crate::supply::capacity::write_capacity(b, &self.plan)
        })
    }

    /// Every output (each CSV that holds money with its `currency`
    /// column, [`Table::in_currency`]), in the order of [`FILES`].
    pub fn tables(&self) -> Result<Vec<Table>, Error> {
        crate::jobs::in_currency(self.raw_tables()?, &self.decision.money)
    }

    /// The outputs before [`Table::in_currency`].
    fn raw_tables(&self) -> Result<Vec<Table>, Error> {
        let named: Vec<(&str, &CapacityPlan)> =
            self.variants.iter().map(|(n, p)| (n.as_str(), p)).collect();
        let page = crate::report::capacity_plan_page(
            &self.plan,
            &format!("Capacity plan: {}", self.title),
            self.training_weeks,
            self.nesting_weeks,
            &named,
            &self.decision,
        )?;
        let mut all = vec![(self.name.as_str(), &self.plan)];
        all.extend(named.iter().copied());
        Ok(vec![
            Table {
                name: FILES[0],
                bytes: page.into_bytes(),
            },
            self.capacity_table()?,
            Table::write(FILES[2], |b| {
                crate::supply::capacity::write_hiring(b, &self.plan)
            })?,
            Table::write(FILES[3], |b| {
                crate::supply::capacity::write_variants(b, &all)
            })?,
            Table::write(FILES[4], |b| {
                crate::io::table::write_rows(b, &self.decision.rows())
            })?,
        ])
    }
}
