//! The factors of a day and an interval, and the forecast they give.

use super::compile::*;
#[allow(unused_imports)]
use super::*;

impl Scenario {
    /// The day-level factor of every channel on `d` (everything but the
    /// intraday share and interval-level factors), with the day type.
    pub fn day_factors(&self, d: Date, long_holidays: &[(Date, Date)]) -> (DayType, Vec<f64>) {
        self.day_factors_in(d, long_holidays, &self.profile_blocks())
    }

    /// The calendar's named holiday blocks when a channel has holiday
    /// profiles (none otherwise): found once per forecast.
    fn profile_blocks(&self) -> Vec<crate::core::calendar::HolidayBlock> {
        if self.channel.values().any(|c| !c.holiday_profile.is_empty()) {
            self.calendar_data.named_blocks()
        } else {
            Vec::new()
        }
    }

    /// [`Scenario::day_factors`] with the named blocks already found.
    fn day_factors_in(
        &self,
        d: Date,
        long_holidays: &[(Date, Date)],
        all_blocks: &[crate::core::calendar::HolidayBlock],
    ) -> (DayType, Vec<f64>) {
        let cal = &self.calendar_data;
        let day_type = cal.day_type(d);
        let makeup = cal.is_makeup_workday(d);
        let channels: Vec<&String> = self.channel.keys().collect();
        let applies = |list: &Option<Vec<String>>, c: &str| {
            list.as_ref().is_none_or(|l| l.iter().any(|x| x == c))
        };
        let mut out = Vec::with_capacity(channels.len());
        let month_end = self.month_end.as_ref().filter(|me| {
            let last = d.last_of_month();
            (last - d).get_days() < me.days as i32
        });
        let around = self
            .holidays
            .as_ref()
            .map(|h| around_holiday(cal, d, long_holidays, h));
        let base = self.base_date.or(self.from);
        // The named holiday blocks within reach of d.
        let blocks: Vec<&crate::core::calendar::HolidayBlock> = if all_blocks.is_empty() {
            Vec::new()
        } else {
            let profiles = || {
                self.channel
                    .values()
                    .flat_map(|c| c.holiday_profile.values())
            };
            let before = profiles().map(|p| p.before.len()).max().unwrap_or(0) as i32;
            let after = profiles().map(|p| p.after.len()).max().unwrap_or(0) as i32;
            all_blocks
                .iter()
                .filter(|b| (b.first - d).get_days() <= before && (d - b.last).get_days() <= after)
                .collect()
        };
        for name in &channels {
            let ch = &self.channel[*name];
            let growth = base.map_or(1.0, |b| ch.growth(i64::from((d - b).get_days())));
            let mut f = ch.daily_volume
                * growth
                * match day_type {
                    DayType::Holiday => ch.holiday_factor,
                    _ if makeup => ch.makeup_factor,
                    _ => ch.dow_factors[weekday_index(d)],
                };
            for r in &self.repayment {
                if applies(&r.channels, name) {
                    f *= repayment_factor(r, cal, d);
                }
            }
            if let Some(me) = month_end {
                if applies(&me.channels, name) {
                    f *= me.factor;
                }
            }
            if let (Some(h), Some((before, after))) = (&self.holidays, around) {
                if applies(&h.channels, name) {
                    if before {
                        f *= h.before_factor;
                    }
                    if after {
                        f *= h.after_factor;
                    }
                }
            }
            for b in &blocks {
                if let Some(p) = ch.holiday_profile.get(&b.name) {
                    f *= p.factor(b, d);
                }
            }
            out.push(f);
        }
        (day_type, out)
    }

    /// Expected volumes per interval and channel from `from` to `to`
    /// inclusive: the forecast `wfm staff` reads.
    ///
    /// ```
    /// use wfm::demand::scenario::Scenario;
    /// let s = Scenario::parse(r#"
    ///     [channel.phone]
    ///     daily_volume = 4800
    ///     aht_s = 240
    /// "#, "inline").unwrap();
    /// let d = "2026-03-10".parse().unwrap();
    /// let f = s.forecast(d, d).unwrap();
    /// assert_eq!(f.rows.len(), 48);
    /// let total: f64 = f.rows.iter().map(|r| r.volume).sum();
    /// assert!((total - 4800.0).abs() < 1e-6);
    /// ```
    pub fn forecast(&self, from: Date, to: Date) -> Result<Forecast, InputError> {
        self.forecast_at_most(from, to, DEFAULT_MAX_FORECAST_ROWS)
    }

    /// As [`Scenario::forecast`], refusing before any work a forecast of
    /// more than `max_rows` rows (days × intervals × channels).
    pub fn forecast_at_most(
        &self,
        from: Date,
        to: Date,
        max_rows: u64,
    ) -> Result<Forecast, InputError> {
        let (c, _) = self.compile(self.source())?;
        let days = i64::from((to - from).get_days()).max(-1) + 1;
        // Each collections book may add two channels (calls, messages).
        let rows = days as f64
            * crate::core::grid::intervals_per_day(c.interval_min) as f64
            * (c.channels.len() + 2 * self.collections.len()) as f64;
        if rows > max_rows as f64 {
            return Err(InputError::at_key(
                self.source(),
                "to",
                format!(
                    "{from} to {to} is {days} days: {rows:.3e} forecast rows (days × intervals × channels), more than the limit of {max_rows}; raise it (Request.max_rows) if that is meant"
                ),
            ));
        }
        let long = match &self.holidays {
            Some(h) => self.calendar_data.long_holidays(from, to, h.long_min_days),
            None => Vec::new(),
        };
        let m = c.shares[0][0].len();
        let days = (to - from).get_days().max(-1) + 1;
        let mut rows = Vec::with_capacity(days as usize * m * c.channels.len());
        let times: Vec<Time> = (0..m)
            .map(|i| {
                let min = i as u32 * c.interval_min;
                Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("minute of day")
            })
            .collect();
        let chans: Vec<&ChannelDemand> = self.channel.values().collect();
        let blocks = self.profile_blocks();
        let mut d = from;
        let mut mult = vec![1.0; c.channels.len()];
        while d <= to {
            let (day_type, factors) = self.day_factors_in(d, &long, &blocks);
            let plain = day_type != DayType::Holiday && !self.calendar_data.is_makeup_workday(d);
            let wd = weekday_index(d);
            for (i, &time) in times.iter().enumerate() {
                mult.iter_mut().for_each(|x| *x = 1.0);
                c.interval_factors(self, d, time, &mut mult);
                for (k, name) in c.channels.iter().enumerate() {
                    let shape = match &c.weekday_shares[k] {
                        Some(w) if plain => &w[wd],
                        _ => &c.shares[k][day_type as usize],
                    };
                    let vol = factors[k] * shape[i] * mult[k];
                    if !vol.is_finite() {
                        return Err(self.not_finite(name, d, time, factors[k], mult[k]));
                    }
                    rows.push(ForecastRow {
                        date: d,
                        time,
                        channel: name.clone(),
                        volume: vol,
                        aht_s: chans[k]
                            .aht_by_interval
                            .as_ref()
                            .and_then(|rows| rows.get(wd)?.get(i).copied())
                            .unwrap_or(chans[k].aht_s),
                        patience_s: chans[k].patience_s,
                        line: 0,
                    });
                }
            }
            d = match d.tomorrow() {
                Ok(n) => n,
                Err(_) => break,
            };
        }
        if !self.collections.is_empty() {
            rows.extend(crate::demand::collections::outbound_rows(
                &self.collections,
                from,
                to,
                c.interval_min,
                self.source(),
            )?);
            rows.sort_by_key(|r| (r.date, r.time));
        }
        Ok(Forecast {
            interval_min: c.interval_min,
            rows,
        })
    }
}

/// The default bound on forecast rows (days × intervals × channels): ten
/// million, about 400 MB of CSV (ten years of 30-minute intervals for
/// twenty channels is 3.5 million).
pub const DEFAULT_MAX_FORECAST_ROWS: u64 = 10_000_000;

impl Scenario {
    /// The error for a volume that overflowed: names the key that did it.
    fn not_finite(
        &self,
        channel: &str,
        d: Date,
        time: Time,
        day: f64,
        interval: f64,
    ) -> InputError {
        let ch = &self.channel[channel];
        let base = self.base_date.or(self.from);
        let growth = base.map_or(1.0, |b| ch.growth(i64::from((d - b).get_days())));
        let key = if !growth.is_finite() || (growth * ch.daily_volume).is_infinite() {
            format!("[channel.{channel}] weekly_growth")
        } else if !day.is_finite() || (interval.is_finite() && day >= interval) {
            format!("[channel.{channel}] daily_volume and the day factors (dow, holiday, [[repayment]] day_factors, [month_end], [holidays])")
        } else {
            "[[event]] factor and [[repayment]] reminder_factor".to_string()
        };
        InputError::at_key(
            self.source(),
            key,
            format!(
                "the forecast volume of {channel} on {d} {} is not a finite number; use smaller factors",
                format_time(time)
            ),
        )
    }
}

impl Compiled {
    /// Multiplies `mult[k]` by the interval-level factors (reminders, events)
    /// of channel k in the interval starting at `time` on `d`.
    pub fn interval_factors(&self, s: &Scenario, d: Date, time: Time, mult: &mut [f64]) {
        let at = d.to_datetime(time);
        for e in &self.events {
            if at >= e.start && at < e.end {
                scale(mult, &e.mask, e.factor);
            }
        }
        let minute = minute_of_day(time) as f64;
        for r in &self.reminders {
            if minute < r.start_min || minute >= r.end_min {
                continue;
            }
            let product = &s.repayment[r.repayment];
            let on_day = due_dates_near(product, &s.calendar_data, d)
                .iter()
                .any(|due| r.days.contains(&((d - *due).get_days())));
            if on_day {
                scale(mult, &r.mask, r.factor);
            }
        }
    }
}

pub(super) fn scale(mult: &mut [f64], mask: &[bool], factor: f64) {
    for (m, &on) in mult.iter_mut().zip(mask) {
        if on {
            *m *= factor;
        }
    }
}

/// The due dates of product `r` within a few days of `d` (after moving for
/// days off), so that offsets up to ±10 days can be matched.
pub(super) fn due_dates_near(r: &Repayment, cal: &Calendar, d: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let Ok(first) = d.first_of_month().checked_sub(jiff::Span::new().months(1)) else {
        return out;
    };
    for k in 0..3 {
        let Ok(month) = first.checked_add(jiff::Span::new().months(k)) else {
            continue;
        };
        for &day in &r.due_days {
            let last = month.last_of_month().day() as u32;
            let Ok(mut due) = month.with().day(day.min(last) as i8).build() else {
                continue;
            };
            if cal.is_day_off(due) {
                due = match r.when_closed {
                    WhenClosed::SameDay => due,
                    WhenClosed::NextWorkday => step_workday(cal, due, 1),
                    WhenClosed::PreviousWorkday => step_workday(cal, due, -1),
                };
            }
            if (d - due).get_days().abs() <= 10 {
                out.push(due);
            }
        }
    }
    out
}

pub(super) fn step_workday(cal: &Calendar, mut d: Date, dir: i32) -> Date {
    for _ in 0..60 {
        let next = if dir > 0 { d.tomorrow() } else { d.yesterday() };
        match next {
            Ok(n) => d = n,
            Err(_) => return d,
        }
        if !cal.is_day_off(d) {
            return d;
        }
    }
    d
}

/// The factor of product `r` on `d`: the largest `day_factors` entry whose
/// offset matches a due date near `d`; 1 when none does.
pub fn repayment_factor(r: &Repayment, cal: &Calendar, d: Date) -> f64 {
    let mut best: Option<f64> = None;
    for due in due_dates_near(r, cal, d) {
        let off = (d - due).get_days();
        for (o, f) in &r.day_factors {
            if *o == off {
                best = Some(best.map_or(*f, |b: f64| b.max(*f)));
            }
        }
    }
    best.unwrap_or(1.0)
}

/// The repayment offsets (days from a due date) that `d` has for product `r`.
pub fn repayment_offsets(r: &Repayment, cal: &Calendar, d: Date) -> Vec<i32> {
    due_dates_near(r, cal, d)
        .iter()
        .map(|due| (d - *due).get_days())
        .collect()
}

/// Whether `d` is one of the workdays just before / just after a long holiday.
pub fn around_holiday(
    cal: &Calendar,
    d: Date,
    long: &[(Date, Date)],
    h: &HolidayEffects,
) -> (bool, bool) {
    if cal.is_day_off(d) {
        return (false, false);
    }
    let mut before = false;
    let mut after = false;
    for &(first, last) in long {
        if d < first && h.before_days > 0 {
            // count workdays from d (exclusive) to first (exclusive)
            let mut n = 0;
            let mut x = d;
            while let Ok(nx) = x.tomorrow() {
                x = nx;
                if x >= first {
                    break;
                }
                if !cal.is_day_off(x) {
                    n += 1;
                }
                if n >= h.before_days {
                    break;
                }
            }
            if n < h.before_days && (first - d).get_days() <= 30 {
                before = true;
            }
        }
        if d > last && h.after_days > 0 {
            let mut n = 0;
            let mut x = d;
            while let Ok(px) = x.yesterday() {
                x = px;
                if x <= last {
                    break;
                }
                if !cal.is_day_off(x) {
                    n += 1;
                }
                if n >= h.after_days {
                    break;
                }
            }
            if n < h.after_days && (d - last).get_days() <= 30 {
                after = true;
            }
        }
    }
    (before, after)
}
