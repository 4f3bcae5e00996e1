//! The long-range capacity plan's page.

use maud::{html, PreEscaped};
use plotters::prelude::*;

use super::{chart_err, chart_on, draw_line, label, page, ReportError, PALETTE, W};
use crate::supply::capacity::{CapacityPlan, CapacityRow};

/// `f` of the plan's rows summed over its groups, per week.
fn weekly_sum(p: &CapacityPlan, f: &dyn Fn(&CapacityRow) -> f64) -> Vec<f64> {
    let mut v = vec![0.0; p.weeks.len()];
    for r in &p.rows {
        if let Some(i) = p.weeks.iter().position(|w| *w == r.week_start) {
            v[i] += f(r);
        }
    }
    v
}

/// The week indices a named holiday of the plan touches.
fn holiday_weeks(p: &CapacityPlan) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, w) in p.weeks.iter().enumerate() {
        let end = w.checked_add(jiff::Span::new().days(6)).unwrap_or(*w);
        if p.holidays.iter().any(|b| b.first <= end && b.last >= *w) {
            out.push(i);
        }
    }
    out
}

/// Required against net FTE by week, one panel per group, holiday weeks
/// shaded.
pub fn fte_chart(p: &CapacityPlan) -> Result<String, ReportError> {
    let n = p.weeks.len().max(1) as f64;
    let shaded = holiday_weeks(p);
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 220 * p.groups.len().max(1) as u32))
            .into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("fte"))?;
        let panels = root.split_evenly((p.groups.len().max(1), 1));
        for (panel, g) in panels.iter().zip(&p.groups) {
            let mine: Vec<&CapacityRow> = p.rows.iter().filter(|r| &r.group == g).collect();
            let top = mine
                .iter()
                .map(|r| r.week.required_fte.max(r.week.net_fte))
                .fold(1.0, f64::max)
                * 1.1;
            let mut chart = chart_on(
                panel,
                "fte",
                format!("{g}: FTE required (red) and net FTE of the plan (blue) per week"),
                -0.5..n - 0.5,
                0.0..top,
                48,
            )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(p.weeks.len().min(13))
                .x_label_formatter(&|x| label(&p.weeks, *x))
                .y_desc("FTE")
                .draw()
                .map_err(chart_err("fte"))?;
            chart
                .draw_series(shaded.iter().map(|&i| {
                    Rectangle::new(
                        [(i as f64 - 0.5, 0.0), (i as f64 + 0.5, top)],
                        RGBColor(255, 236, 179).filled(),
                    )
                }))
                .map_err(chart_err("fte"))?;
            draw_line(
                &mut chart,
                "fte",
                mine.iter().map(|r| r.week.required_fte),
                PALETTE[1],
            )?;
            draw_line(
                &mut chart,
                "fte",
                mine.iter().map(|r| r.week.net_fte),
                PALETTE[0],
            )?;
        }
        root.present().map_err(chart_err("fte"))?;
    }
    Ok(s)
}

/// Net FTE of all groups per week for the plan and each variant, with the
/// requirement.
pub fn plan_variants_chart(
    p: &CapacityPlan,
    variants: &[(&str, &CapacityPlan)],
) -> Result<String, ReportError> {
    let weeks = p.weeks.len();
    let n = weeks.max(1) as f64;
    let req = weekly_sum(p, &|r| r.week.required_fte);
    let mut series = vec![weekly_sum(p, &|r| r.week.net_fte)];
    series.extend(
        variants
            .iter()
            .map(|(_, q)| weekly_sum(q, &|r| r.week.net_fte)),
    );
    let top = series
        .iter()
        .flatten()
        .chain(&req)
        .copied()
        .fold(1.0, f64::max)
        * 1.1;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("variants"))?;
        let names: Vec<&str> = std::iter::once("the plan")
            .chain(variants.iter().map(|(n, _)| *n))
            .collect();
        let mut chart = chart_on(
            &root,
            "variants",
            format!(
                "Net FTE per week: {}; required (red)",
                super::colour_legend_skip_red(&names)
            ),
            -0.5..n - 0.5,
            0.0..top,
            48,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(weeks.min(13))
            .x_label_formatter(&|x| label(&p.weeks, *x))
            .y_desc("FTE")
            .draw()
            .map_err(chart_err("variants"))?;
        draw_line(&mut chart, "variants", req.iter().copied(), PALETTE[1])?;
        for (k, v) in series.iter().enumerate() {
            let colour = super::PALETTE_NO_RED[k % super::PALETTE_NO_RED.len()];
            draw_line(&mut chart, "variants", v.iter().copied(), colour)?;
        }
        root.present().map_err(chart_err("variants"))?;
    }
    Ok(s)
}

/// The headcount flow over all groups: agents on the books and in class
/// (lines), graduates (green bars up) and leavers (red bars down).
pub fn flow_chart(p: &CapacityPlan) -> Result<String, ReportError> {
    let weeks = p.weeks.len();
    let n = weeks.max(1) as f64;
    let heads = weekly_sum(p, &|r| f64::from(r.week.headcount));
    let training = weekly_sum(p, &|r| f64::from(r.week.in_training));
    let grads = weekly_sum(p, &|r| f64::from(r.week.graduates));
    let leavers = weekly_sum(p, &|r| f64::from(r.week.leavers));
    let top = heads.iter().copied().fold(1.0, f64::max) * 1.1;
    let bottom = -leavers.iter().copied().fold(1.0, f64::max) * 1.5;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("flow"))?;
        let mut chart = chart_on(
            &root,
            "flow",
            "Agents on the books (blue), in class (purple); graduates (green) and leavers (red) per week".to_string(),
            -0.5..n - 0.5,
            bottom..top,
            48,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(weeks.min(13))
            .x_label_formatter(&|x| label(&p.weeks, *x))
            .y_desc("agents")
            .draw()
            .map_err(chart_err("flow"))?;
        chart
            .draw_series(
                grads
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| **g > 0.0)
                    .map(|(i, g)| {
                        Rectangle::new(
                            [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, *g)],
                            PALETTE[2].filled(),
                        )
                    }),
            )
            .map_err(chart_err("flow"))?;
        chart
            .draw_series(
                leavers
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| **l > 0.0)
                    .map(|(i, l)| {
                        Rectangle::new(
                            [(i as f64 - 0.35, -*l), (i as f64 + 0.35, 0.0)],
                            PALETTE[1].filled(),
                        )
                    }),
            )
            .map_err(chart_err("flow"))?;
        draw_line(&mut chart, "flow", heads.iter().copied(), PALETTE[0])?;
        draw_line(&mut chart, "flow", training.iter().copied(), PALETTE[3])?;
        root.present().map_err(chart_err("flow"))?;
    }
    Ok(s)
}

/// The classes on a timeline: training (purple), then nesting (light
/// purple), one row per class; proposed classes in a darker outline.
pub fn classes_chart(
    p: &CapacityPlan,
    training_weeks: u32,
    nesting_weeks: usize,
) -> Result<Option<String>, ReportError> {
    if p.classes.is_empty() {
        return Ok(None);
    }
    let n = p.weeks.len().max(1) as f64;
    let first = match p.weeks.first() {
        Some(d) => *d,
        None => return Ok(None),
    };
    let k = p.classes.len();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 60 + 26 * k as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("classes"))?;
        let names: Vec<String> = p
            .classes
            .iter()
            .map(|c| format!("{} {}{}", c.group, c.size, if c.decided { "" } else { "*" }))
            .collect();
        let mut chart = chart_on(
            &root,
            "classes",
            "Classes: in training (purple) and nesting (light); * proposed by the optimizer"
                .to_string(),
            -0.5..n - 0.5,
            -0.5..k as f64 - 0.5,
            90,
        )?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(p.weeks.len().min(13))
            .x_label_formatter(&|x| label(&p.weeks, *x))
            .y_labels(k)
            .y_label_formatter(&|y| super::index_label(&names, *y))
            .draw()
            .map_err(chart_err("classes"))?;
        let week = |d: jiff::civil::Date| (d - first).get_days() as f64 / 7.0;
        chart
            .draw_series(p.classes.iter().enumerate().flat_map(|(i, c)| {
                let s0 = week(c.start);
                let s1 = s0 + f64::from(training_weeks);
                let s2 = s1 + nesting_weeks as f64;
                let y = i as f64;
                [
                    Rectangle::new(
                        [(s0 - 0.5, y - 0.3), (s1 - 0.5, y + 0.3)],
                        PALETTE[3].filled(),
                    ),
                    Rectangle::new(
                        [(s1 - 0.5, y - 0.3), (s2 - 0.5, y + 0.3)],
                        RGBColor(206, 190, 226).filled(),
                    ),
                ]
            }))
            .map_err(chart_err("classes"))?;
        root.present().map_err(chart_err("classes"))?;
    }
    Ok(Some(s))
}

/// The capacity plan's page: required vs net FTE by week with the
/// holidays shaded, the headcount flow, the classes on a timeline, and the
/// tables behind them.
pub fn capacity_plan_page(
    p: &CapacityPlan,
    title: &str,
    training_weeks: u32,
    nesting_weeks: usize,
    variants: &[(&str, &CapacityPlan)],
    decision: &crate::supply::capacity::decision::CapacityDecision,
) -> Result<String, ReportError> {
    let money = &decision.money;
    let variant_chart = if variants.is_empty() {
        None
    } else {
        Some(plan_variants_chart(p, variants)?)
    };
    let totals_of = |q: &CapacityPlan| -> (f64, f64, usize) {
        let short: f64 = q.rows.iter().map(|r| (-r.week.gap_fte).max(0.0)).sum();
        (
            q.cost,
            short,
            q.classes.iter().filter(|c| !c.decided).count(),
        )
    };
    let fte = fte_chart(p)?;
    let flow = flow_chart(p)?;
    let classes = classes_chart(p, training_weeks, nesting_weeks)?;
    let totals = crate::supply::capacity::group_totals(p);
    let body = html! {
        h1 { (title) }
        p class="note" {
            (p.weeks.len()) " weeks from " (p.weeks.first().map(|d| d.to_string()).unwrap_or_default())
            ". Required FTE: the Erlang requirement of the forecast, in paid hours through the scheduling efficiency of "
            (p.patterns.len()) " representative week(s). Net FTE: productive headcount (nesting agents at 1/AHT multiplier) less shrinkage and leave."
        }
        (super::decision_block(&decision.verdict, &decision.options, money,
            "Cost: recruiting each hire and the class's paid training weeks, what approving it commits before anyone works; the graduates' wages after are in the plan's total. Decide by: the class's start less the hiring lead time. Data: decision.csv."))
        p { "Total cost over the horizon (salaries and hires): " strong { (money.format(p.cost)) } "." }
        h2 { "Summary by group" }
        table {
            tr { th { "group" } th { "cost (" (money.code) ")" } th { "FTE-weeks short" } th { "lowest gap (FTE)" } th { "in the week of" } }
            @for (g, (cost, short, worst, week)) in &totals {
                tr {
                    td { (g) }
                    td { (money.format(*cost)) }
                    td class=(if *short > 0.05 { "bad" } else { "ok" }) { (format!("{short:.1}")) }
                    td { (format!("{worst:+.1}")) }
                    td { (week) }
                }
            }
        }
        @if let Some(o) = &p.optimizer {
            h2 { "The hiring optimizer" }
            p {
                "Objective (expected cost of the new classes plus " (money.format(o.short_penalty))
                " per FTE-week still short): " strong { (money.format(o.objective)) }
                @if let Some(b) = o.bound { "; best bound " (money.format(b)) }
                "; gap " (if o.gap.is_finite() { format!("{:.2}%", 100.0 * o.gap) } else { "unknown".to_string() })
                (if o.proven { ", proven." } else { ", stopped at a limit." })
            }
        }
        @if let Some(c) = variant_chart {
            h2 { "What-ifs side by side" }
            figure { (PreEscaped(c)) figcaption { "Net FTE of all groups per week: the plan (blue) and each variant; the requirement in red. Data: variants.csv." } }
            table {
                tr { th { "variant" } th { "cost (" (money.code) ")" } th { "FTE-weeks short" } th { "classes proposed" } }
                @let (c0, s0, n0) = totals_of(p);
                tr { td { "the plan" } td { (money.format(c0)) } td { (format!("{s0:.1}")) } td { (n0) } }
                @for (name, q) in variants {
                    @let (c, sh, n) = totals_of(q);
                    tr { td { (name) } td { (money.format(c)) } td { (format!("{sh:.1}")) } td { (n) } }
                }
            }
        }
        h2 { "Required and net FTE" }
        figure { (PreEscaped(fte)) figcaption { "Per group and week; weeks with a named holiday shaded. Data: capacity.csv." } }
        h2 { "Headcount flow" }
        figure { (PreEscaped(flow)) figcaption { "All groups. Data: capacity.csv." } }
        @if let Some(c) = classes {
            h2 { "Classes" }
            figure { (PreEscaped(c)) figcaption { "Data: hiring.csv." } }
            table {
                tr { th { "group" } th { "start" } th { "size" } th { "graduates" } th { "working from" } th { "" } }
                @for c in &p.classes {
                    tr { td { (c.group) } td { (c.start) } td { (c.size) } td { (c.graduates) } td { (c.first_productive_week) }
                         td { (if c.decided { "decided" } else { "proposed" }) } }
                }
            }
        }
        @if !p.short_weeks.is_empty() {
            h2 { "Weeks short" }
            p { (format!("{} group-week(s) where the plan's net FTE stays under the requirement{}:",
                p.short_weeks.len(),
                if p.short_weeks.len() > SHORT_ROWS { format!(" (the first {SHORT_ROWS})") } else { String::new() })) }
            table {
                tr { th { "group" } th { "week of" } th { "FTE short" } }
                @for s in p.short_weeks.iter().take(SHORT_ROWS) {
                    tr { td { (s.group) } td { (s.week_start) } td class="bad" { (format!("{:.1}", s.short_fte)) } }
                }
            }
            @if let Some(more) = super::rows_left_out(p.short_weeks.len(), SHORT_ROWS, "capacity.csv") {
                p class="note" { (more) }
            }
        }
        h2 { "Demand patterns" }
        table {
            tr { th { "pattern" } th { "what" } th { "scheduled week" } th { "weeks" } th { "paid / required hours" } }
            @for pat in &p.patterns {
                tr {
                    td { (pat.id) } td { (pat.kind) } td { (pat.representative) } td { (pat.weeks.len()) }
                    td { (pat.efficiency.iter().map(|(g, e)| format!("{g} {e:.3}")).collect::<Vec<_>>().join(", ")) }
                }
            }
        }
        p class="note" { "Written by wfm. Files beside this page: capacity.csv, hiring.csv, variants.csv, decision.csv." }
    };
    Ok(page(title, body))
}

/// Weeks short shown on the page; the rest are in `capacity.csv`.
const SHORT_ROWS: usize = 30;
