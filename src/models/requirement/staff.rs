//! A forecast staffed row by row: each channel's model and targets applied
//! to every interval (Erlang C/A, chat, deferred work, outbound dialers).

use super::*;

/// Staffs every row of a forecast: agents, FTE and metrics per row, in the
/// order of the input. `model` overrides every channel's model; without it a
/// channel uses its `model` setting, else Erlang A where a patience is known
/// (row column or channel setting) and Erlang C otherwise. Rows with zero
/// volume get zero agents. Deferred channels are staffed over each channel's
/// rows in time order with [`deferred_requirement`]. A channel with an
/// `outbound` campaign is staffed by its dialer model
/// ([`crate::models::dialer::staff_campaign`]): the volume is attempts, `aht_s` in
/// the output the agent seconds of an attempt, `service_level` the share of
/// answered calls connected within the campaign's wait, `abandon_rate` its
/// complement.
///
/// Errors name `source` (the forecast file), the row's line and the channel.
pub fn staff_forecast(
    forecast: &Forecast,
    book: &ChannelBook,
    model: Option<Model>,
    source: &str,
) -> Result<Vec<StaffRow>, InputError> {
    let mut channels: HashMap<&str, Channel> = HashMap::new();
    for r in &forecast.rows {
        if !channels.contains_key(r.channel.as_str()) {
            channels.insert(&r.channel, book.resolve(&r.channel)?);
        }
    }
    let interval_min = forecast.interval_min as f64;
    let row_err = |line: u64, ch: &str, e: StaffingError| {
        let msg = format!("channel {ch}: {e}");
        if line > 0 {
            InputError::at(source, line, msg)
        } else {
            InputError::file(source, msg)
        }
    };
    // Outbound campaigns: each distinct (channel, attempts) once (a
    // collections forecast spreads a day's attempts evenly: one search a
    // day instead of one an interval), in parallel.
    let mut keys: Vec<(&str, u64, u64)> = forecast
        .rows
        .iter()
        .filter(|r| channels[r.channel.as_str()].outbound.is_some())
        .map(|r| (r.channel.as_str(), r.volume.to_bits(), r.line))
        .collect();
    keys.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.cmp(&b.2)));
    keys.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let dialed: HashMap<(&str, u64), crate::models::dialer::DialerStaffing> = keys
        .par_iter()
        .map(|&(name, bits, line)| {
            let c = channels[name].outbound.as_ref().expect("outbound");
            crate::models::dialer::staff_campaign(f64::from_bits(bits), forecast.interval_min, c)
                .map(|d| ((name, bits), d))
                .map_err(|e| {
                    let msg = format!("channel {name}: {e}");
                    if line > 0 {
                        InputError::at(source, line, msg)
                    } else {
                        InputError::file(source, msg)
                    }
                })
        })
        .collect::<Result<_, _>>()?;
    let mut out: Vec<Option<StaffRow>> = forecast
        .rows
        .par_iter()
        .map(|r| {
            let ch = &channels[r.channel.as_str()];
            if ch.kind == ChannelKind::Deferred {
                return Ok(None);
            }
            if let Some(c) = &ch.outbound {
                // An outbound campaign: the volume is attempts.
                let d = dialed[&(r.channel.as_str(), r.volume.to_bits())];
                return Ok(Some(StaffRow {
                    date: r.date,
                    time: r.time,
                    channel: r.channel.clone(),
                    volume: r.volume,
                    aht_s: c.agent_s_per_attempt(),
                    agents: d.agents,
                    fte: fte(d.agents, ch.shrinkage),
                    service_level: 1.0 - d.abandon,
                    asa_s: 0.0,
                    p_wait: 0.0,
                    abandon_rate: d.abandon,
                    occupancy: d.occupancy,
                    load_erl: d.work_s / (interval_min * 60.0),
                    model: StaffModel::Dialer(c.mode),
                }));
            }
            let work = Workload {
                volume: r.volume,
                aht_s: if r.volume > 0.0 {
                    r.aht_s
                } else {
                    r.aht_s.max(1.0)
                },
                interval_min,
                patience_s: r.patience_s.or(ch.patience_s),
                containment: ch.containment,
                concurrency: ch.concurrency,
            };
            let m_used = model.or(ch.model).unwrap_or(if work.patience_s.is_some() {
                Model::ErlangA
            } else {
                Model::ErlangC
            });
            let m = required_agents(&work, m_used, &ch.targets)
                .map_err(|e| row_err(r.line, &r.channel, e))?;
            Ok(Some(StaffRow {
                date: r.date,
                time: r.time,
                channel: r.channel.clone(),
                volume: r.volume,
                aht_s: r.aht_s,
                agents: m.agents,
                fte: fte(m.agents, ch.shrinkage),
                service_level: m.service_level,
                asa_s: m.asa_s,
                p_wait: m.p_wait,
                abandon_rate: m.abandon_rate,
                occupancy: m.occupancy,
                load_erl: work.load_erl(),
                model: StaffModel::from(m_used),
            }))
        })
        .collect::<Result<_, InputError>>()?;

    // Deferred channels: each channel's rows in time order form its series.
    let mut series: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in forecast.rows.iter().enumerate() {
        if channels[r.channel.as_str()].kind == ChannelKind::Deferred {
            series.entry(&r.channel).or_default().push(i);
        }
    }
    for (name, mut idx) in series {
        let ch = &channels[name];
        idx.sort_by_key(|&i| (forecast.rows[i].date, forecast.rows[i].time));
        let work: Vec<DeferredInterval> = idx
            .iter()
            .map(|&i| DeferredInterval {
                volume: forecast.rows[i].volume * (1.0 - ch.containment),
                aht_s: forecast.rows[i].aht_s,
            })
            .collect();
        let window_s = ch.targets.answer_within_s;
        let plan = deferred_requirement(
            &work,
            interval_min,
            window_s,
            ch.targets.max_occupancy.unwrap_or(1.0),
        );
        let d = ((window_s / (interval_min * 60.0)).floor()).max(1.0);
        for (&i, p) in idx.iter().zip(plan) {
            let r = &forecast.rows[i];
            let has_work = r.volume > 0.0;
            out[i] = Some(StaffRow {
                date: r.date,
                time: r.time,
                channel: r.channel.clone(),
                volume: r.volume,
                aht_s: r.aht_s,
                agents: p.agents,
                fte: fte(p.agents, ch.shrinkage),
                service_level: 1.0,
                asa_s: if has_work {
                    d * interval_min * 60.0 / 2.0
                } else {
                    0.0
                },
                p_wait: if has_work { 1.0 } else { 0.0 },
                abandon_rate: 0.0,
                occupancy: p.occupancy,
                load_erl: p.work_s / (interval_min * 60.0),
                model: StaffModel::Deferred,
            });
        }
    }
    Ok(out
        .into_iter()
        .map(|r| r.expect("every row staffed"))
        .collect())
}
