//! The roster of named agents' page.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use maud::{html, Markup, PreEscaped};
use plotters::prelude::*;

use super::{chart_err, chart_on, index_label, page, ReportError, PALETTE, W};
use crate::core::money::Money;
use crate::optimize::roster::{Agent, RosterPlan};
use crate::optimize::shifts::ShiftRules;

/// Working hours against contracted hours per agent: a bar per agent (blue)
/// with its contract (red tick), sorted by contract then id.
pub fn hours_chart(plan: &RosterPlan) -> Result<String, ReportError> {
    let rows = &plan.roster.agents;
    let n = rows.len().max(1) as f64;
    let top = rows
        .iter()
        .map(|a| a.work_h.max(a.contract_h))
        .fold(1.0, f64::max)
        * 1.1;
    let names: Vec<&str> = rows.iter().map(|a| a.agent.as_str()).collect();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("hours"))?;
        let mut chart = chart_on(
            &root,
            "hours",
            "Working hours per agent (blue) against the contract over the roster (red)".to_string(),
            -0.5..n - 0.5,
            0.0..top,
            48,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len().min(20))
            .x_label_formatter(&|x| index_label(&names, *x))
            .y_desc("hours")
            .draw()
            .map_err(chart_err("hours"))?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, a)| {
                Rectangle::new(
                    [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, a.work_h)],
                    PALETTE[0].filled(),
                )
            }))
            .map_err(chart_err("hours"))?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, a)| {
                PathElement::new(
                    vec![
                        (i as f64 - 0.45, a.contract_h),
                        (i as f64 + 0.45, a.contract_h),
                    ],
                    PALETTE[1].stroke_width(2),
                )
            }))
            .map_err(chart_err("hours"))?;
        root.present().map_err(chart_err("hours"))?;
    }
    Ok(s)
}

/// A printable week sheet per group: one row per agent who covers the
/// group (name and id), one cell per day with the shift worked and its
/// start (`away` on leave), statutory days marked in the header, then the
/// agent's paid hours and cost that week.
fn week_view(
    plan: &RosterPlan,
    agents: &[Agent],
    group: &str,
    monday: Date,
    rules: &ShiftRules,
    money: &Money,
) -> Markup {
    let days: Vec<Date> = (0..7)
        .filter_map(|k| monday.checked_add(jiff::Span::new().days(k)).ok())
        .collect();
    let mut cells: BTreeMap<(&str, Date), String> = BTreeMap::new();
    let mut week: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    let mut types: BTreeSet<&str> = BTreeSet::new();
    for a in &plan.roster.assignments {
        if a.group == group && days.contains(&a.date) {
            let m = a.start_min % 1440;
            cells.insert(
                (a.agent.as_str(), a.date),
                format!("{} {:02}:{:02}", a.shift, m / 60, m % 60),
            );
            types.insert(a.shift.as_str());
            let e = week.entry(a.agent.as_str()).or_default();
            e.0 += a.paid_h;
            e.1 += rules
                .cost_of(&a.shift, a.date, a.start_min, a.end_min)
                .unwrap_or(0.0);
        }
    }
    let colour = |t: &str| -> &'static str {
        const C: [&str; 6] = [
            "#cfe3f5", "#f8d3c5", "#d4edc9", "#e3d5ef", "#fde3c1", "#c9eef3",
        ];
        C[types.iter().position(|x| *x == t).unwrap_or(0) % C.len()]
    };
    let cal = &rules.calendar_data;
    let inside = |d: &Date| plan.from <= *d && *d <= plan.to;
    html! {
        table class="gantt" {
            tr {
                th { "agent" }
                @for d in &days {
                    @let head = format!("{} {:02}-{:02}", ["Mon","Tue","Wed","Thu","Fri","Sat","Sun"][crate::core::calendar::weekday_index(*d)], d.month(), d.day());
                    @if cal.is_statutory(*d) {
                        th class="statutory" { (head) br; "statutory" }
                    } @else {
                        th { (head) }
                    }
                }
                th { "hours" } th { "cost (" (money.code) ")" }
            }
            @for ag in agents.iter().filter(|a| a.groups.first().is_some_and(|g| g == group) || week.contains_key(a.id.as_str())) {
                @let (h, c) = week.get(ag.id.as_str()).copied().unwrap_or_default();
                tr {
                    td { (ag.name) " " span class="note" { (ag.id) } }
                    @for d in &days {
                        @match cells.get(&(ag.id.as_str(), *d)) {
                            Some(c) => td style=(format!("background:{}", colour(c.split(' ').next().unwrap_or("")))) { (c) },
                            None => td { @if !inside(d) { "·" } @else if ag.is_unavailable(*d) { "away" } },
                        }
                    }
                    td { (format!("{h:.1}")) }
                    td { (money.format(c)) }
                }
            }
        }
    }
}

/// The roster's page: the decision (publish by when, what it costs, who
/// is outside the contract), a printable sheet per week and group with
/// the agents' names, statutory days marked and each agent's hours and
/// cost, hours per agent against contract, fairness counts per contract,
/// uncovered shifts and leave.
pub fn roster_page(
    plan: &RosterPlan,
    agents: &[Agent],
    title: &str,
    decision: &crate::optimize::roster::decision::RosterDecision,
    rules: &ShiftRules,
) -> Result<String, ReportError> {
    let hours = hours_chart(plan)?;
    let money = &decision.money;
    let r = &plan.roster;
    let groups: BTreeSet<&str> = plan.shifts.iter().map(|s| s.channel.as_str()).collect();
    let first_monday = plan
        .from
        .checked_sub(jiff::Span::new().days(crate::core::calendar::weekday_index(plan.from) as i64))
        .unwrap_or(plan.from);
    let mondays: Vec<Date> = (0..)
        .map_while(|k: i64| {
            first_monday
                .checked_add(jiff::Span::new().days(7 * k))
                .ok()
                .filter(|d| *d <= plan.to)
        })
        .collect();
    let wanted = plan.wanted();
    let fair = crate::optimize::roster::fairness_spread(r);
    let body = html! {
        h1 { (title) }
        p class="note" { "From " (plan.from) " to " (plan.to) ". The shift optimizer's roster given to named agents under the labour rules; every assignment passes the independent checker." }
        (super::decision_block(&decision.verdict, &decision.options, money,
            "Cost: the agents' shifts with their premiums (night, weekend, holiday pay). Publish by: the roster's first day less the centre's roster_notice_days. Data: decision.csv, agents.csv."))
        p { strong { (r.assignments.len()) } " of " (wanted) " shifts assigned; " strong { (r.uncovered.len()) } " uncovered. Preferences met: "
            (if r.preference_share.is_finite() { format!("{:.1}%", 100.0 * r.preference_share) } else { "–".to_string() }) "." }
        p class="note" { "Preferences met: among the agents who stated preferences, the share of their shifts that are of a preferred type (when they named types) and not on a weekday they wished off. A shift counts once; days off are not counted." }
        @for m in &mondays {
            section class="week" {
                h2 { "Week of " (m) }
                @for g in &groups {
                    h3 { (g) }
                    (week_view(plan, agents, g, *m, rules, money))
                }
            }
        }
        h2 { "Hours against contract" }
        figure { (PreEscaped(hours)) figcaption { "Data: agents.csv." } }
        h2 { "Fairness" }
        table {
            tr { th { "contract" } th { "count" } th { "lowest" } th { "highest" } }
            @for ((c, k), (lo, hi)) in &fair {
                tr { td { (c) } td { (k) } td { (lo) } td class=(if hi - lo > 1 { "bad" } else { "ok" }) { (hi) } }
            }
        }
        @if !r.uncovered.is_empty() {
            h2 { "Uncovered shifts" }
            table {
                tr { th { "date" } th { "shift" } th { "group" } th { "blocked by" } }
                @for u in r.uncovered.iter().take(50) {
                    tr { td { (u.date) } td { (u.shift) } td { (u.group) } td { (u.blocked_by) } }
                }
            }
            @if let Some(more) = super::rows_left_out(r.uncovered.len(), 50, "uncovered.csv") {
                p class="note" { (more) }
            }
        }
        @if !plan.leave.is_empty() {
            h2 { "Leave" }
            table {
                tr { th { "agent" } th { "from" } th { "to" } th { "" } }
                @for l in &plan.leave {
                    tr { td { (l.request.agent) } td { (l.request.from) } td { (l.request.to) }
                         td class=(if l.granted { "ok" } else { "bad" }) { (if l.granted { "granted".to_string() } else { l.reason.clone() }) } }
                }
            }
        }
        p class="note" { "Written by wfm. Files beside this page: assignments.csv, agents.csv, uncovered.csv, leave_granted.csv, leave_refused.csv." }
    };
    Ok(page(title, body))
}
