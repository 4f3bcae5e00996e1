//! Reports people read: one self-contained HTML page (inline SVG and CSS,
//! no script, nothing loaded from the network) that opens from disk in any
//! browser and prints well.
//!
//! Charts are drawn with `plotters` (SVG backend only) into strings; the
//! page is a `maud` template. The CSV behind every chart is written beside
//! the page by the command. [`capacity_page`] is the capacity review's page.

use std::collections::BTreeMap;

use jiff::civil::Date;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use plotters::prelude::*;

use crate::core::textio::format_time;
use crate::review::{CapacityReview, DayReview};

mod review_charts;
pub use review_charts::{
    backlog_chart, demand_chart, fix_chart, service_chart, shortfall_heatmap, variants_chart,
};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The charting backend failed.
    #[error("drawing the chart {chart}: {message}")]
    Chart {
        /// Which chart.
        chart: String,
        /// The backend's message.
        message: String,
    },
}

fn chart_err<E: std::fmt::Debug>(chart: &str) -> impl Fn(E) -> ReportError + '_ {
    move |e| ReportError::Chart {
        chart: chart.to_string(),
        message: format!("{e:?}"),
    }
}

const W: u32 = 860;
const PALETTE_NAMES: [&str; 6] = ["blue", "red", "green", "purple", "orange", "teal"];
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

/// The colour of a channel, the same in every chart of every report: the
/// usual channels have their own, any other name takes one of the rest by
/// a stable hash of its name (the same name, the same colour, on every
/// page). Red is kept for requirements and misses.
pub fn channel_colour(name: &str) -> (RGBColor, &'static str) {
    const KNOWN: [(&str, RGBColor, &str); 6] = [
        ("phone", RGBColor(31, 119, 180), "blue"),
        ("chat", RGBColor(44, 160, 44), "green"),
        ("email", RGBColor(148, 103, 189), "purple"),
        ("wechat", RGBColor(23, 190, 207), "teal"),
        ("callback", RGBColor(255, 127, 14), "orange"),
        ("outbound", RGBColor(140, 86, 75), "brown"),
    ];
    const OTHER: [(RGBColor, &str); 4] = [
        (RGBColor(227, 119, 194), "pink"),
        (RGBColor(188, 189, 34), "olive"),
        (RGBColor(127, 127, 127), "grey"),
        (RGBColor(23, 80, 120), "navy"),
    ];
    if let Some((_, c, n)) = KNOWN.iter().find(|(k, _, _)| *k == name) {
        return (*c, n);
    }
    // FNV-1a: stable across runs and builds, unlike the std hasher.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    OTHER[(h % OTHER.len() as u64) as usize]
}

/// `channel (colour)` for each channel, in [`channel_colour`]'s colours.
fn channel_legend<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|c| format!("{} ({})", c.as_ref(), channel_colour(c.as_ref()).1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The days of a review, in order, and a formatter for an axis of day indices.
fn day_axis(r: &CapacityReview) -> Vec<Date> {
    let mut days: Vec<Date> = r.days.iter().map(|d| d.date).collect();
    days.sort();
    days.dedup();
    days
}

/// A chart's coordinate system on a drawing area.
pub(super) type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart with the report's look: `caption` in 15-pixel type, an 8-pixel
/// margin, `x` and `y` ranges, `y_area` pixels for the y labels; `name`
/// names it in errors.
pub(super) fn chart_on<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    name: &str,
    caption: String,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_area: u32,
) -> Result<Chart<'a, 'b>, ReportError> {
    ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 15))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x, y)
        .map_err(chart_err(name))
}

/// The palette without red (red is the requirement's colour), and its names.
const PALETTE_NO_RED: [RGBColor; 5] = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5]];
const PALETTE_NO_RED_NAMES: [&str; 5] = ["blue", "green", "purple", "orange", "teal"];

/// Draws `values` (at x = 0, 1, …) as a 2-pixel line of `colour`; `name`
/// names the chart in errors.
pub(super) fn draw_line(
    chart: &mut Chart<'_, '_>,
    name: &str,
    values: impl IntoIterator<Item = f64>,
    colour: RGBColor,
) -> Result<(), ReportError> {
    chart
        .draw_series(LineSeries::new(
            values.into_iter().enumerate().map(|(i, v)| (i as f64, v)),
            colour.stroke_width(2),
        ))
        .map_err(chart_err(name))?;
    Ok(())
}

/// `name (colour)` for each series in the order of [`PALETTE_NO_RED`].
fn colour_legend_skip_red<S: AsRef<str>>(names: &[S]) -> String {
    legend(names, &PALETTE_NO_RED_NAMES)
}

/// `name (colour)` for each series, in the palette's order: the legend of
/// a chart whose series are told apart by colour.
fn colour_legend<S: AsRef<str>>(names: &[S]) -> String {
    legend(names, &PALETTE_NAMES)
}

/// `name (colour)` for each series, the colours named by `colours` in turn.
fn legend<S: AsRef<str>>(names: &[S], colours: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} ({})", c.as_ref(), colours[i % colours.len()]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name at a whole-number position of a categorical axis.
fn index_label<S: AsRef<str>>(names: &[S], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names
        .get(i as usize)
        .map(|s| s.as_ref().to_string())
        .unwrap_or_default()
}

fn label(days: &[Date], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    days.get(i as usize)
        .map(|d| format!("{:02}-{:02}", d.month(), d.day()))
        .unwrap_or_default()
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans CJK SC',sans-serif;margin:24px auto;max-width:900px;color:#222}\
h1{font-size:1.5em;margin-bottom:0}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right}\
th:first-child,td:first-child{text-align:left}.bad{color:#b00020;font-weight:600}.ok{color:#1b7f3b}\
figure{margin:1em 0;page-break-inside:avoid}figcaption{font-size:.85em;color:#555}.note{color:#555;font-size:.9em}\
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}\
table.gantt td,table.gantt th{font-size:11px;padding:2px 4px;text-align:left;white-space:nowrap}\
section.decision{border:2px solid #333;border-radius:6px;padding:4px 14px 8px;margin-top:1em;background:#fffbe6}section.decision h2{margin-top:.4em}\
.verdict{font-size:1.05em;line-height:1.4}th.statutory{background:#fde2e2;color:#b00020}\
@media print{section.week{page-break-before:always}}section.decision td,section.decision th{text-align:left}section.decision td.when{white-space:nowrap}";

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", 100.0 * v)
    } else {
        "–".into()
    }
}

/// The capacity review's page.
/// A whole page: the head (title, the inline style sheet) and `body`.
fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// One outbound campaign over a review: sums of `campaigns.csv`.
struct CampaignTotal {
    channel: String,
    accounts: f64,
    reached: f64,
    dropped: f64,
    connects: f64,
    /// The day with the most accounts unreached, and how many.
    worst: Option<(Date, f64)>,
}

/// Per outbound campaign of review `r`, in the order they first appear.
fn campaign_totals(r: &CapacityReview) -> Vec<CampaignTotal> {
    let mut out: Vec<CampaignTotal> = Vec::new();
    for k in &r.campaigns {
        let i = match out.iter().position(|o| o.channel == k.channel) {
            Some(i) => i,
            None => {
                out.push(CampaignTotal {
                    channel: k.channel.clone(),
                    accounts: 0.0,
                    reached: 0.0,
                    dropped: 0.0,
                    connects: 0.0,
                    worst: None,
                });
                out.len() - 1
            }
        };
        let e = &mut out[i];
        e.accounts += k.day.accounts;
        e.reached += k.day.accounts_reached;
        e.dropped += k.day.dropped;
        e.connects += k.day.connects;
        let u = k.day.unreached();
        if u >= 0.5 && e.worst.is_none_or(|(_, w)| u > w) {
            e.worst = Some((k.day.date, u));
        }
    }
    out
}

/// What review `r`'s campaigns leave at risk and what calling the
/// unreached again would cost (`accounts_at_risk.csv`), in `money`.
fn risk_note(r: &CapacityReview, money: &crate::core::money::Money) -> Markup {
    html! {
        @for ch in crate::review::risk::campaigns(&r.at_risk) {
            @let t = crate::review::risk::totals(&r.at_risk, ch);
            @let more = t.more_attempts_each;
            p {
                strong { (ch) ": " (format!("{:.0}", t.unreached)) " accounts unreached" }
                @if t.priced { ", " strong { (money.format(t.balance_unreached)) } " outstanding" }
                ". Calling each of them up to " (more) " more times a day (within 6 unanswered attempts a day) would take "
                (crate::review::decision::format_hours(t.extra_paid_hours)) " paid agent-hours, " (money.format(t.extra_cost))
                ", and reach about " (format!("{:.0}", t.extra_reached)) " of them"
                @if t.priced { " (" (money.format(t.balance_extra_reached)) " outstanding)" }
                " (estimated from the call model, not simulated; per day: accounts_at_risk.csv)."
            }
        }
    }
}

/// The outbound campaigns' days and the blends, as a review or plan page
/// shows them.
pub fn campaign_table(
    days: &[crate::review::CampaignDay],
    blends: &[crate::plan::BlendOutcome],
) -> Markup {
    html! {
        @for b in blends {
            p {
                "The " (b.blend.inbound) " agents call out on " (b.blend.outbound)
                " when no call waits and at least " strong {
                    @if b.reserve_by_day.iter().all(|x| x.1 == b.blend.reserve) { (b.blend.reserve) }
                    @else { (b.reserve_by_day.iter().map(|(d, r)| format!("{r} on {}", d.strftime("%m-%d"))).collect::<Vec<_>>().join(", ")) }
                }
                " other " (b.blend.inbound) " agents are idle (the reserve chosen by simulation, day by day: the least that adds no missed target and keeps the dialer's drops within its cap): "
                (format!("{:.0}", b.calls_by_blended)) " connected outbound calls handled by them, "
                (format!("{:.0}", b.calls_by_collectors)) " by the collectors (the attempts, connects and drops of each day are in the table below)."
            }
        }
        table {
            tr { th { "campaign" } th { "date" } th { "attempts" } th { "connects" } th { "right party" }
                 th { "dropped (share of answered)" } th { "accounts" } th { "reached" } th { "unreached" } }
            @for c in days {
                @let d = &c.day;
                tr {
                    td { (c.channel) }
                    td { (d.date) }
                    td { (format!("{:.0}", d.attempts)) }
                    td { (format!("{:.0}", d.connects)) }
                    td { (format!("{:.0}", d.right_party)) }
                    td { (format!("{:.1}", d.dropped)) " (" (pct(d.abandon_share())) ")" }
                    td { (format!("{:.0}", d.accounts)) }
                    td { (format!("{:.0}", d.accounts_reached)) }
                    td { (format!("{:.0}", d.unreached())) }
                }
            }
        }
        p class="note" {
            "Means over the replications. An account is called at most its attempts of the day, never after it is reached, never above 3 connected or 6 unanswered calls a day, only inside the contact window; a dropped call is a predictive call answered with no agent free within its wait (capped share). Data: campaigns.csv."
        }
    }
}

/// The recommended fix as the report shows it.
#[derive(Debug, Clone, Copy)]
pub struct FixView<'a> {
    /// The fix.
    pub fix: &'a crate::review::whatif::Fix,
    /// Intervals missing a target before the fix.
    pub misses_before: usize,
    /// The review of the team with the fix.
    pub after: &'a CapacityReview,
}

/// The decision block a report opens with (one look on every page): the
/// verdict, then the options with their cost in `money`, effect and
/// decide-by date, then `note` (what the costs include, where the data
/// is). Drawn on its own background so a screenshot finds it.
pub fn decision_block(
    verdict: &str,
    options: &[crate::core::decision::DecisionOption],
    money: &crate::core::money::Money,
    note: &str,
) -> Markup {
    html! {
        section class="decision" {
            h2 { "The decision" }
            p class="verdict" { (verdict) }
            @if !options.is_empty() {
                table {
                    tr { th { "option" } th { "what it does" } th { "cost (" (money.code) ")" } th { "effect" } th { "decide by" } }
                    @for o in options.iter().take(DECISION_ROWS) {
                        tr {
                            td { (o.option) }
                            td { (o.levers.join("; ")) }
                            td { (money.format(o.cost)) }
                            td { (o.effect) }
                            td class="when" { (o.decide_by) }
                        }
                    }
                }
                @if let Some(cut) = rows_left_out(options.len(), DECISION_ROWS, "decision.csv") {
                    p class="note" { (cut) }
                }
                p class="note" { (note) }
            }
        }
    }
}

/// Options the decision block shows (the earliest first), so that it fits
/// the first screen; the rest are in `decision.csv` and the page says so.
pub const DECISION_ROWS: usize = 5;

/// Rows of the fix's day × channel × shift-type table on the page; the rest
/// are in `fix_summary.csv` (the page says how many).
pub const FIX_ROWS: usize = 40;

/// The capacity review's page: `variants` from `--what-if`, `fix` from
/// `--recommend`.
pub fn capacity_page(
    r: &CapacityReview,
    title: &str,
    variants: &[crate::review::whatif::Comparison],
    decision: &crate::review::decision::Decision,
    fix: Option<FixView<'_>>,
) -> Result<String, ReportError> {
    let money = &decision.money;
    let variant_chart = if variants.is_empty() {
        None
    } else {
        Some(variants_chart(r, variants)?)
    };
    let demand = demand_chart(r)?;
    let heat = shortfall_heatmap(r)?;
    let service = service_chart(r)?;
    let backlog = backlog_chart(r)?;
    let cost: f64 = r.supply.iter().map(|d| d.cost).sum();
    let hours: f64 = r.supply.iter().map(|d| d.paid_hours).sum();
    let fix_totals = fix
        .map(|f| f.fix.roster.by_day_and_type())
        .unwrap_or_default();
    let fix_chart = fix_chart(r, &fix_totals)?;
    let summary: Markup = html! {
        table {
            tr { th { "channel" } th { "service level" } th { "target" } th { "abandoned" }
                 th { "worst day" } th { "worst hour (short)" } th { "agent-hours short" }
                 th { "intervals missing" } th { "backlog peak" } th { "cleared" } }
            @for c in r.channels.iter().filter(|c| !r.campaigns.iter().any(|k| k.channel == c.channel)) {
                @let miss = c.targets.service_level.is_some_and(|t| c.service_level.mean < t);
                @let short = decision.channels.iter().any(|v| v.channel == c.channel && !v.shortfalls.is_empty());
                @let abandons = c.targets.max_abandon.is_some_and(|m| c.abandon_rate.mean > m);
                tr {
                    td class=(if short { "bad" } else { "ok" }) { (c.channel) }
                    td class=(if miss { "bad" } else { "ok" }) { (pct(c.service_level.mean)) " ± " (pct(c.service_level.ci95)) }
                    td { (c.targets.service_level.map_or("–".to_string(), pct)) }
                    td class=(if abandons { "bad" } else { "" }) { (pct(c.abandon_rate.mean)) }
                    td { @if let Some((d, sl)) = c.worst_day { (d) " (" (pct(sl)) ")" } @else { "–" } }
                    td { @if let Some((d, t, n)) = c.worst_interval { (d) " " (format_time(t)) " (" (n) ")" } @else { "–" } }
                    td class=(if c.short_h > 0.0 { "bad" } else { "ok" }) { (crate::review::decision::format_hours(c.short_h)) }
                    td { (c.misses) }
                    td { @if let Some((d, v)) = c.backlog_peak { (format!("{v:.0}")) " on " (d) } @else { "–" } }
                    td { @if let Some(d) = c.backlog_cleared { (d) } @else if c.backlog_peak.is_some() { "not in the review" } @else { "–" } }
                }
            }
            @for CampaignTotal { channel: ch, accounts, reached, dropped, connects, worst } in campaign_totals(r) {
                tr {
                    td class=(if accounts - reached >= 0.5 { "bad" } else { "ok" }) { (ch) " (outbound)" }
                    td { "reached " (pct(if accounts > 0.0 { reached / accounts } else { f64::NAN })) }
                    td { "–" }
                    td { (pct(if connects > 0.0 { dropped / connects } else { 0.0 })) " dropped" }
                    td { @if let Some((d, n)) = worst { (d) " (" (format!("{n:.0}")) " unreached)" } @else { "–" } }
                    @let own = r.channels.iter().find(|c| c.channel == *ch);
                    td { "–" }
                    td class=(if own.is_some_and(|c| c.short_h > 0.0) { "bad" } else { "ok" }) { (own.map_or("–".to_string(), |c| crate::review::decision::format_hours(c.short_h))) }
                    td { (own.map_or("–".to_string(), |c| c.misses.to_string())) }
                    @let risk = crate::review::risk::totals(&r.at_risk, &ch);
                    td class=(if accounts - reached >= 0.5 { "bad" } else { "" }) {
                        (format!("{:.0}", accounts - reached)) " of " (format!("{accounts:.0}")) " accounts unreached"
                        @if risk.priced { ", " (money.format(risk.balance_unreached)) " outstanding" }
                    }
                    td { "–" }
                }
            }
        }
    };
    let body = html! {
            h1 { (title) }
            p class="note" {
                "Capacity review from " (r.from) " to " (r.to) ", " (r.interval_min)
                "-minute intervals. Service is simulated with 95% confidence intervals; an interval "
                "misses a target when the simulation is confidently worse than it."
            }
            (decision_block(&decision.verdict, &decision.options, money,
                "Cost: what the option adds to the team's shifts over the review, with holiday pay. Decide by: the agency's notice before the first day the option staffs. Data: decision.csv."))
            @if !r.supply.is_empty() {
                p { "The team's shifts over the review: " strong { (format!("{hours:.0}")) " paid hours" }
                    ", costing " strong { (money.format(cost)) } " with holiday pay." }
            }
            h2 { "Summary by channel" }
            (summary)
            h2 { "Demand against capacity" }
            figure { (PreEscaped(demand)) figcaption { "Agent-hours the queueing formulas require (red) and the team has on duty (blue), per day; holidays shaded. Data: days.csv." } }
            h2 { "Where we are short" }
            figure { (PreEscaped(heat)) figcaption { "Agents short of the requirement by date and hour, all channels. Data: intervals.csv." } }
            h2 { "Service customers will get" }
            figure { (PreEscaped(service)) figcaption { "Simulated daily service level with its 95% band; the black line is the target. Data: days.csv." } }
            @if !r.campaigns.is_empty() {
                h2 { "Collections campaigns" }
                (campaign_table(&r.campaigns, &r.blends))
                (risk_note(r, money))
            }
            @if let Some(b) = backlog {
                h2 { "Backlog of deferred work" }
                figure { (PreEscaped(b)) figcaption { "Deferred work (" (r.channels.iter().filter(|c| c.backlog_peak.is_some()).map(|c| c.channel.as_str()).collect::<Vec<_>>().join(", ")) ") waiting at the end of each day. Data: days.csv." } }
            }
            @if let Some(chart) = variant_chart {
                h2 { "What-ifs" }
                figure { (PreEscaped(chart)) figcaption { "Simulated service level over the review per channel: the base and each variant, on the same customers (common random numbers). Data: variants.csv." } }
                table {
                    tr { th { "variant" } th { "channel" } th { "service level" } th { "change (paired 95%)" }
                         th { "unpaired 95%" } th { "abandonment change" } th { "agent-hours short" } th { "cost change" } }
                    @for v in variants {
                        tr {
                            td { (v.variant) }
                            td { (v.channel) }
                            td { (pct(v.service_level.mean)) }
                            td class=(if v.paired.mean > 0.0 { "ok" } else if v.paired.mean < 0.0 { "bad" } else { "" }) {
                                (format!("{:+.1} ± {:.1} pts", 100.0 * v.paired.mean, 100.0 * v.paired.ci95)) }
                            td { (format!("± {:.1} pts", 100.0 * v.unpaired_ci95)) }
                            td { (format!("{:+.1} pts", 100.0 * v.abandon_paired.mean)) }
                            td { (format!("{:.0}", v.short_h)) }
                            td { (money.format_change(v.cost_delta)) }
                        }
                    }
                }
            }
            @if let Some(f) = fix {
                @let after_misses = f.after.intervals.iter().filter(|x| x.misses_target).count();
                h2 { "The cheapest fix" }
                p {
                    "Temporary shifts of the rules' types that cover what the team is short of, at least cost with holiday pay: "
                    strong { (money.format(f.fix.cost)) } " for "
                    (f.fix.roster.channels.iter().map(|c| c.shifts.iter().map(|s| s.1).sum::<u32>()).sum::<u32>())
                    " shifts. Simulated with them, the intervals missing a target go from "
                    (f.misses_before) " to " strong { (after_misses) } "."
                    @if f.fix.uncovered > 0 {
                        " " (f.fix.uncovered) " agent-intervals cannot be covered by any shift type of the rules (opening hours, or no shift reaches those hours)."
                    }
                    @if after_misses > 0 && f.fix.uncovered == 0 {
                        " The intervals still missing are confidently short in the simulation although the formulas' requirement is covered: the requirement there is too tight for the simulated customers (abandonment, retries, the backlog of the days before)."
                    }
                }
                @if after_misses > 0 {
                    p { "Still missing a target with the fix (first 20): "
                        (f.after.intervals.iter().filter(|x| x.misses_target).take(20)
                            .map(|x| format!("{} {} {}", x.date, format_time(x.time), x.channel))
                            .collect::<Vec<_>>().join("; ")) "." }
                }
                @if let Some(chart) = &fix_chart {
                    figure { (PreEscaped(chart)) figcaption { "Temporary shifts the fix buys, per day and channel. Data: fix_summary.csv (each shift with its breaks: fix.csv)." } }
                }
                @if !fix_totals.is_empty() {
                    table {
                        tr { th { "date" } th { "channel" } th { "shift type" } th { "shifts" } th { "paid hours" } th { "cost (" (money.code) ")" } }
                        @for t in fix_totals.iter().take(FIX_ROWS) {
                            tr { td { (t.date) } td { (t.channel) } td { (t.shift) } td { (t.agents) }
                                 td { (format!("{:.0}", t.paid_hours)) } td { (money.format(t.cost)) } }
                        }
                    }
                    @if let Some(cut) = rows_left_out(fix_totals.len(), FIX_ROWS, "fix_summary.csv") {
                        p class="note" { (cut) }
                    }
                }
            }
            p class="note" { "Written by wfm. Files beside this page: intervals.csv, days.csv, available.csv, supply.csv, variants.csv, fix.csv, campaigns.csv, team_roster.csv, decision.csv, fix_summary.csv, accounts_at_risk.csv." }
    };
    Ok(page(title, body))
}

mod capacity_plan;
mod named_roster;
mod plan;
pub use capacity_plan::{
    capacity_plan_page, classes_chart, flow_chart, fte_chart, plan_variants_chart,
};
pub use named_roster::{hours_chart, roster_page};
pub use plan::{group_plan_page, plan_page};

/// The line under a table cut to `shown` of its `total` rows: how many are
/// left out and the CSV that has them all (`None` when nothing is cut).
pub fn rows_left_out(total: usize, shown: usize, csv: &str) -> Option<String> {
    (total > shown).then(|| {
        format!(
            "{} more row(s) not shown, {total} in all: {csv} has every row.",
            total - shown
        )
    })
}

#[cfg(test)]
mod rows_left_out_tests {
    #[test]
    fn a_cut_table_says_how_many_rows_are_left_out() {
        assert_eq!(super::rows_left_out(30, 30, "x.csv"), None);
        assert_eq!(
            super::rows_left_out(103, 30, "capacity.csv").as_deref(),
            Some("73 more row(s) not shown, 103 in all: capacity.csv has every row.")
        );
    }
}

#[cfg(test)]
mod channel_colour_tests {
    use super::channel_colour;

    #[test]
    fn a_channel_has_one_colour_on_every_page() {
        assert_eq!(channel_colour("phone").1, "blue");
        assert_eq!(channel_colour("chat").1, "green");
        assert_eq!(channel_colour("email").1, "purple");
        // Any other name: the same colour every time, never red.
        let a = channel_colour("fraud_desk");
        assert_eq!(a, channel_colour("fraud_desk"));
        for n in ["x", "voice_flex", "digital", "票务"] {
            assert_ne!(channel_colour(n).1, "red");
        }
    }
}
