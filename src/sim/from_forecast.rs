//! A simulation from planning data: a forecast, a staffing table and the
//! channel settings.

use std::collections::HashMap;

use jiff::civil::{Date, Time};

use super::{ChannelSpec, GroupSpec, SimBuilder, StaffingRow, StaffingTable};
use crate::core::input::InputError;
use crate::core::textio::format_time;
use crate::demand::forecast::Forecast;
use crate::models::channels::ChannelBook;

/// Most intervals a simulation built from a forecast may span (from its
/// first row to its last): ten million, 570 years of 30-minute intervals.
/// The work itself is bounded by [`crate::sim::SimLimits`].
pub const MAX_SIM_INTERVALS: u64 = 10_000_000;

/// The interval grid of a forecast: every interval from its first row's
/// start to its last row's, as labels. Errors when the span exceeds
/// [`MAX_SIM_INTERVALS`], naming the rows at both ends.
pub fn forecast_grid(f: &Forecast) -> Result<Vec<(Date, Time)>, InputError> {
    let im = i64::from(f.interval_min.max(1));
    let key = |d: Date, t: Time| d.to_datetime(t);
    let (Some(first), Some(last)) = (
        f.rows.iter().min_by_key(|r| key(r.date, r.time)),
        f.rows.iter().max_by_key(|r| key(r.date, r.time)),
    ) else {
        return Ok(Vec::new());
    };
    let (a, b) = (key(first.date, first.time), key(last.date, last.time));
    let days = f64::from((b.date() - a.date()).get_days());
    let minutes = days * 1440.0 + f64::from(crate::core::textio::minute_of_day(b.time()))
        - f64::from(crate::core::textio::minute_of_day(a.time()));
    let intervals = minutes / im as f64 + 1.0;
    if intervals > MAX_SIM_INTERVALS as f64 {
        return Err(InputError::at(
            "forecast",
            last.line,
            format!(
                "the rows run from {} {} (line {}) to {} {}: {intervals:.3e} intervals, more than the {MAX_SIM_INTERVALS} a simulation may span",
                first.date,
                format_time(first.time),
                first.line,
                last.date,
                format_time(last.time)
            ),
        ));
    }
    let mut out = Vec::with_capacity(intervals as usize);
    let mut at = a;
    while at <= b {
        out.push((at.date(), at.time()));
        match at.checked_add(jiff::Span::new().minutes(im)) {
            Ok(n) => at = n,
            Err(_) => break,
        }
    }
    Ok(out)
}

/// A builder for simulating `forecast` with `staffing` under the channel
/// settings of `book`: channels from the forecast (sorted by name), groups
/// from the book's `[group.NAME]` tables or one per channel, agents from the
/// staffing table. Staffing rows for intervals or groups the simulation does
/// not have are errors naming `staffing_source` and the line; intervals the
/// table does not list have no agents.
pub fn from_forecast(
    forecast: &Forecast,
    staffing: &StaffingTable,
    book: &ChannelBook,
    staffing_source: &str,
) -> Result<SimBuilder, InputError> {
    let im = forecast.interval_min;
    let grid = forecast_grid(forecast)?;
    let n = grid.len();
    let pos: HashMap<(Date, Time), usize> = grid.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut names: Vec<String> = forecast.rows.iter().map(|r| r.channel.clone()).collect();
    names.sort();
    names.dedup();
    let mut b = SimBuilder::new(im, n).labels(grid.clone());
    let mut resolved = Vec::new();
    for name in &names {
        let ch = book.resolve(name)?;
        let mut volumes = vec![0.0; n];
        let mut aht = vec![f64::NAN; n];
        let mut pat = vec![ch.patience_s; n];
        for r in forecast.rows.iter().filter(|r| &r.channel == name) {
            let i = pos[&(r.date, r.time)];
            volumes[i] = r.volume;
            aht[i] = r.aht_s;
            if r.patience_s.is_some() {
                pat[i] = r.patience_s;
            }
        }
        // A channel a group blends: its volume is the call list, nothing arrives.
        // Without group tables a campaign's own group is its collectors,
        // calling out whenever free (reserve 0).
        let blended = book
            .file
            .group
            .values()
            .any(|g| g.blend.as_deref() == Some(name.as_str()))
            || (book.file.group.is_empty() && ch.outbound.is_some());
        if ch.outbound.is_some() && !blended {
            // Its volume is attempts: simulated as arrivals it would be wrong.
            return Err(InputError::at_key(
                &book.source,
                format!("[channel.{name}] outbound"),
                format!(
                    "an outbound campaign is simulated only by a group that blends it ([group.NAME] channels = [..., \"{name}\"], blend = \"{name}\"; a group of collectors blends it with reserve 0)"
                ),
            ));
        }
        if let (true, Some(camp)) = (blended, ch.outbound) {
            b = b.campaign(name, camp);
        }
        if blended {
            let list: Vec<u32> = volumes.iter().map(|v| v.round().max(0.0) as u32).collect();
            b = b.call_list(name, list);
            volumes.iter_mut().for_each(|v| *v = 0.0);
        }
        // Intervals without a row: the channel's mean handle time.
        let known: Vec<f64> = aht
            .iter()
            .copied()
            .filter(|a| a.is_finite() && *a > 0.0)
            .collect();
        let fill = if known.is_empty() {
            300.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        aht.iter_mut()
            .filter(|a| !(a.is_finite() && **a > 0.0))
            .for_each(|a| *a = fill);
        b = b.channel(ChannelSpec {
            name: name.clone(),
            kind: ch.kind,
            volumes,
            aht_s: aht,
            patience_s: pat,
            containment: ch.containment,
            answer_within_s: ch.targets.answer_within_s,
            sl_definition: ch.targets.sl_definition,
            sim: ch.sim.clone(),
        });
        resolved.push(ch);
    }
    let groups: Vec<(String, Vec<String>, u32)> = if book.file.group.is_empty() {
        resolved
            .iter()
            .map(|c| (c.name.clone(), vec![c.name.clone()], c.concurrency))
            .collect()
    } else {
        book.file
            .group
            .iter()
            .map(|(g, s)| {
                let chans: Vec<String> = s
                    .channels
                    .iter()
                    .filter(|c| names.contains(c))
                    .cloned()
                    .collect();
                (g.clone(), chans, s.concurrency.unwrap_or(1))
            })
            .collect()
    };
    let mut agents: Vec<Vec<u32>> = vec![vec![0; n]; groups.len()];
    for StaffingRow {
        date: d,
        time: t,
        group: g,
        agents: a,
        line,
    } in &staffing.rows
    {
        let Some(gi) = groups.iter().position(|x| &x.0 == g) else {
            return Err(InputError::at(
                staffing_source,
                *line,
                format!(
                    "unknown group {g:?}: the simulation's groups are {}",
                    groups
                        .iter()
                        .map(|x| x.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let Some(&i) = pos.get(&(*d, *t)) else {
            return Err(InputError::at(
                staffing_source,
                *line,
                format!(
                    "{d} {} is outside the forecast's intervals",
                    format_time(*t)
                ),
            ));
        };
        agents[gi][i] = *a;
    }
    book.file.check_overflow(&book.source)?;
    if book.file.group.is_empty() {
        for c in resolved.iter().filter(|c| c.outbound.is_some()) {
            b = b.blend(&c.name, &c.name, 0);
        }
    }
    for ((name, chans, k), ag) in groups.into_iter().zip(agents) {
        if let Some(g) = book.file.group.get(&name) {
            b = b.overflow_from(&name, &g.overflow_from);
            if let Some(c) = &g.blend {
                b = b.blend(&name, c, g.reserve.unwrap_or(0));
            }
        }
        b = b.group(GroupSpec {
            name,
            channels: chans,
            concurrency: k,
            agents: ag,
        });
    }
    Ok(b)
}
