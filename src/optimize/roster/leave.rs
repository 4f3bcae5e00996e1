//! Holiday leave: requests granted by serial dictatorship within what the
//! requirement leaves free.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Agent;
use crate::core::input::{InputError, Warning};
use crate::core::textio::{csv_reader, each_record, read_header};

/// One leave request (a row of `--leave-requests`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaveRequest {
    /// Agent id.
    pub agent: String,
    /// First day away.
    pub from: Date,
    /// Last day away, inclusive.
    pub to: Date,
    /// Priority: smaller first (1 before 2).
    pub priority: f64,
    /// When it was asked (any text that sorts in time, e.g. an ISO date
    /// or date-time); earlier first.
    pub requested_at: String,
    /// `requested_at` read as a date and time (a date alone is its
    /// midnight); requests are ordered by it, an empty one last.
    #[serde(default)]
    pub requested: Option<jiff::civil::DateTime>,
    /// Line of the file.
    pub line: u64,
}

/// A decided request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaveDecision {
    /// The request.
    pub request: LeaveRequest,
    /// Granted.
    pub granted: bool,
    /// Refused: the first day that had no room (or why).
    pub reason: String,
}

/// Reads leave requests (`agent,from,to` required; `priority` (default 1),
/// `requested_at` optional); agents must exist.
pub fn read_leave_requests<R: std::io::Read>(
    rdr: R,
    source: &str,
    agents: &[Agent],
) -> Result<(Vec<LeaveRequest>, Vec<Warning>), InputError> {
    let mut rdr = csv_reader(rdr);
    let (headers, idx, warnings) = read_header(
        &mut rdr,
        source,
        &["agent", "from", "to"],
        &["priority", "requested_at"],
    )?;
    let mut out = Vec::new();
    each_record(&mut rdr, source, &headers, |cell| {
        let ai = idx[0].unwrap_or(0);
        let agent = cell.text(ai, "an agent id")?;
        if !agents.iter().any(|a| a.id == agent) {
            return Err(cell.err(ai, "an agent of the agents file"));
        }
        let from = cell.date(idx[1].unwrap_or(0))?;
        let ti = idx[2].unwrap_or(0);
        let to = cell.date(ti)?;
        if to < from {
            return Err(cell.err(ti, "a last day on or after the first"));
        }
        let priority = match idx[3] {
            Some(i) if !cell.raw(i).is_empty() => {
                cell.number_in(i, -1e6, 1e6, "a number from -1e6 to 1e6 (smaller first)")?
            }
            _ => 1.0,
        };
        let requested_at = idx[4].map(|i| cell.raw(i).to_string()).unwrap_or_default();
        let requested = match idx[4].filter(|_| !requested_at.is_empty()) {
            Some(i) => Some(parse_requested_at(&requested_at).ok_or_else(|| {
                cell.err(
                    i,
                    "a date YYYY-MM-DD or a date and time YYYY-MM-DD HH:MM[:SS] (from 1900 to 2199), or empty",
                )
            })?),
            None => None,
        };
        out.push(LeaveRequest {
            agent,
            from,
            to,
            priority,
            requested_at,
            requested,
            line: cell.line,
        });
        Ok(())
    })?;
    Ok((out, warnings))
}

/// `requested_at` as a date and time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`,
/// `YYYY-MM-DDTHH:MM[:SS]`, years 1900 to 2199.
pub fn parse_requested_at(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    let (d, t) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let date = crate::core::textio::parse_date(d)?;
    let time = match t {
        None => jiff::civil::Time::midnight(),
        Some(t) => {
            let t = if t.len() == 5 {
                format!("{t}:00")
            } else {
                t.to_string()
            };
            t.parse::<jiff::civil::Time>().ok()?
        }
    };
    Some(date.to_datetime(time))
}

/// The order requests are decided in: priority (smaller first), then the
/// agent's seniority (larger first), then `requested_at` (earlier first),
/// then the file's order.
pub fn leave_order(requests: &[LeaveRequest], agents: &[Agent]) -> Vec<usize> {
    let seniority = |id: &str| {
        agents
            .iter()
            .find(|a| a.id == id)
            .map_or(0.0, |a| a.seniority)
    };
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&requests[i], &requests[j]);
        a.priority
            .total_cmp(&b.priority)
            .then(seniority(&b.agent).total_cmp(&seniority(&a.agent)))
            .then(match (a.requested, b.requested) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.line.cmp(&b.line))
            .then(i.cmp(&j))
    });
    order
}

/// Grants requests by serial dictatorship: in [`leave_order`], a request
/// is granted whole when every one of its days still has room in the
/// agent's home group (its first group), else refused with the first day
/// without room; a day's room is `allowance[(group, day)]` less the leave
/// already granted on it. Days outside `allowance` have no limit.
pub fn grant_leave(
    requests: &[LeaveRequest],
    agents: &[Agent],
    allowance: &BTreeMap<(String, Date), i64>,
) -> Vec<LeaveDecision> {
    let mut used: BTreeMap<(String, Date), i64> = BTreeMap::new();
    let mut decided: Vec<Option<LeaveDecision>> = vec![None; requests.len()];
    for i in leave_order(requests, agents) {
        let r = &requests[i];
        let group = agents
            .iter()
            .find(|a| a.id == r.agent)
            .and_then(|a| a.groups.first().cloned())
            .unwrap_or_default();
        let mut d = r.from;
        let mut blocked = None;
        while d <= r.to {
            let key = (group.clone(), d);
            if let Some(room) = allowance.get(&key) {
                if used.get(&key).copied().unwrap_or(0) >= *room {
                    blocked = Some(d);
                    break;
                }
            }
            d = match d.tomorrow() {
                Ok(n) => n,
                Err(_) => break,
            };
        }
        let decision = match blocked {
            Some(day) => LeaveDecision {
                request: r.clone(),
                granted: false,
                reason: format!("no room in group {group} on {day}"),
            },
            None => {
                let mut d = r.from;
                while d <= r.to {
                    *used.entry((group.clone(), d)).or_insert(0) += 1;
                    d = match d.tomorrow() {
                        Ok(n) => n,
                        Err(_) => break,
                    };
                }
                LeaveDecision {
                    request: r.clone(),
                    granted: true,
                    reason: String::new(),
                }
            }
        };
        decided[i] = Some(decision);
    }
    decided.into_iter().flatten().collect()
}

/// Writes decisions as CSV: `agent,from,to,priority,requested_at[,reason]`.
pub fn write_leave<W: std::io::Write>(
    w: W,
    rows: &[&LeaveDecision],
    with_reason: bool,
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut head = vec!["agent", "from", "to", "priority", "requested_at"];
    if with_reason {
        head.push("reason");
    }
    out.write_record(&head)?;
    for d in rows {
        let r = &d.request;
        let mut rec = vec![
            r.agent.clone(),
            r.from.to_string(),
            r.to.to_string(),
            crate::core::textio::fmt_num(r.priority, 6),
            r.requested_at.clone(),
        ];
        if with_reason {
            rec.push(d.reason.clone());
        }
        out.write_record(&rec)?;
    }
    out.flush()
}
