//! What a run gives: every replication condensed, summaries, and their CSV.

use std::io::Write;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::stats::{self, Cell, SimMetrics, METRICS};
use super::Replication;
use crate::core::textio::format_time;
use crate::models::erlang::SlDefinition;

/// The results of a run: every replication, condensed, and summaries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimResult {
    /// Channel names, in index order.
    pub channels: Vec<String>,
    /// Interval labels.
    pub labels: Vec<(Date, Time)>,
    /// The replications, in index order.
    pub replications: Vec<Replication>,
    /// Day spans `(first interval, end)` of the labels, then the whole run.
    pub periods: Vec<(usize, usize)>,
    pub(super) groups_of: Vec<Vec<usize>>,
    pub(super) sl: Vec<SlDefinition>,
    /// Group names, in index order.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// One day of an outbound campaign (see [`SimResult::campaign_days`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDayResult {
    /// Date.
    pub date: Date,
    /// Attempts made (mean over replications).
    pub attempts: f64,
    /// Connects: attempts answered by a person, the right party or not
    /// (with a predictive dialer, also those dropped for want of an agent).
    #[serde(default)]
    pub connects: f64,
    /// Right-party contacts: attempts answered by the right party (with a
    /// predictive dialer, also those dropped).
    pub right_party: f64,
    /// Accounts reached: an agent talked to the right party (once each).
    pub accounts_reached: f64,
    /// Accounts on the day's list.
    pub accounts: f64,
    /// Predictive: answered calls dropped with no agent within
    /// `answer_wait_s` (silent calls).
    #[serde(default)]
    pub dropped: f64,
}

impl CampaignDayResult {
    /// Accounts on the day's list not reached.
    pub fn unreached(&self) -> f64 {
        (self.accounts - self.accounts_reached).max(0.0)
    }

    /// Predictive abandonment: dropped calls over connects (answered
    /// calls; 0 with none), the share the regulator caps.
    pub fn abandon_share(&self) -> f64 {
        if self.connects > 0.0 {
            self.dropped / self.connects
        } else {
            0.0
        }
    }
}

/// One day of an outbound campaign, with its channel
/// ([`SimResult::campaigns`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDay {
    /// The outbound channel.
    pub channel: String,
    /// What the simulation made of the day's list.
    pub day: CampaignDayResult,
}

/// Where a summary row belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Period {
    /// One interval.
    Interval(Date, Time),
    /// One day.
    Day(Date),
    /// The whole run.
    All,
}

/// A summary row: a channel over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimRow {
    /// The period.
    pub period: Period,
    /// Channel name.
    pub channel: String,
    /// Its metrics.
    pub metrics: SimMetrics,
}

impl SimResult {
    /// Contacts of each channel answered (or called back) by group `g`
    /// over the whole run, mean over replications, in channel order; `None`
    /// for an unknown group.
    pub fn served_by(&self, g: usize) -> Option<Vec<f64>> {
        if g >= self.groups.len() {
            return None;
        }
        let nc = self.channels.len();
        let r = self.replications.len().max(1) as f64;
        Some(
            (0..nc)
                .map(|c| {
                    self.replications
                        .iter()
                        .map(|rep| f64::from(rep.served.get(g * nc + c).copied().unwrap_or(0)))
                        .sum::<f64>()
                        / r
                })
                .collect(),
        )
    }

    /// An outbound campaign's days on channel `c`: per date, the means over
    /// replications of attempts, connected calls, accounts reached and
    /// accounts on the day's list (empty for a channel without a campaign).
    pub fn campaign_days(&self, c: usize) -> Vec<CampaignDayResult> {
        let nc = self.channels.len();
        let r = self.replications.len().max(1) as f64;
        let mut out: Vec<CampaignDayResult> = Vec::new();
        for (i, &(d, _)) in self.labels.iter().enumerate() {
            let (mut att, mut con, mut rea, mut pla, mut dro, mut ans) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for rep in &self.replications {
                let k = i * nc + c;
                att += rep.cells.get(k).map_or(0.0, |x| f64::from(x.offered));
                if let Some(v) = rep.campaign.get(k) {
                    con += f64::from(v[0]);
                    rea += f64::from(v[1]);
                    pla += f64::from(v[2]);
                    dro += f64::from(v[3]);
                    ans += f64::from(v[4]);
                }
            }
            if out.last().is_none_or(|x| x.date != d) {
                out.push(CampaignDayResult {
                    date: d,
                    attempts: 0.0,
                    connects: 0.0,
                    right_party: 0.0,
                    accounts_reached: 0.0,
                    accounts: 0.0,
                    dropped: 0.0,
                });
            }
            let x = out.last_mut().expect("pushed");
            x.attempts += att / r;
            x.right_party += con / r;
            x.connects += ans / r;
            x.accounts_reached += rea / r;
            x.accounts += pla / r;
            x.dropped += dro / r;
        }
        if out.iter().all(|x| x.accounts == 0.0) {
            return Vec::new();
        }
        out
    }

    /// Every outbound campaign's days ([`SimResult::campaign_days`]), in
    /// channel order.
    pub fn campaigns(&self) -> Vec<CampaignDay> {
        (0..self.channels.len())
            .flat_map(|c| {
                self.campaign_days(c)
                    .into_iter()
                    .map(move |day| CampaignDay {
                        channel: self.channels[c].clone(),
                        day,
                    })
            })
            .collect()
    }

    /// The index of channel `name`, if simulated.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c == name)
    }

    /// The index of the interval starting at `date` `time`, if simulated.
    pub fn interval_index(&self, date: Date, time: Time) -> Option<usize> {
        self.labels.binary_search(&(date, time)).ok()
    }

    /// Metrics of channel `name` in the interval starting at `date` `time`.
    pub fn interval_at(&self, name: &str, date: Date, time: Time) -> Option<SimMetrics> {
        self.interval(self.channel_index(name)?, self.interval_index(date, time)?)
    }

    /// Metrics of channel `c` in interval `i`; `None` when either is out of range.
    pub fn interval(&self, c: usize, i: usize) -> Option<SimMetrics> {
        if i >= self.labels.len() {
            return None;
        }
        let nc = self.channels.len();
        let (groups, sl) = (self.groups_of.get(c)?, *self.sl.get(c)?);
        Some(stats::summarize(
            &self.replications,
            c,
            i,
            i + 1,
            groups,
            sl,
            &|r| {
                r.interval_pct
                    .get(i * nc + c)
                    .copied()
                    .unwrap_or([f64::NAN; 2])
            },
        ))
    }

    /// Metrics of channel `c` over intervals `a..b` (no wait percentiles
    /// unless the span is one interval, a day or the whole run; all NaN for
    /// an empty span); `None` when `c` or the span is out of range.
    pub fn span(&self, c: usize, a: usize, b: usize) -> Option<SimMetrics> {
        if b > self.labels.len() || a > b {
            return None;
        }
        let nc = self.channels.len();
        let (groups, sl) = (self.groups_of.get(c)?, *self.sl.get(c)?);
        let p = self.periods.iter().position(|&x| x == (a, b));
        let get = |v: &Vec<[f64; 2]>, k: usize| v.get(k).copied().unwrap_or([f64::NAN; 2]);
        Some(stats::summarize(
            &self.replications,
            c,
            a,
            b,
            groups,
            sl,
            &|r| match p {
                Some(p) => get(&r.period_pct, p * nc + c),
                None if b == a + 1 => get(&r.interval_pct, a * nc + c),
                None => [f64::NAN; 2],
            },
        ))
    }

    /// Service level and abandonment rate of every replication of channel
    /// `c` over intervals `a..b`, in replication order (for paired
    /// comparisons); `None` when out of range.
    pub fn replication_values(&self, c: usize, a: usize, b: usize) -> Option<Vec<[f64; 2]>> {
        if b > self.labels.len() || a > b {
            return None;
        }
        let sl = *self.sl.get(c)?;
        Some(stats::replication_values(&self.replications, c, a, b, sl))
    }

    /// Metrics of channel `c` over the whole run.
    pub fn summary_all(&self, c: usize) -> Option<SimMetrics> {
        self.span(c, 0, self.labels.len())
    }

    /// One row per interval and channel.
    pub fn interval_rows(&self) -> Vec<SimRow> {
        let mut out = Vec::new();
        for (i, &(d, t)) in self.labels.iter().enumerate() {
            for (c, name) in self.channels.iter().enumerate() {
                if let Some(metrics) = self.interval(c, i) {
                    out.push(SimRow {
                        period: Period::Interval(d, t),
                        channel: name.clone(),
                        metrics,
                    });
                }
            }
        }
        out
    }

    /// One row per channel and day, then per channel for the whole run.
    pub fn summary_rows(&self) -> Vec<SimRow> {
        let mut out = Vec::new();
        let (days, all) = self.periods.split_at(self.periods.len().saturating_sub(1));
        for (c, name) in self.channels.iter().enumerate() {
            if days.len() > 1 {
                for &(a, b) in days {
                    let (Some(&(date, _)), Some(metrics)) =
                        (self.labels.get(a), self.span(c, a, b))
                    else {
                        continue;
                    };
                    out.push(SimRow {
                        period: Period::Day(date),
                        channel: name.clone(),
                        metrics,
                    });
                }
            }
            if let Some(metrics) = all.first().and_then(|&(a, b)| self.span(c, a, b)) {
                out.push(SimRow {
                    period: Period::All,
                    channel: name.clone(),
                    metrics,
                });
            }
        }
        out
    }

    /// Writes the per-interval CSV: `date,time,channel`, then every metric of
    /// [`METRICS`] with its `_ci95`.
    pub fn write_intervals<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        let mut head = vec!["date".to_string(), "time".into(), "channel".into()];
        head.extend(metric_columns());
        out.write_record(&head)?;
        let mut buf = String::new();
        for row in self.interval_rows() {
            let Period::Interval(d, t) = row.period else {
                continue;
            };
            out.write_field(d.to_string())?;
            out.write_field(format_time(t))?;
            out.write_field(&row.channel)?;
            write_metrics(&mut out, &row.metrics, &mut buf)?;
        }
        out.flush()
    }

    /// Writes the summary CSV: `period` (a date, or `all`), `channel`, then
    /// every metric with its `_ci95`.
    pub fn write_summary<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        let mut head = vec!["period".to_string(), "channel".into()];
        head.extend(metric_columns());
        out.write_record(&head)?;
        let mut buf = String::new();
        for row in self.summary_rows() {
            let p = match row.period {
                Period::Day(d) => d.to_string(),
                _ => "all".into(),
            };
            out.write_field(p)?;
            out.write_field(&row.channel)?;
            write_metrics(&mut out, &row.metrics, &mut buf)?;
        }
        out.flush()
    }

    /// Conservation per replication and channel: offered + started in service
    /// = bot-solved + answered + abandoned + callback requests + in system
    /// (+ those started in service, which are not offered). Returns the
    /// first (replication, channel) where it fails.
    pub fn conservation_violation(&self) -> Option<(usize, usize)> {
        for (r, rep) in self.replications.iter().enumerate() {
            for c in 0..self.channels.len() {
                let mut s = Cell::default();
                for iv in 0..self.labels.len() {
                    let x = rep.cells[iv * rep.channels + c];
                    s.offered += x.offered;
                    s.bot_solved += x.bot_solved;
                    s.answered += x.answered;
                    s.abandoned += x.abandoned;
                    s.callbacks += x.callbacks;
                }
                if s.offered
                    != s.bot_solved + s.answered + s.abandoned + s.callbacks + rep.in_system[c]
                {
                    return Some((r, c));
                }
            }
        }
        None
    }
}

fn metric_columns() -> Vec<String> {
    METRICS
        .iter()
        .flat_map(|m| [m.to_string(), format!("{m}_ci95")])
        .collect()
}

/// Writes every metric and its half-width as fields, then ends the record;
/// NaN and infinite values are empty fields.
fn write_metrics<W: Write>(
    out: &mut csv::Writer<W>,
    m: &SimMetrics,
    buf: &mut String,
) -> std::io::Result<()> {
    for e in m.values() {
        for v in [e.mean, e.ci95] {
            buf.clear();
            if v.is_finite() {
                crate::core::textio::push_num(buf, v, 4);
            }
            out.write_field(buf.as_str())?;
        }
    }
    out.write_record(None::<&[u8]>)?;
    Ok(())
}
