//! The capacity review's charts: demand against capacity, the shortfall
//! heat map, the service, the backlog and the what-ifs.

use super::*;

/// Daily demand (required agent-hours) against available capacity, one
/// panel per channel, with the holiday shaded.
pub fn demand_chart(r: &CapacityReview) -> Result<String, ReportError> {
    let days = day_axis(r);
    let channels: Vec<&str> = r.channels.iter().map(|c| c.channel.as_str()).collect();
    let h = 220 * channels.len().max(1) as u32;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("demand"))?;
        let panels = root.split_evenly((channels.len().max(1), 1));
        for (panel, ch) in panels.iter().zip(&channels) {
            let mine: Vec<&DayReview> = r.days.iter().filter(|d| d.channel == *ch).collect();
            let top = mine
                .iter()
                .map(|d| d.required_h.max(d.available_h))
                .fold(1.0, f64::max)
                * 1.1;
            let n = days.len().max(1) as f64;
            let mut chart = chart_on(
                panel,
                "demand",
                format!("{ch}: agent-hours required (red) and available (blue) per day"),
                -0.5..n - 0.5,
                0.0..top,
                52,
            )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(days.len().min(14))
                .x_label_formatter(&|x| label(&days, *x))
                .y_desc("agent-hours")
                .draw()
                .map_err(chart_err("demand"))?;
            // Holiday shading.
            chart
                .draw_series(r.days_off.iter().filter_map(|d| {
                    let i = days.iter().position(|x| x == d)? as f64;
                    Some(Rectangle::new(
                        [(i - 0.5, 0.0), (i + 0.5, top)],
                        RGBColor(255, 236, 179).filled(),
                    ))
                }))
                .map_err(chart_err("demand"))?;
            let pos = |d: &DayReview| days.iter().position(|x| *x == d.date).unwrap_or(0) as f64;
            chart
                .draw_series(LineSeries::new(
                    mine.iter().map(|d| (pos(d), d.required_h)),
                    PALETTE[1].stroke_width(2),
                ))
                .map_err(chart_err("demand"))?;
            chart
                .draw_series(LineSeries::new(
                    mine.iter().map(|d| (pos(d), d.available_h)),
                    PALETTE[0].stroke_width(2),
                ))
                .map_err(chart_err("demand"))?;
        }
        root.present().map_err(chart_err("demand"))?;
    }
    Ok(s)
}

/// The shortfall by date and hour of day (agents short, summed over the
/// channels, averaged over the hour's intervals): a heatmap.
pub fn shortfall_heatmap(r: &CapacityReview) -> Result<String, ReportError> {
    let days = day_axis(r);
    let per_hour = (60 / r.interval_min.clamp(1, 60)).max(1) as f64;
    let mut cells: BTreeMap<(usize, u32), f64> = BTreeMap::new();
    for row in &r.intervals {
        if let Some(i) = days.iter().position(|d| *d == row.date) {
            *cells.entry((i, row.time.hour() as u32)).or_default() +=
                f64::from(row.short) / per_hour;
        }
    }
    let most = cells.values().copied().fold(0.0, f64::max);
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("heatmap"))?;
        let n = days.len().max(1) as f64;
        let mut chart = chart_on(
            &root,
            "heatmap",
            format!("agents short by date and hour (darkest: {most:.0} short)"),
            -0.5..n - 0.5,
            0.0..24.0,
            40,
        )?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(days.len().min(14))
            .x_label_formatter(&|x| label(&days, *x))
            .y_labels(13)
            .y_label_formatter(&|y| format!("{:02}:00", *y as u32))
            .draw()
            .map_err(chart_err("heatmap"))?;
        chart
            .draw_series(cells.iter().map(|(&(i, hour), &v)| {
                let t = if most > 0.0 { v / most } else { 0.0 };
                let c = if v <= 0.0 {
                    RGBColor(240, 248, 240)
                } else {
                    RGBColor(
                        255,
                        (220.0 * (1.0 - t)) as u8 + 20,
                        (200.0 * (1.0 - t)) as u8 + 10,
                    )
                };
                let x = i as f64;
                let y = f64::from(hour);
                Rectangle::new([(x - 0.5, y), (x + 0.5, y + 1.0)], c.filled())
            }))
            .map_err(chart_err("heatmap"))?;
        root.present().map_err(chart_err("heatmap"))?;
    }
    Ok(s)
}

/// Daily simulated service level with its 95% band, against the target,
/// one panel per channel with a service-level target.
pub fn service_chart(r: &CapacityReview) -> Result<String, ReportError> {
    let days = day_axis(r);
    let chans: Vec<_> = r
        .channels
        .iter()
        .filter(|c| c.targets.service_level.is_some())
        .collect();
    let h = 200 * chans.len().max(1) as u32;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("service"))?;
        let panels = root.split_evenly((chans.len().max(1), 1));
        for (panel, c) in panels.iter().zip(&chans) {
            let target = c.targets.service_level.unwrap_or(0.0);
            let n = days.len().max(1) as f64;
            let mut chart = chart_on(
                panel,
                "service",
                format!(
                    "{}: daily service level (95% band) against the {:.0}% target",
                    c.channel,
                    100.0 * target
                ),
                -0.5..n - 0.5,
                0.0..1.0,
                52,
            )?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(days.len().min(14))
                .x_label_formatter(&|x| label(&days, *x))
                .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
                .draw()
                .map_err(chart_err("service"))?;
            let pts: Vec<(f64, f64, f64)> = r
                .days
                .iter()
                .filter(|d| d.channel == c.channel && d.service_level.mean.is_finite())
                .filter_map(|d| {
                    let i = days.iter().position(|x| *x == d.date)? as f64;
                    let hw = if d.service_level.ci95.is_finite() {
                        d.service_level.ci95
                    } else {
                        0.0
                    };
                    Some((i, d.service_level.mean, hw))
                })
                .collect();
            let color = channel_colour(&c.channel).0;
            let band: Vec<(f64, f64)> = pts
                .iter()
                .map(|p| (p.0, (p.1 + p.2).min(1.0)))
                .chain(pts.iter().rev().map(|p| (p.0, (p.1 - p.2).max(0.0))))
                .collect();
            if band.len() >= 3 {
                chart
                    .draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))
                    .map_err(chart_err("service"))?;
            }
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.0, p.1)),
                    color.stroke_width(2),
                ))
                .map_err(chart_err("service"))?;
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, target), (n - 0.5, target)],
                    BLACK.stroke_width(1),
                ))
                .map_err(chart_err("service"))?;
        }
        root.present().map_err(chart_err("service"))?;
    }
    Ok(s)
}

/// The deferred backlog at the end of each day, one line per channel that
/// has any.
pub fn backlog_chart(r: &CapacityReview) -> Result<Option<String>, ReportError> {
    let days = day_axis(r);
    let chans: Vec<&str> = r
        .channels
        .iter()
        .filter(|c| c.backlog_peak.is_some())
        .map(|c| c.channel.as_str())
        .collect();
    if chans.is_empty() {
        return Ok(None);
    }
    let top = r
        .days
        .iter()
        .filter(|d| d.backlog.mean.is_finite())
        .map(|d| d.backlog.mean)
        .fold(1.0, f64::max)
        * 1.1;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("backlog"))?;
        let n = days.len().max(1) as f64;
        let mut chart = chart_on(
            &root,
            "backlog",
            format!(
                "deferred work waiting at the end of each day: {}",
                channel_legend(&chans)
            ),
            -0.5..n - 0.5,
            0.0..top,
            52,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(days.len().min(14))
            .x_label_formatter(&|x| label(&days, *x))
            .y_desc("contacts")
            .draw()
            .map_err(chart_err("backlog"))?;
        for ch in &chans {
            chart
                .draw_series(LineSeries::new(
                    r.days.iter().filter(|d| d.channel == *ch).filter_map(|d| {
                        let i = days.iter().position(|x| *x == d.date)? as f64;
                        d.backlog.mean.is_finite().then_some((i, d.backlog.mean))
                    }),
                    channel_colour(ch).0.stroke_width(2),
                ))
                .map_err(chart_err("backlog"))?;
        }
        root.present().map_err(chart_err("backlog"))?;
    }
    Ok(Some(s))
}

/// Service level per channel for the base and every variant, as bars.
pub fn variants_chart(
    r: &CapacityReview,
    variants: &[crate::review::whatif::Comparison],
) -> Result<String, ReportError> {
    let mut names: Vec<String> = vec!["base".to_string()];
    for v in variants {
        if !names.contains(&v.variant) {
            names.push(v.variant.clone());
        }
    }
    let channels: Vec<&str> = r.channels.iter().map(|c| c.channel.as_str()).collect();
    let value = |name: &str, ch: &str| -> f64 {
        if name == "base" {
            r.channels
                .iter()
                .find(|c| c.channel == ch)
                .map_or(f64::NAN, |c| c.service_level.mean)
        } else {
            variants
                .iter()
                .find(|v| v.variant == name && v.channel == ch)
                .map_or(f64::NAN, |v| v.service_level.mean)
        }
    };
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("variants"))?;
        let n = names.len() as f64;
        let mut chart = chart_on(
            &root,
            "variants",
            format!(
                "service level per channel, base and variants: {}",
                channel_legend(&channels)
            ),
            -0.5..n - 0.5,
            0.0..1.0,
            52,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(names.len())
            .x_label_formatter(&|x| index_label(&names, *x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .draw()
            .map_err(chart_err("variants"))?;
        let k = channels.len().max(1) as f64;
        let width = 0.8 / k;
        for (ci, ch) in channels.iter().enumerate() {
            let color = channel_colour(ch).0;
            chart
                .draw_series(names.iter().enumerate().filter_map(|(i, name)| {
                    let v = value(name, ch);
                    if !v.is_finite() {
                        return None;
                    }
                    let x0 = i as f64 - 0.4 + width * ci as f64;
                    Some(Rectangle::new(
                        [(x0, 0.0), (x0 + width * 0.9, v)],
                        color.filled(),
                    ))
                }))
                .map_err(chart_err("variants"))?;
        }
        root.present().map_err(chart_err("variants"))?;
    }
    Ok(s)
}

/// The cheapest fix's shifts per day, stacked by channel in the channels'
/// colours ([`channel_colour`]); `None` when the fix buys nothing.
pub fn fix_chart(
    r: &CapacityReview,
    totals: &[crate::optimize::schedule::ShiftTotal],
) -> Result<Option<String>, ReportError> {
    if totals.is_empty() {
        return Ok(None);
    }
    let days = day_axis(r);
    let mut channels: Vec<&str> = totals.iter().map(|t| t.channel.as_str()).collect();
    channels.sort();
    channels.dedup();
    let mut per_day = vec![0u32; days.len()];
    for t in totals {
        if let Some(i) = days.iter().position(|d| *d == t.date) {
            per_day[i] += t.agents;
        }
    }
    let top = f64::from(per_day.iter().copied().max().unwrap_or(1).max(1)) * 1.15;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err("fix"))?;
        let n = days.len().max(1) as f64;
        let mut chart = chart_on(
            &root,
            "fix",
            format!(
                "temporary shifts bought per day: {}",
                channel_legend(&channels)
            ),
            -0.5..n - 0.5,
            0.0..top,
            44,
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(days.len().min(14))
            .x_label_formatter(&|x| label(&days, *x))
            .y_desc("shifts")
            .draw()
            .map_err(chart_err("fix"))?;
        let mut base = vec![0u32; days.len()];
        for ch in &channels {
            let colour = channel_colour(ch).0;
            let mut bars = Vec::new();
            for (i, d) in days.iter().enumerate() {
                let n: u32 = totals
                    .iter()
                    .filter(|t| t.channel == *ch && t.date == *d)
                    .map(|t| t.agents)
                    .sum();
                if n > 0 {
                    let (y0, y1) = (f64::from(base[i]), f64::from(base[i] + n));
                    bars.push(Rectangle::new(
                        [(i as f64 - 0.38, y0), (i as f64 + 0.38, y1)],
                        colour.filled(),
                    ));
                    base[i] += n;
                }
            }
            chart.draw_series(bars).map_err(chart_err("fix"))?;
        }
        root.present().map_err(chart_err("fix"))?;
    }
    Ok(Some(s))
}
