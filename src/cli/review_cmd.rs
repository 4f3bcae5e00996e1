//! `wfm review`: the holiday capacity review.

use std::path::PathBuf;

use super::centre_ctx::Ctx;
use anyhow::{bail, Result};
use clap::Args;
use wfm::capacity::{capacity_review, write_days, write_supply, CapacityInputs, SupplySource};
use wfm::centre::Item;
use wfm::forecast::Forecast;
use wfm::output::OutputSet;
use wfm::requirement::StaffingTable;
use wfm::review::{write_review, ReviewOptions};
use wfm::shifts::ShiftRules;
use wfm::team::Team;

use super::{parse_date_flag, ChannelFlags};

/// Arguments of `wfm review`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("demand").args(["scenario", "forecast"])))]
#[command(group(clap::ArgGroup::new("supply").args(["team", "staffing"])))]
pub struct ReviewArgs {
    /// Scenario TOML of the holiday (its forecast, calendar, channels_file and shifts_file)
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Forecast CSV, instead of a scenario
    #[arg(long, value_name = "FILE")]
    forecast: Option<PathBuf>,
    /// The team as it is (TOML: groups, headcount, standing roster, leave, changes)
    #[arg(long, value_name = "FILE")]
    team: Option<PathBuf>,
    /// Agents on duty per interval instead of a team: date,time,channel,agents
    #[arg(long, value_name = "FILE")]
    staffing: Option<PathBuf>,
    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules: opening hours, and the shift types and premiums a team's
    /// roster is priced with [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// First date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Interval length of a forecast CSV, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Replications of the simulation
    #[arg(long, default_value_t = 20, value_name = "N")]
    replications: usize,
    /// Seed of the simulation
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// Simulation threads [default: one per core; never more than the cores]
    #[arg(long, value_parser = super::parse_threads, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    limits: super::LimitFlags,
    /// What-if variants (TOML: overtime, containment, borrow, temporary,
    /// callbacks), each compared with the base on common random numbers
    #[arg(long, value_name = "FILE")]
    what_if: Option<PathBuf>,
    /// Also solve for the cheapest fix: temporary shifts of the rules' types
    /// (with holiday pay) covering the shortfall, and simulate it
    #[arg(long)]
    recommend: bool,
    /// Branch-and-bound nodes per channel for --recommend (0: the rounded LP)
    #[arg(long, default_value_t = 500, value_name = "N")]
    fix_node_limit: u64,
    /// Output directory: index.html, intervals.csv, days.csv, available.csv,
    /// supply.csv, variants.csv, fix.csv, campaigns.csv [default: the interval CSV on stdout]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: ChannelFlags,
}

/// The files of a review directory, in order.
const REVIEW_FILES: [&str; 8] = [
    "index.html",
    "intervals.csv",
    "days.csv",
    "available.csv",
    "supply.csv",
    "variants.csv",
    "fix.csv",
    "campaigns.csv",
];

pub fn run(a: ReviewArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(a.out.as_deref(), || run_in(&a, ctx))
}

fn run_in(a: &ReviewArgs, ctx: &Ctx) -> Result<i32> {
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    // Demand: a scenario's forecast, or a forecast CSV; the flags, else the
    // centre's scenario, else its forecast.
    let (scenario_path, forecast_path) = match (&a.scenario, &a.forecast) {
        (Some(p), _) => (ctx.pick(Item::Scenario, Some(p), "--scenario"), None),
        (None, Some(p)) => (None, ctx.pick(Item::Forecast, Some(p), "--forecast")),
        (None, None) => match ctx.pick(Item::Scenario, None, "--scenario") {
            Some(p) => (Some(p), None),
            None => (None, ctx.pick(Item::Forecast, None, "--forecast")),
        },
    };
    let (team_path, staffing_path) = match (&a.team, &a.staffing) {
        (Some(p), _) => (ctx.pick(Item::Team, Some(p), "--team"), None),
        (None, Some(p)) => (None, Some(p.clone())),
        (None, None) => (ctx.pick(Item::Team, None, "--team"), None),
    };
    for (flag, p) in [
        ("--forecast", &forecast_path),
        ("--team", &team_path),
        ("--staffing", &staffing_path),
        ("--what-if", &a.what_if),
    ] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let scenario = match &scenario_path {
        Some(p) => Some((ctx.scenario(p, &mut outs)?, p.clone())),
        None => None,
    };
    let (channels_path, shifts_path) = ctx.scenario_files(
        scenario.as_ref().map(|(s, p)| (s, p.as_path())),
        a.channels.as_deref(),
        a.shifts.as_deref(),
    );
    for (what, p) in [
        ("channels_file", &channels_path),
        ("shifts_file", &shifts_path),
    ] {
        if let Some(p) = p {
            outs.input(what, p);
        }
    }
    let ids = match &a.out {
        Some(dir) => {
            let mut ids = Vec::new();
            for name in REVIEW_FILES {
                ids.push(outs.claim(Some(&dir.join(name)), "--out")?);
            }
            ids
        }
        None => vec![outs.claim(None, "--out")?],
    };
    if a.replications == 0 {
        bail!("--replications: expected at least 1");
    }
    let forecast = match (&scenario, &forecast_path) {
        (Some((s, p)), _) => {
            let (from, to) = s.date_range(a.from, a.to, &p.display().to_string())?;
            ctx.check_calendar(s, p, from, to);
            s.forecast(from, to)?
        }
        (None, Some(p)) => {
            let (mut f, w) = Forecast::from_path(p, a.interval_min)?;
            super::warn_all(&w);
            f.rows
                .retain(|r| a.from.is_none_or(|d| r.date >= d) && a.to.is_none_or(|d| r.date <= d));
            f
        }
        (None, None) => bail!(
            "{}",
            ctx.missing(Item::Scenario, "--scenario (or --forecast)")
        ),
    };
    if forecast.rows.is_empty() {
        bail!("the forecast has no rows in the review's dates");
    }
    let rules = match &shifts_path {
        Some(p) => Some((ShiftRules::from_path(p)?, p.display().to_string())),
        None => None,
    };
    let book = super::channel_book(channels_path.as_deref(), &a.flags, forecast.channels())?;
    super::warn_all(&wfm::requirement::outbound_time_warnings(&forecast, &book));
    let team = match &team_path {
        Some(p) => {
            let Some((r, _)) = &rules else {
                bail!(
                    "--team {}: a team's roster needs shift rules: give --shifts (or shifts_file in the scenario)",
                    p.display()
                );
            };
            let (mut t, w) = Team::from_path(p, r)?;
            super::warn_all(&w);
            if t.calendar.days.is_empty() {
                if let Some((s, _)) = &scenario {
                    t.calendar = s.calendar_data.clone();
                }
            }
            Some(t)
        }
        None => None,
    };
    let staffing = match &staffing_path {
        Some(p) => {
            let (t, w) = StaffingTable::from_path(p, forecast.interval_min)?;
            super::warn_all(&w);
            Some((t, p.display().to_string()))
        }
        None => None,
    };
    let supply = match (&team, &staffing) {
        (Some(t), _) => SupplySource::Team(t),
        (None, Some((t, name))) => SupplySource::Staffing(t, name),
        (None, None) => bail!("{}", ctx.missing(Item::Team, "--team (or --staffing)")),
    };
    let inputs = CapacityInputs {
        forecast: &forecast,
        supply,
        book: &book,
        rules: rules.as_ref().map(|(r, s)| (r, s.as_str())),
        adjust: None,
    };
    let opts = ReviewOptions {
        replications: a.replications,
        seed: a.seed,
        threads: a.threads,
        limits: a.limits.limits()?,
    };
    let mut channel_names: Vec<&str> = forecast.rows.iter().map(|r| r.channel.as_str()).collect();
    channel_names.sort_unstable();
    channel_names.dedup();
    let variants = match &a.what_if {
        Some(p) => wfm::whatif::load(
            p,
            team.as_ref(),
            &book,
            &channel_names,
            rules.as_ref().map(|(r, _)| r),
            forecast
                .rows
                .iter()
                .map(|r| r.date)
                .min()
                .zip(forecast.rows.iter().map(|r| r.date).max()),
        )?,
        None => Vec::new(),
    };
    let review = capacity_review(&inputs, &opts)?;
    let mut comparisons = Vec::new();
    for v in &variants {
        let vi = CapacityInputs {
            book: &v.book,
            adjust: Some(&v.adjust),
            ..inputs
        };
        let r = capacity_review(&vi, &opts)?;
        comparisons.extend(wfm::whatif::compare(&v.name, &review, &r));
    }
    for c in &comparisons {
        diag!(
            "wfm: review: variant {:?}: {} service level {:+.1} ± {:.1} points (paired; ± {:.1} unpaired), cost {:+.0}",
            c.variant,
            c.channel,
            100.0 * c.paired.mean,
            100.0 * c.paired.ci95,
            100.0 * c.unpaired_ci95,
            c.cost_delta
        );
    }
    let rows = &review.intervals;
    let short: u64 = rows.iter().map(|r| u64::from(r.short)).sum();
    let misses = rows.iter().filter(|r| r.misses_target).count();
    diag!(
        "wfm: review: {} agent-intervals short of the requirement, {} interval(s) where the simulated service misses a target",
        short,
        misses
    );
    let outbound: Vec<&str> = review
        .campaigns
        .iter()
        .map(|c| c.channel.as_str())
        .collect();
    for c in review
        .channels
        .iter()
        .filter(|c| !outbound.contains(&c.channel.as_str()))
    {
        let sl = c.service_level.mean;
        diag!(
            "wfm: review: {}: service level {}, {:.0} agent-hours short, worst day {}",
            c.channel,
            if sl.is_finite() {
                format!("{:.1}%", 100.0 * sl)
            } else {
                "-".into()
            },
            c.short_h,
            c.worst_day
                .map_or("-".to_string(), |(d, v)| format!("{d} ({:.1}%)", 100.0 * v))
        );
    }
    super::print_campaign_days("wfm: review: ", &review.campaigns);
    for b in &review.blends {
        diag!(
            "wfm: review: blend {}: {} agents call out on {} with {} (chosen by simulation, day by day): {:.0} outbound calls by them, {:.0} by the collectors",
            b.blend.group,
            b.blend.inbound,
            b.blend.outbound,
            super::reserve_text(b),
            b.calls_by_blended,
            b.calls_by_collectors
        );
    }
    let mut fixed = None;
    if a.recommend {
        let Some((r, rs)) = &rules else {
            bail!("--recommend: the fix is made of shift types: give --shifts (or shifts_file in the scenario)");
        };
        let calendar = match (&team, &scenario) {
            (Some(t), _) => t.calendar.clone(),
            (None, Some((s, _))) => s.calendar_data.clone(),
            (None, None) => wfm::calendar::Calendar::default(),
        };
        let sched = wfm::schedule::ScheduleOptions {
            solver: wfm::schedule::SolverChoice::Microlp,
            node_limit: Some(a.fix_node_limit),
            ..wfm::schedule::ScheduleOptions::default()
        };
        let fix = wfm::whatif::recommend(&review, r, rs, &calendar, &sched)?;
        let mut with_fix = review.available.clone();
        let add: std::collections::HashMap<(jiff::civil::Date, jiff::civil::Time, &str), u32> = fix
            .staffing
            .rows
            .iter()
            .map(|x| ((x.date, x.time, x.group.as_str()), x.agents))
            .collect();
        for row in &mut with_fix.rows {
            if let Some(n) = add.get(&(row.date, row.time, row.group.as_str())) {
                row.agents = row.agents.saturating_add(*n);
            }
        }
        let fi = CapacityInputs {
            supply: SupplySource::Staffing(&with_fix, "the fix"),
            adjust: None,
            ..inputs
        };
        let after = capacity_review(&fi, &opts)?;
        let left = after.intervals.iter().filter(|x| x.misses_target).count();
        diag!(
            "wfm: review: the cheapest fix costs {:.0}; intervals missing a target: {} before, {} after{}",
            fix.cost,
            misses,
            left,
            if fix.uncovered > 0 {
                format!(
                    " ({} agent-intervals no shift type can cover)",
                    fix.uncovered
                )
            } else {
                String::new()
            }
        );
        fixed = Some((fix, after));
    }
    match &a.out {
        Some(dir) => {
            let title = match &scenario {
                Some((s, _)) => s
                    .name
                    .clone()
                    .unwrap_or_else(|| "Capacity review".to_string()),
                None => "Capacity review".to_string(),
            };
            let page = wfm::report::capacity_page(
                &review,
                &format!("Capacity review: {title}"),
                &comparisons,
                fixed.as_ref().map(|(fix, after)| wfm::report::FixView {
                    fix,
                    misses_before: misses,
                    after,
                }),
            )?;
            outs.set(ids[0], page.into_bytes());
            outs.fill(ids[1], |b| write_review(b, rows))?;
            outs.fill(ids[2], |b| write_days(b, &review.days))?;
            outs.fill(ids[3], |b| {
                wfm::requirement::write_staffing_table_as(&review.available, b, "group")
            })?;
            outs.fill(ids[4], |b| write_supply(b, &review.supply))?;
            outs.fill(ids[5], |b| wfm::whatif::write_comparisons(b, &comparisons))?;
            match &fixed {
                Some((fix, _)) => outs.fill(ids[6], |b| fix.roster.write_roster(b))?,
                None => outs.set(
                    ids[6],
                    b"date,shift,start,end,agents,breaks,channel\n".to_vec(),
                ),
            }
            outs.fill(ids[7], |b| {
                wfm::capacity::write_campaigns(b, &review.campaigns)
            })?;
            outs.commit()?;
            diag!(
                "wfm: review: the report is {}",
                dir.join("index.html").display()
            );
        }
        None => {
            outs.fill(ids[0], |b| write_review(b, rows))?;
            outs.commit()?;
        }
    }
    Ok(if short > 0 || misses > 0 { 1 } else { 0 })
}
