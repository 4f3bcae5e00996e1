//! The plan's page.

use std::collections::BTreeMap;

use jiff::civil::Date;
use maud::{html, PreEscaped};
use plotters::prelude::*;

use super::{chart_err, chart_on, colour_legend, index_label, label, pct, ReportError, PALETTE, W};

/// The plan's page: requirement against scheduled coverage per channel,
/// cost by shift type, and the simulated daily service of the roster.
pub fn plan_page(
    p: &crate::plan::PlanResult,
    title: &str,
    decision: &crate::plan::decision::PlanDecision,
) -> Result<String, ReportError> {
    plan_page_with(p, title, None, decision)
}

/// The page of a plan by groups ([`crate::plan::compare_with_single`]): the
/// plan's page with, first, the groups (agents, paid hours, cost, the share
/// of each channel each served, as a chart) and the comparison with
/// planning each channel on its own (cost, saving, service per channel).
pub fn group_plan_page(
    gp: &crate::plan::GroupPlan,
    title: &str,
    decision: &crate::plan::decision::PlanDecision,
) -> Result<String, ReportError> {
    let money = &decision.money;
    let p = &gp.groups;
    let channels = &p.simulation.channels;
    // Share of each channel's answered contacts per group: stacked bars.
    let mut shares = String::new();
    {
        let root =
            SVGBackend::with_string(&mut shares, (W, 60 + 40 * channels.len().max(1) as u32))
                .into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("shares"))?;
        let names: Vec<String> = p.groups.iter().map(|g| g.name.clone()).collect();
        let n = channels.len().max(1) as f64;
        let mut chart = chart_on(
            &root,
            "shares",
            format!(
                "share of each channel's answered contacts by group: {}",
                colour_legend(&names)
            ),
            0.0..1.0,
            -0.5..n - 0.5,
            70,
        )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(channels.len().max(1))
            .y_label_formatter(&|y| index_label(&channels.iter().collect::<Vec<_>>(), *y))
            .x_label_formatter(&|x| format!("{:.0}%", 100.0 * x))
            .draw()
            .map_err(chart_err("shares"))?;
        for (ci, c) in channels.iter().enumerate() {
            let mut left = 0.0;
            for (gi, g) in p.groups.iter().enumerate() {
                let share = g
                    .served
                    .iter()
                    .find(|(ch, _, _)| ch == c)
                    .map_or(0.0, |x| x.2);
                if share <= 0.0 {
                    continue;
                }
                let y = ci as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(left, y - 0.3), (left + share, y + 0.3)],
                        PALETTE[gi % PALETTE.len()].filled(),
                    )))
                    .map_err(chart_err("shares"))?;
                left += share;
            }
        }
        root.present().map_err(chart_err("shares"))?;
    }
    let extra = html! {
        h2 { "Groups" }
        p {
            "Planned by groups, cost " strong { (money.format(gp.groups_cost())) }
            " against " strong { (money.format(gp.single_cost())) }
            " planning each channel on its own: a saving of " strong { (pct(gp.saving())) }
            " (both simulated with the same seeds; costs with each group's cost factor)."
        }
        @if let Some(gs) = &p.group_search {
            p {
                "The group requirement: " (gs.blocks) " blocks of like load in " (gs.components)
                " independent component(s) of the routing, " (gs.simulations)
                " simulations; each block's staffing is locally optimal on its sample (no removal, move or two-for-one exchange keeps every target for less)"
                @if gs.unmet > 0 { "; " strong { (gs.unmet) } " interval(s) met no staffing with every target" }
                "."
            }
        }
        table {
            tr { th { "group" } th { "serves" } th { "cost factor" } th { "peak agents" } th { "paid hours" } th { "cost (" (money.code) ")" } th { "share of each channel it answered" } }
            @for g in &p.groups {
                tr {
                    td { (g.name) }
                    td { (g.channels.join(", ")) }
                    td { (format!("{:.2}", g.cost_factor)) }
                    td { (g.peak_agents) }
                    td { (format!("{:.0}", g.paid_hours)) }
                    td { (money.format(g.cost)) }
                    td { (g.served.iter().map(|(c, _, sh)| format!("{c} {}", pct(*sh))).collect::<Vec<_>>().join("; ")) }
                }
            }
        }
        figure { (PreEscaped(shares)) figcaption { "Who answered each channel in the simulation of the plan by groups. Data: groups.csv." } }
        h3 { "Service: by groups against each channel on its own" }
        table {
            tr { th { "channel" } th { "target" } th { "by groups" } th { "on its own" } th { "abandoned, by groups" } th { "abandoned, on its own" } th { "intervals missed, by groups" } th { "intervals missed, on its own" } }
            @for c in &gp.service {
                tr {
                    td { (c.channel) }
                    td { (c.target_sl.map_or("–".to_string(), pct)) }
                    td { (pct(c.groups_sl)) }
                    td { (pct(c.single_sl)) }
                    td { (pct(c.groups_abandon)) }
                    td { (pct(c.single_abandon)) }
                    td { (c.groups_misses) }
                    td { (c.single_misses) }
                }
            }
        }
    };
    plan_page_with(p, title, Some(extra), decision)
}

/// The page: the decision, the headline and the roster's table (one row
/// per channel, or per group when `extra` is a plan by groups' section:
/// then headed "group", its service in that section by channel), `extra`,
/// then the charts. Every cost is the roster's with each group's factor
/// ([`crate::plan::PlanResult::cost`]), in the decision's currency.
fn plan_page_with(
    p: &crate::plan::PlanResult,
    title: &str,
    extra: Option<maud::Markup>,
    decision: &crate::plan::decision::PlanDecision,
) -> Result<String, ReportError> {
    let money = &decision.money;
    let by_groups = extra.is_some();
    let roster = &p.roster;
    let per_day = roster.grid.per_day().max(1);
    let skip = roster.skip;
    // Coverage: one panel per channel, x = interval of the plan.
    let mut cov = String::new();
    {
        let n_ch = roster.channels.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut cov, (W, 200 * n_ch)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("coverage"))?;
        let panels = root.split_evenly((roster.channels.len().max(1), 1));
        for (panel, c) in panels.iter().zip(&roster.channels) {
            let req: Vec<u32> = c.required.iter().skip(skip).copied().collect();
            let sch: Vec<u32> = c.scheduled.iter().skip(skip).copied().collect();
            let n = req.len().max(1) as f64;
            let top = req.iter().chain(&sch).copied().max().unwrap_or(1).max(1) as f64 * 1.1;
            let first = roster.grid.day(1).unwrap_or(roster.grid.first());
            let mut chart = chart_on(
                panel,
                "coverage",
                format!(
                    "{}: agents required (red) and scheduled (blue) per interval",
                    c.channel
                ),
                0.0..n,
                0.0..top,
                44,
            )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(((n as usize) / per_day + 1).min(15))
                .x_label_formatter(&|x| {
                    let d = (*x as usize) / per_day;
                    first
                        .checked_add(jiff::Span::new().days(d as i64))
                        .map(|d| format!("{:02}-{:02}", d.month(), d.day()))
                        .unwrap_or_default()
                })
                .draw()
                .map_err(chart_err("coverage"))?;
            chart
                .draw_series(LineSeries::new(
                    req.iter()
                        .enumerate()
                        .map(|(i, &v)| (i as f64, f64::from(v))),
                    PALETTE[1].stroke_width(2),
                ))
                .map_err(chart_err("coverage"))?;
            chart
                .draw_series(LineSeries::new(
                    sch.iter()
                        .enumerate()
                        .map(|(i, &v)| (i as f64, f64::from(v))),
                    PALETTE[0].stroke_width(1),
                ))
                .map_err(chart_err("coverage"))?;
        }
        root.present().map_err(chart_err("coverage"))?;
    }
    // Cost by shift type.
    let mut by_type: BTreeMap<String, f64> = BTreeMap::new();
    for c in &roster.channels {
        for (k, n) in &c.shifts {
            let name = roster.shift_names.get(k.shift).cloned().unwrap_or_default();
            *by_type.entry(name).or_default() += k.cost * f64::from(*n) * p.cost_factor(&c.channel);
        }
    }
    let mut costs = String::new();
    {
        let root = SVGBackend::with_string(&mut costs, (W, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("cost"))?;
        let names: Vec<&String> = by_type.keys().collect();
        let top = by_type.values().copied().fold(1.0, f64::max) * 1.1;
        let n = names.len().max(1) as f64;
        let mut chart = chart_on(
            &root,
            "cost",
            format!("cost by shift type ({})", money.code),
            -0.5..n - 0.5,
            0.0..top,
            60,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(names.len().max(1))
            .x_label_formatter(&|x| index_label(&names, *x))
            .draw()
            .map_err(chart_err("cost"))?;
        chart
            .draw_series(by_type.values().enumerate().map(|(i, &v)| {
                let x = i as f64;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, v)], PALETTE[3].filled())
            }))
            .map_err(chart_err("cost"))?;
        root.present().map_err(chart_err("cost"))?;
    }
    // Simulated daily service of the roster.
    let sim = &p.simulation;
    let days: Vec<(usize, usize)> = sim
        .periods
        .iter()
        .take(sim.periods.len().saturating_sub(1))
        .copied()
        .collect();
    let mut service = String::new();
    {
        let root = SVGBackend::with_string(&mut service, (W, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("service"))?;
        let n = days.len().max(1) as f64;
        let labels: Vec<Date> = days
            .iter()
            .filter_map(|&(a, _)| sim.labels.get(a).map(|l| l.0))
            .collect();
        let mut chart = chart_on(
            &root,
            "service",
            format!(
                "simulated daily service level of the roster: {}",
                super::channel_legend(&sim.channels)
            ),
            -0.5..n - 0.5,
            0.0..1.0,
            52,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().clamp(1, 14))
            .x_label_formatter(&|x| label(&labels, *x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .draw()
            .map_err(chart_err("service"))?;
        for c in 0..sim.channels.len() {
            let pts: Vec<(f64, f64)> = days
                .iter()
                .enumerate()
                .filter_map(|(i, &(a, b))| {
                    let m = sim.span(c, a, b)?;
                    m.service_level
                        .mean
                        .is_finite()
                        .then_some((i as f64, m.service_level.mean))
                })
                .collect();
            chart
                .draw_series(LineSeries::new(
                    pts,
                    super::channel_colour(&sim.channels[c]).0.stroke_width(2),
                ))
                .map_err(chart_err("service"))?;
        }
        root.present().map_err(chart_err("service"))?;
    }
    let s = roster.summary();
    let campaigns = sim.campaigns();
    let body = html! {
            h1 { (title) }
            (super::decision_block(&decision.verdict, &decision.options, money,
                "Cost: the roster's shifts with their premiums and each group's cost factor. Publish by: the first day less the centre's roster_notice_days. Data: decision.csv, rounds.csv."))
            p {
                strong { (format!("{:.0}", s.paid_hours)) " paid hours" } ", cost "
                strong { (money.format(p.cost())) } ", " (format!("{:.1}", s.fte)) " FTE, over-coverage "
                (pct(s.over_coverage))
                @if let Some(h) = s.headcount { ", headcount " (h) }
                "; " (p.rounds.len()) " round(s) of schedule and simulate."
            }
            table {
                tr { th { (if by_groups { "group" } else { "channel" }) } th { "solver" } th { "cost (" (money.code) ")" } th { "bound (" (money.code) ")" } th { "gap" }
                     @if !by_groups { th { "simulated service level" } } }
                @for c in &roster.channels {
                    @let f = p.cost_factor(&c.channel);
                    tr {
                        td { (c.channel) }
                        td { (c.status.to_string()) }
                        td { (money.format(c.cost * f)) }
                        td { (money.format(c.bound * f)) }
                        td { (format!("{:.2}%", 100.0 * c.gap)) }
                        @if !by_groups {
                            td { (sim.channel_index(&c.channel).and_then(|k| sim.summary_all(k)).map_or("–".to_string(), |m| pct(m.service_level.mean))) }
                        }
                    }
                }
            }
            @if let Some(x) = &extra { (x) }
            h2 { "Coverage" }
            figure { (PreEscaped(cov)) figcaption { "Agents the requirement asks for (red, after the plan's raises) and the roster has on duty (blue). Data: coverage.csv." } }
            h2 { "Cost by shift type" }
            figure { (PreEscaped(costs)) figcaption { "Cost of the roster's shifts by type, premiums included. Data: roster.csv." } }
            h2 { "Simulated service" }
            figure { (PreEscaped(service)) figcaption { "Daily service level of the roster in simulation. Data: simulated_summary.csv." } }
            @if !campaigns.is_empty() {
                h2 { "Collections campaigns" }
                (super::campaign_table(&campaigns, &p.blends))
            }
            p class="note" { "Written by wfm plan. Files beside this page: forecast.csv, requirement.csv, requirement_final.csv, roster.csv, coverage.csv, staffing.csv, simulated_intervals.csv, simulated_summary.csv, rounds.csv, campaigns.csv, decision.csv." }
    };
    Ok(super::page(title, body))
}
