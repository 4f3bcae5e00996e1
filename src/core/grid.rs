//! The interval grid: days cut into intervals of `interval_min` minutes.
//!
//! Every planning table (forecast, requirement, staffing, coverage) lives on
//! one grid: intervals of a whole number of minutes that divide the day, so
//! that each day has the same `1440 / interval_min` intervals starting at
//! midnight. [`check_interval_min`] is the one rule for an interval length;
//! [`IntervalGrid`] maps a (date, time) to a position in a dense table and
//! back.
//!
//! ```
//! use wfm::core::grid::IntervalGrid;
//! let first = "2026-03-09".parse().unwrap();
//! let g = IntervalGrid::new(30, first, 7).unwrap();
//! assert_eq!(g.per_day(), 48);
//! assert_eq!(g.len(), 336);
//! let i = g.index("2026-03-10".parse().unwrap(), "09:30".parse().unwrap()).unwrap();
//! assert_eq!(i, 48 + 19);
//! assert_eq!(g.at(i).unwrap().1.to_string(), "09:30:00");
//! ```

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;

/// The most days a grid may span: 100 years. Work on a grid is bounded
/// separately (see each command's limits); this only keeps index
/// arithmetic far from overflow.
pub const MAX_GRID_DAYS: u32 = 36_525;

/// Why a grid is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GridError {
    /// The interval length does not divide the day.
    #[error("interval must be a whole number of minutes that divides the day (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, ... 1440), got {0}")]
    IntervalMin(u32),
    /// Too many days, or none.
    #[error("a grid spans 1 to {MAX_GRID_DAYS} days, got {0}")]
    Days(i64),
    /// The last day is past the calendar's end.
    #[error("the grid's days run past the last representable date")]
    DateRange,
}

/// Checks an interval length: `1..=1440` minutes and `1440 % interval_min == 0`.
pub fn check_interval_min(interval_min: u32) -> Result<u32, GridError> {
    if interval_min == 0 || interval_min > MINUTES_PER_DAY || MINUTES_PER_DAY % interval_min != 0 {
        Err(GridError::IntervalMin(interval_min))
    } else {
        Ok(interval_min)
    }
}

/// Intervals per day for a checked interval length (`1440 / interval_min`;
/// 0 for 0, so an unchecked length never divides by zero).
pub fn intervals_per_day(interval_min: u32) -> usize {
    MINUTES_PER_DAY.checked_div(interval_min).unwrap_or(0) as usize
}

/// The start time of slot `slot` of a day (`slot · interval_min` minutes
/// after midnight), or `None` past the day's end.
pub fn slot_time(interval_min: u32, slot: usize) -> Option<Time> {
    let min = u32::try_from(slot).ok()?.checked_mul(interval_min)?;
    if min >= MINUTES_PER_DAY {
        return None;
    }
    Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).ok()
}

/// The slot of `time` in a day, or `None` when it is not on the grid.
pub fn slot_of(interval_min: u32, time: Time) -> Option<usize> {
    let m = crate::core::textio::minute_of_day(time);
    if interval_min == 0
        || m % interval_min != 0
        || time.second() != 0
        || time.subsec_nanosecond() != 0
    {
        return None;
    }
    Some((m / interval_min) as usize)
}

/// Consecutive days on one interval grid: a dense index for every
/// (date, interval start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GridParams")]
pub struct IntervalGrid {
    interval_min: u32,
    first: Date,
    days: u32,
}

#[derive(Deserialize)]
struct GridParams {
    interval_min: u32,
    first: Date,
    days: u32,
}

impl TryFrom<GridParams> for IntervalGrid {
    type Error = GridError;
    fn try_from(p: GridParams) -> Result<Self, GridError> {
        Self::new(p.interval_min, p.first, p.days)
    }
}

impl IntervalGrid {
    /// `days` days from `first`, in intervals of `interval_min` minutes.
    pub fn new(interval_min: u32, first: Date, days: u32) -> Result<Self, GridError> {
        check_interval_min(interval_min)?;
        if days == 0 || days > MAX_GRID_DAYS {
            return Err(GridError::Days(days.into()));
        }
        first
            .checked_add(jiff::Span::new().days(i64::from(days) - 1))
            .map_err(|_| GridError::DateRange)?;
        Ok(Self {
            interval_min,
            first,
            days,
        })
    }

    /// The days from `from` to `to` inclusive.
    pub fn covering(interval_min: u32, from: Date, to: Date) -> Result<Self, GridError> {
        let days = i64::from((to - from).get_days()) + 1;
        let days = u32::try_from(days).map_err(|_| GridError::Days(days))?;
        if days > MAX_GRID_DAYS {
            return Err(GridError::Days(days.into()));
        }
        Self::new(interval_min, from, days)
    }

    /// Interval length, minutes.
    pub fn interval_min(&self) -> u32 {
        self.interval_min
    }

    /// The first day.
    pub fn first(&self) -> Date {
        self.first
    }

    /// Number of days.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// The last day.
    pub fn last(&self) -> Date {
        self.day(self.days as usize - 1).unwrap_or(self.first)
    }

    /// Day `k` (0-based), if on the grid.
    pub fn day(&self, k: usize) -> Option<Date> {
        if k >= self.days as usize {
            return None;
        }
        self.first
            .checked_add(jiff::Span::new().days(k as i64))
            .ok()
    }

    /// The day index of `date`, if on the grid.
    pub fn day_index(&self, date: Date) -> Option<usize> {
        let k = (date - self.first).get_days();
        (k >= 0 && (k as u32) < self.days).then_some(k as usize)
    }

    /// Intervals per day: `1440 / interval_min`.
    pub fn per_day(&self) -> usize {
        intervals_per_day(self.interval_min)
    }

    /// Intervals on the grid: `days · per_day`.
    pub fn len(&self) -> usize {
        self.days as usize * self.per_day()
    }

    /// Whether the grid has no intervals (never, for a checked grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position of (date, time), or `None` off the grid (another day,
    /// or a time between interval starts).
    pub fn index(&self, date: Date, time: Time) -> Option<usize> {
        let d = self.day_index(date)?;
        let s = slot_of(self.interval_min, time)?;
        Some(d * self.per_day() + s)
    }

    /// The (date, interval start) at position `i`.
    pub fn at(&self, i: usize) -> Option<(Date, Time)> {
        let per_day = self.per_day();
        let date = self.day(i / per_day)?;
        Some((date, slot_time(self.interval_min, i % per_day)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_lengths_must_divide_the_day() {
        for ok in [1, 5, 15, 30, 60, 90, 1440] {
            assert!(check_interval_min(ok).is_ok(), "{ok}");
        }
        for bad in [0, 7, 25, 1441, u32::MAX] {
            assert!(check_interval_min(bad).is_err(), "{bad}");
        }
        assert_eq!(intervals_per_day(0), 0);
    }

    #[test]
    fn index_and_at_are_inverse() {
        let g = IntervalGrid::new(15, "2026-02-27".parse().unwrap(), 3).unwrap();
        for i in 0..g.len() {
            let (d, t) = g.at(i).unwrap();
            assert_eq!(g.index(d, t), Some(i));
        }
        assert_eq!(g.at(g.len()), None);
        assert_eq!(
            g.index("2026-02-26".parse().unwrap(), Time::midnight()),
            None
        );
        assert_eq!(g.index(g.first(), "09:10".parse().unwrap()), None);
        assert_eq!(g.last(), "2026-03-01".parse().unwrap());
    }

    #[test]
    fn spans_are_bounded() {
        let d: Date = "2026-01-01".parse().unwrap();
        assert!(IntervalGrid::new(30, d, 0).is_err());
        assert!(IntervalGrid::covering(30, "0000-01-01".parse().unwrap(), d).is_err());
        assert!(IntervalGrid::covering(30, d, "2025-12-31".parse().unwrap()).is_err());
        assert!(IntervalGrid::new(30, "9999-12-31".parse().unwrap(), 2).is_err());
        let e: Result<IntervalGrid, _> =
            serde_json::from_str(r#"{"interval_min":7,"first":"2026-01-01","days":1}"#);
        assert!(e.is_err());
    }
}
