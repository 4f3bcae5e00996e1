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

    /// The roster as rows of its CSV, in the CSV's order: per channel, by
    /// start, shift type and breaks.
    pub fn rows(&self) -> Vec<RosterRow> {
        let mut out = Vec::new();
        for c in &self.channels {
            let mut shifts: Vec<&(Candidate, u32)> = c.shifts.iter().collect();
            shifts.sort_by_key(|(k, _)| (k.start, k.shift, k.breaks.clone()));
            for (k, n) in shifts {
                let (date, start) = self.label(k.start);
                out.push(RosterRow {
                    date,
                    shift: self.shift_name(k.shift),
                    start,
                    end: self.label(k.end).1,
                    agents: *n,
                    breaks: k
                        .breaks
                        .iter()
                        .map(|&(a, b)| (self.label(a).1, self.label(b).1))
                        .collect(),
                    channel: c.channel.clone(),
                });
            }
        }
        out
    }

    /// The roster summed by start date, channel and shift type (the rows
    /// a planner approves: "12 middle shifts for phone on 02-16"), in date,
    /// channel and shift-type order; paid hours and cost as in
    /// [`Roster::summary`].
    pub fn by_day_and_type(&self) -> Vec<ShiftTotal> {
        let h = self.grid.interval_min() as f64 / 60.0;
        let mut sums: BTreeMap<(Date, String, usize), ShiftTotal> = BTreeMap::new();
        for c in &self.channels {
            for (k, n) in &c.shifts {
                let date = self.label(k.start).0;
                let e = sums
                    .entry((date, c.channel.clone(), k.shift))
                    .or_insert_with(|| ShiftTotal {
                        date,
                        channel: c.channel.clone(),
                        shift: self.shift_name(k.shift),
                        agents: 0,
                        paid_hours: 0.0,
                        cost: 0.0,
                    });
                e.agents += *n;
                e.paid_hours += (k.end - k.start) as f64 * h * f64::from(*n);
                e.cost += k.cost * f64::from(*n);
            }
        }
        sums.into_values().collect()
    }

    /// Writes the roster CSV (columns: [`RosterRow`]'s `CsvRow`).
    pub fn write_roster<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        crate::io::table::write_rows(w, &self.rows())
    }

    /// Required and scheduled agents per interval and channel, in the
    /// coverage CSV's order.
    pub fn coverage(&self) -> Vec<CoverageRow> {
        let mut out = Vec::new();
        for i in self.skip..self.grid.len() {
            let (date, time) = self.label(i);
            for c in &self.channels {
                let required = c.required.get(i).copied().unwrap_or(0);
                let scheduled = c.scheduled.get(i).copied().unwrap_or(0);
                out.push(CoverageRow {
                    date,
                    time,
                    channel: c.channel.clone(),
                    required,
                    scheduled,
                });
            }
        }
        out
    }

    /// Writes the coverage CSV (columns: [`CoverageRow`]'s `CsvRow`).
    pub fn write_coverage<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        crate::io::table::write_rows(w, &self.coverage())
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

/// Shifts of one type starting on one day for one channel: a row of
/// [`Roster::by_day_and_type`] and of the review's `fix_summary.csv`
/// (`date,channel,shift,agents,paid_h,cost`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftTotal {
    /// Start date.
    pub date: Date,
    /// Channel (group).
    pub channel: String,
    /// Shift type name.
    pub shift: String,
    /// Agents (shifts) of this type that day.
    pub agents: u32,
    /// Their paid hours.
    pub paid_hours: f64,
    /// Their cost in the rules' money, premiums included.
    pub cost: f64,
}

impl crate::io::table::CsvRow for ShiftTotal {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("channel", |r| r.channel.clone()),
        ("shift", |r| r.shift.clone()),
        ("agents", |r| r.agents.to_string()),
        ("paid_h", |r| crate::core::textio::fmt_cell(r.paid_hours, 2)),
        ("cost", |r| crate::core::textio::fmt_cell(r.cost, 2)),
    ];
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

/// One row of the roster CSV: a shift type at a start, with its breaks, and
/// how many agents work it. An end or break past midnight is the next
/// day's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterRow {
    /// Start date.
    pub date: Date,
    /// Shift type name.
    pub shift: String,
    /// Start time.
    pub start: Time,
    /// End time (the next day's when it is not after the start).
    pub end: Time,
    /// Agents on it.
    pub agents: u32,
    /// Breaks, start and end.
    pub breaks: Vec<(Time, Time)>,
    /// Channel (group).
    pub channel: String,
}

/// `roster.csv`; breaks as `HH:MM-HH:MM;...`.
impl crate::io::table::CsvRow for RosterRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("shift", |r| r.shift.clone()),
        ("start", |r| format_time(r.start)),
        ("end", |r| format_time(r.end)),
        ("agents", |r| r.agents.to_string()),
        ("breaks", |r| {
            let b: Vec<String> = r
                .breaks
                .iter()
                .map(|&(a, b)| format!("{}-{}", format_time(a), format_time(b)))
                .collect();
            b.join(";")
        }),
        ("channel", |r| r.channel.clone()),
    ];
}

/// One row of the coverage CSV: an interval of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// Date.
    pub date: Date,
    /// Interval start.
    pub time: Time,
    /// Channel (group).
    pub channel: String,
    /// Agents required.
    pub required: u32,
    /// Agents scheduled (not on a break).
    pub scheduled: u32,
}

impl CoverageRow {
    /// Scheduled − required: negative is a shortfall.
    pub fn gap(&self) -> i64 {
        i64::from(self.scheduled) - i64::from(self.required)
    }
}

/// `coverage.csv` (`gap` = scheduled − required).
impl crate::io::table::CsvRow for CoverageRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("date", |r| r.date.to_string()),
        ("time", |r| format_time(r.time)),
        ("channel", |r| r.channel.clone()),
        ("required", |r| r.required.to_string()),
        ("scheduled", |r| r.scheduled.to_string()),
        ("gap", |r| r.gap().to_string()),
    ];
}
