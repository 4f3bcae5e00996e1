//! The roster: shifts worked per channel, its totals and its CSV files.

#[allow(unused_imports)]
use super::*;

/// The roster of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelRoster {
    /// Channel (or group) name.
    pub channel: String,
    /// Shifts worked and how many agents work each.
    pub shifts: Vec<(Candidate, u32)>,
    /// Required agents per interval.
    pub required: Vec<u32>,
    /// Scheduled agents per interval (not on a break).
    pub scheduled: Vec<u32>,
    /// Solver status.
    pub status: Status,
    /// Cost of the roster (without shortfall penalties).
    pub cost: f64,
    /// Objective: cost plus the shortfall penalty.
    pub objective: f64,
    /// Best lower bound on the objective.
    pub bound: f64,
    /// Relative gap `(objective − bound) / objective`.
    pub gap: f64,
    /// The cost grid g.
    pub cost_grid: f64,
    /// Agents needed with the weekly days-off rule (`None` without it).
    pub headcount: Option<u32>,
    /// The solver used.
    pub solver: SolverChoice,
}

/// A roster for every channel of a requirement.
///
/// Its grid starts one day before the requirement (shifts may start then to
/// cover the first night): per-interval vectors hold that day first, and
/// `skip` intervals of it are left out of coverage, staffing and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// The roster's grid: from the day before the requirement's first day
    /// to its last day.
    pub grid: IntervalGrid,
    /// Intervals of the leading day.
    pub skip: usize,
    /// Shift type names, by index.
    pub shift_names: Vec<String>,
    /// Per channel.
    pub channels: Vec<ChannelRoster>,
    /// FTE hours per day used for [`RosterSummary::fte`].
    pub fte_hours_per_day: f64,
}
/// Totals of a roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterSummary {
    /// Paid hours.
    pub paid_hours: f64,
    /// Cost.
    pub cost: f64,
    /// FTE: paid hours / (days × FTE hours per day).
    pub fte: f64,
    /// Over-coverage: scheduled agent-intervals above the requirement / required agent-intervals.
    pub over_coverage: f64,
    /// Required agent-intervals not covered.
    pub shortfall: u32,
    /// The worst status over the channels.
    pub status: Status,
    /// The largest gap over the channels.
    pub gap: f64,
    /// Headcount over the channels with the weekly rule.
    pub headcount: Option<u32>,
}

impl Roster {
    /// Totals over every channel.
    pub fn summary(&self) -> RosterSummary {
        let h = self.grid.interval_min() as f64 / 60.0;
        let mut s = RosterSummary {
            paid_hours: 0.0,
            cost: 0.0,
            fte: 0.0,
            over_coverage: 0.0,
            shortfall: 0,
            status: Status::Empty,
            gap: 0.0,
            headcount: None,
        };
        let (mut over, mut req) = (0u64, 0u64);
        for c in &self.channels {
            s.paid_hours += c
                .shifts
                .iter()
                .map(|(k, n)| (k.end - k.start) as f64 * h * *n as f64)
                .sum::<f64>();
            s.cost += c.cost;
            for (r, x) in c.required.iter().zip(&c.scheduled).skip(self.skip) {
                req += *r as u64;
                over += x.saturating_sub(*r) as u64;
                s.shortfall += r.saturating_sub(*x);
            }
            s.status = s.status.worse(c.status);
            s.gap = s.gap.max(c.gap);
            if let Some(hc) = c.headcount {
                *s.headcount.get_or_insert(0) += hc;
            }
        }
        let days = (self.grid.days() as usize)
            .saturating_sub(self.skip.min(1))
            .max(1);
        s.fte = if self.fte_hours_per_day > 0.0 {
            s.paid_hours / (days as f64 * self.fte_hours_per_day)
        } else {
            0.0
        };
        s.over_coverage = if req > 0 {
            over as f64 / req as f64
        } else {
            0.0
        };
        s
    }

    /// The date and time of interval `i` from the grid's start (past the
    /// grid's last day for shifts ending after the last midnight).
    fn label(&self, i: usize) -> (Date, Time) {
        let per_day = self.grid.per_day().max(1);
        let first = self.grid.first();
        let d = first
            .checked_add(jiff::Span::new().days((i / per_day) as i64))
            .unwrap_or(first);
        let t = crate::core::grid::slot_time(self.grid.interval_min(), i % per_day)
            .unwrap_or(Time::midnight());
        (d, t)
    }

    /// The shift name of index `k` (empty if unknown).
    fn shift_name(&self, k: usize) -> String {
        self.shift_names.get(k).cloned().unwrap_or_default()
    }

    /// The roster's shifts placed on their dates, minutes from the start
    /// date's midnight (an end or break past midnight is above 1440), the
    /// day-before rows included, sorted by start.
    pub fn placed(&self) -> Vec<PlacedShift> {
        let per_day = self.grid.per_day().max(1);
        let im = self.grid.interval_min();
        let mut out = Vec::new();
        for c in &self.channels {
            for (k, n) in &c.shifts {
                let day0 = (k.start / per_day) * per_day;
                let min = |i: usize| ((i - day0.min(i)) as u32) * im;
                out.push(PlacedShift {
                    date: self.label(k.start).0,
                    shift: self.shift_name(k.shift),
                    start_min: min(k.start),
                    end_min: min(k.end),
                    breaks: k.breaks.iter().map(|&(a, b)| (min(a), min(b))).collect(),
                    channel: c.channel.clone(),
                    agents: *n,
                });
            }
        }
        out.sort_by(|a, b| {
            (a.date, a.start_min, &a.channel, &a.shift).cmp(&(
                b.date,
                b.start_min,
                &b.channel,
                &b.shift,
            ))
        });
        out
    }

    /// Writes the roster CSV: `date,shift,start,end,agents,breaks,channel`;
    /// breaks as `HH:MM-HH:MM;...`; an end or break past midnight is the next day's time.
    pub fn write_roster<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "date", "shift", "start", "end", "agents", "breaks", "channel",
        ])?;
        for c in &self.channels {
            let mut rows: Vec<&(Candidate, u32)> = c.shifts.iter().collect();
            rows.sort_by_key(|(k, _)| (k.start, k.shift, k.breaks.clone()));
            for (k, n) in rows {
                let (d, st) = self.label(k.start);
                let (_, en) = self.label(k.end);
                let breaks: Vec<String> = k
                    .breaks
                    .iter()
                    .map(|&(a, b)| {
                        format!(
                            "{}-{}",
                            format_time(self.label(a).1),
                            format_time(self.label(b).1)
                        )
                    })
                    .collect();
                out.write_record([
                    d.to_string(),
                    self.shift_name(k.shift),
                    format_time(st),
                    format_time(en),
                    n.to_string(),
                    breaks.join(";"),
                    c.channel.clone(),
                ])?;
            }
        }
        out.flush()
    }

    /// Writes the coverage CSV: `date,time,channel,required,scheduled,gap`
    /// (gap = scheduled − required; negative is a shortfall).
    pub fn write_coverage<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["date", "time", "channel", "required", "scheduled", "gap"])?;
        for i in self.skip..self.grid.len() {
            let (d, t) = self.label(i);
            for c in &self.channels {
                let r = c.required.get(i).copied().unwrap_or(0);
                let x = c.scheduled.get(i).copied().unwrap_or(0);
                out.write_record([
                    d.to_string(),
                    format_time(t),
                    c.channel.clone(),
                    r.to_string(),
                    x.to_string(),
                    (x as i64 - r as i64).to_string(),
                ])?;
            }
        }
        out.flush()
    }

    /// The per-interval staffing `wfm simulate` reads: agents not on a break.
    pub fn staffing(&self) -> StaffingTable {
        let mut t = StaffingTable::default();
        for i in self.skip..self.grid.len() {
            let (d, time) = self.label(i);
            for c in &self.channels {
                let x = c.scheduled.get(i).copied().unwrap_or(0);
                t.rows.push(StaffingRow::new(d, time, &c.channel, x));
            }
        }
        t
    }
}

/// One row of a roster placed on its date (see [`Roster::placed`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedShift {
    /// Start date.
    pub date: Date,
    /// Shift type name.
    pub shift: String,
    /// Start, minutes from the date's midnight.
    pub start_min: u32,
    /// End, minutes from the date's midnight (past 1440: the next day).
    pub end_min: u32,
    /// Breaks, minutes from the date's midnight.
    pub breaks: Vec<(u32, u32)>,
    /// Channel (group).
    pub channel: String,
    /// Agents on it.
    pub agents: u32,
}
