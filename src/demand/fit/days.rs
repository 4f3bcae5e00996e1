//! What the day model sees of a day, the day model itself, and the
//! reminder windows.

use jiff::civil::Date;

use super::*;

/// Features of one day that the model uses.
#[derive(Debug, Clone)]
pub(super) struct DayInfo {
    pub(super) day_type: DayType,
    pub(super) weekday: usize,
    pub(super) makeup: bool,
    /// (product, offset index) pairs that apply.
    pub(super) repay: Vec<(usize, usize)>,
    pub(super) month_end: bool,
    pub(super) before: bool,
    pub(super) after: bool,
    /// Reminder products whose push is on this day.
    pub(super) reminders: Vec<usize>,
    /// Days since the last day of the history (≤ 0), for the trend.
    pub(super) t: f64,
}

/// The fitted day-level parameters of one channel.
#[derive(Debug, Clone)]
pub(super) struct DayModel {
    pub(super) base: f64,
    pub(super) dow: [f64; 7],
    pub(super) holiday: f64,
    pub(super) makeup: f64,
    pub(super) repay: Vec<Vec<f64>>,
    pub(super) month_end: f64,
    pub(super) before: f64,
    pub(super) after: f64,
    /// Log growth per day; the base holds on the history's last day.
    pub(super) slope: f64,
}

impl DayModel {
    pub(super) fn predict(&self, d: &DayInfo, skip: Group) -> f64 {
        let mut f = self.base * (self.slope * d.t).exp();
        f *= match d.day_type {
            DayType::Holiday => {
                if skip == Group::Holiday {
                    1.0
                } else {
                    self.holiday
                }
            }
            _ if d.makeup => {
                if skip == Group::Makeup {
                    1.0
                } else {
                    self.makeup
                }
            }
            _ => {
                if skip == Group::Dow(d.weekday) {
                    1.0
                } else {
                    self.dow[d.weekday]
                }
            }
        };
        // Several due dates of one product on one day: the largest factor.
        let mut per_product: BTreeMap<usize, f64> = BTreeMap::new();
        for &(p, o) in &d.repay {
            if skip == Group::Repay(p, o) {
                continue;
            }
            let e = per_product.entry(p).or_insert(f64::MIN);
            *e = e.max(self.repay[p][o]);
        }
        f *= per_product.values().product::<f64>();
        if d.month_end && skip != Group::MonthEnd {
            f *= self.month_end;
        }
        if d.before && skip != Group::Before {
            f *= self.before;
        }
        if d.after && skip != Group::After {
            f *= self.after;
        }
        f
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Group {
    None,
    Dow(usize),
    Holiday,
    Makeup,
    Repay(usize, usize),
    MonthEnd,
    Before,
    After,
}

pub(super) fn day_info(d: Date, last: Date, opts: &FitOptions, long: &[(Date, Date)]) -> DayInfo {
    let cal = &opts.calendar;
    let mut repay = Vec::new();
    let mut reminders = Vec::new();
    for (p, r) in opts.repayment.iter().enumerate() {
        let offs = repayment_offsets(r, cal, d);
        for (o, (off, _)) in r.day_factors.iter().enumerate() {
            if offs.contains(off) {
                repay.push((p, o));
            }
        }
        if r.reminder_time.is_some() && offs.iter().any(|o| r.reminder_days.contains(o)) {
            reminders.push(p);
        }
    }
    let month_end = opts
        .month_end_days
        .is_some_and(|n| (d.last_of_month() - d).get_days() < n as i32);
    let (before, after) = match &opts.holidays {
        Some(h) => around_holiday(cal, d, long, h),
        None => (false, false),
    };
    DayInfo {
        day_type: cal.day_type(d),
        weekday: weekday_index(d),
        makeup: cal.is_makeup_workday(d),
        repay,
        month_end,
        before,
        after,
        reminders,
        t: (d - last).get_days() as f64,
    }
}

/// Per-interval reminder multipliers of a day.
pub(super) fn reminder_mult(
    d: &DayInfo,
    rem: &[f64],
    opts: &FitOptions,
    im: u32,
    m: usize,
) -> Vec<f64> {
    let mut mult = vec![1.0; m];
    for &p in &d.reminders {
        for i in reminder_window(&opts.repayment[p], im, m) {
            mult[i] *= rem[p];
        }
    }
    mult
}

pub(super) fn reminder_window(r: &Repayment, im: u32, m: usize) -> Vec<usize> {
    let Some(t) = r
        .reminder_time
        .as_deref()
        .and_then(crate::core::textio::parse_time)
    else {
        return Vec::new();
    };
    let start = minute_of_day(t) as f64;
    let end = start + r.reminder_hours * 60.0;
    (0..m)
        .filter(|&i| {
            let min = (i as u32 * im) as f64;
            min >= start && min < end
        })
        .collect()
}
