//! `wfm capacity`: the long-range capacity plan.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::{bail, Result};
use clap::Args;
use wfm::centre::Item;
use wfm::longrange::{write_capacity, write_hiring, write_variants, HiringFile, LongRangeOptions};
use wfm::output::OutputSet;
use wfm::shifts::ShiftRules;
use wfm::team::Team;

use super::{parse_date_flag, ChannelFlags, NodeLimit};

/// Arguments of `wfm capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Scenario TOML: the demand over the horizon (26–104 weeks), its
    /// calendar [default: the centre's `capacity.scenario`, else `scenario`]
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules TOML for the representative weeks [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// The team as it is (the capacity review's team file: headcount, leave, changes)
    /// [default: the centre's `capacity.team`, else `team`]
    #[arg(long, value_name = "FILE")]
    team: Option<PathBuf>,
    /// Attrition and the hiring pipeline (TOML) [default: every key's default]
    #[arg(long, value_name = "FILE")]
    hiring: Option<PathBuf>,
    /// First day of the horizon [default: the scenario's `from`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last day of the horizon [default: the scenario's `to`]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Solve for the class starts and sizes that cover the gap at least cost
    #[arg(long)]
    optimize_hiring: bool,
    /// Weekly attrition, overriding the hiring file's `[attrition] weekly`; several
    /// (`0.005,0.012`) plan each side by side, the first being the plan written
    #[arg(long, value_name = "SHARE[,SHARE...]")]
    attrition_weekly: Option<String>,
    /// Override any key of the hiring file: KEY=VALUE (e.g. hiring.class_max=40); repeatable
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Schedule every week instead of one representative week per demand pattern
    #[arg(long)]
    every_week: bool,
    /// Branch-and-bound nodes of the hiring optimizer (`none`: no limit)
    #[arg(long, default_value = "20000", value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: NodeLimit,
    /// Time limit of the hiring optimizer, seconds
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Longest horizon, weeks
    #[arg(long, default_value_t = wfm::longrange::DEFAULT_MAX_WEEKS, value_name = "N")]
    max_weeks: u32,
    /// Output directory: capacity.csv, hiring.csv, variants.csv, index.html [default: capacity.csv on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

/// The files of a capacity directory, in order.
const FILES: [&str; 4] = ["index.html", "capacity.csv", "hiring.csv", "variants.csv"];

pub fn run(a: CapacityArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(&a, ctx))
}

fn run_in(a: &CapacityArgs, ctx: &Ctx) -> Result<i32> {
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    let scenario_path = ctx.need(Item::CapacityScenario, a.scenario.as_deref(), "--scenario")?;
    let team_path = ctx.need(Item::CapacityTeam, a.team.as_deref(), "--team")?;
    let hiring = ctx.pick(Item::Hiring, a.hiring.as_deref(), "--hiring");
    outs.input("--team", &team_path);
    if let Some(p) = &hiring {
        outs.input("--hiring", p);
    }
    let scenario = ctx.scenario(&scenario_path, &mut outs)?;
    let source = scenario_path.display().to_string();
    let (channels_path, shifts_path) = ctx.scenario_files(
        Some((&scenario, &scenario_path)),
        a.channels.as_deref(),
        a.shifts.as_deref(),
    );
    let Some(shifts_path) = shifts_path else {
        bail!(
            "{source}: shifts_file: no shift rules; give `shifts_file` in the scenario, --shifts, or `shifts` in the centre file"
        );
    };
    for (flag, p) in [
        ("--channels", &channels_path),
        ("--shifts", &Some(shifts_path.clone())),
    ] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let ids = match &a.out {
        Some(dir) => {
            let mut ids = Vec::new();
            for name in FILES {
                ids.push(outs.claim(Some(&dir.join(name)), "--out")?);
            }
            ids
        }
        None => vec![outs.claim(None, "--out")?],
    };
    let rules = ShiftRules::from_path(&shifts_path)?;
    let book = super::channel_book(
        channels_path.as_deref(),
        &a.flags,
        scenario.channel.keys().map(String::as_str),
    )?;
    let (mut team, w) = Team::from_path(&team_path, &rules)?;
    super::warn_all(&w);
    if team.calendar.days.is_empty() {
        team.calendar = scenario.calendar_data.clone();
    }
    let rates: Vec<Option<String>> = match &a.attrition_weekly {
        None => vec![None],
        Some(list) => list
            .split(',')
            .map(|x| Some(x.trim().to_string()))
            .collect(),
    };
    let mut hirings = Vec::new();
    for rate in &rates {
        let mut sets = a.set.clone();
        if let Some(x) = rate {
            if x.parse::<f64>().is_err() {
                bail!("--attrition-weekly: expected shares separated by commas, got {x:?}");
            }
            sets.push(format!("attrition.weekly={x}"));
        }
        hirings.push(match &hiring {
            Some(p) => HiringFile::from_path(p, &sets)?,
            None => HiringFile::parse("", "--hiring", &sets)?,
        });
    }
    let hiring = hirings[0].clone();
    if !(a.time_limit_s.is_finite() && a.time_limit_s > 0.0) {
        bail!(
            "--time-limit-s: expected seconds > 0, got {}",
            a.time_limit_s
        );
    }
    let (from, to) = scenario.date_range(a.from, a.to, &source)?;
    let mut opts = LongRangeOptions::new(from, to);
    opts.every_week = a.every_week;
    opts.optimize = a.optimize_hiring;
    opts.limits.node_limit = a.node_limit.0;
    opts.limits.time_limit_s = a.time_limit_s;
    opts.max_weeks = a.max_weeks;
    let mut plans =
        wfm::longrange::plan_capacity_variants(&scenario, &book, &rules, &team, &hirings, &opts)?;
    let plan = plans.remove(0);
    let variants: Vec<(String, wfm::longrange::CapacityPlan)> = hirings[1..]
        .iter()
        .zip(plans)
        .map(|(h, p)| (format!("attrition {}", h.attrition.weekly), p))
        .collect();
    for (name, v) in &variants {
        let short: f64 = v.rows.iter().map(|r| (-r.week.gap_fte).max(0.0)).sum();
        diag!(
            "wfm: capacity: what-if {name}: cost {:.0}, {short:.1} FTE-weeks short, {} class(es)",
            v.cost,
            v.classes.len()
        );
    }
    super::warn_all(&plan.warnings);
    diag!(
        "wfm: capacity: {} weeks from {}, {} demand pattern(s) scheduled{}",
        plan.weeks.len(),
        plan.weeks.first().map_or(String::new(), |d| d.to_string()),
        plan.patterns.len(),
        if a.every_week { " (every week)" } else { "" }
    );
    for (g, (cost, short, worst, week)) in wfm::longrange::group_totals(&plan) {
        diag!(
            "wfm: capacity: {g}: cost {cost:.0}, {short:.1} FTE-weeks short, lowest gap {worst:+.1} FTE in the week of {week}"
        );
    }
    if let Some(o) = &plan.optimizer {
        diag!(
            "wfm: capacity: hiring optimizer: objective {:.0}, bound {}, gap {}, {}",
            o.objective,
            o.bound.map_or("-".to_string(), |b| format!("{b:.0}")),
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
        );
    }
    for c in &plan.classes {
        diag!(
            "wfm: capacity: class for {}: {} agents from {} ({} graduate, working from {}){}",
            c.group,
            c.size,
            c.start,
            c.graduates,
            c.first_productive_week,
            if c.decided { "" } else { " [proposed]" }
        );
    }
    if !plan.short_weeks.is_empty() {
        let list: Vec<String> = plan
            .short_weeks
            .iter()
            .take(12)
            .map(|s| format!("{} {} ({:.1} FTE)", s.group, s.week_start, s.short_fte))
            .collect();
        diag!(
            "wfm: capacity: {} group-week(s) short: {}{}",
            plan.short_weeks.len(),
            list.join("; "),
            if plan.short_weeks.len() > 12 {
                "; …"
            } else {
                ""
            }
        );
    }
    match &a.out {
        Some(dir) => {
            let title = scenario
                .name
                .clone()
                .unwrap_or_else(|| "Capacity plan".to_string());
            let named: Vec<(&str, &wfm::longrange::CapacityPlan)> =
                variants.iter().map(|(n, p)| (n.as_str(), p)).collect();
            let page = wfm::report::longrange_page(
                &plan,
                &format!("Capacity plan: {title}"),
                hiring.hiring.training_weeks,
                hiring.hiring.nesting_aht.len(),
                &named,
            )?;
            outs.set(ids[0], page.into_bytes());
            outs.fill(ids[1], |b| write_capacity(b, &plan))?;
            outs.fill(ids[2], |b| write_hiring(b, &plan))?;
            let base_name = format!("attrition {}", hiring.attrition.weekly);
            let mut all: Vec<(&str, &wfm::longrange::CapacityPlan)> =
                vec![(base_name.as_str(), &plan)];
            all.extend(named.iter().copied());
            outs.fill(ids[3], |b| write_variants(b, &all))?;
            outs.commit()?;
            diag!(
                "wfm: capacity: the report is {}",
                dir.join("index.html").display()
            );
        }
        None => {
            outs.fill(ids[0], |b| write_capacity(b, &plan))?;
            outs.commit()?;
        }
    }
    Ok(if plan.short_weeks.is_empty() { 0 } else { 1 })
}
