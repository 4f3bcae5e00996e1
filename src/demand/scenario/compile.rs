//! A scenario checked key by key and compiled into per-interval shares,
//! event windows and reminder windows.

#[allow(unused_imports)]
use super::*;

/// Built-in hourly weights (00:00 to 23:00) of a Chinese consumer lender.
pub(super) fn builtin_hourly(name: &str) -> Option<[f64; 24]> {
    match name {
        // Rising from 08:00, peaks 09–11 and 14–16, a lunch dip, a long
        // evening tail (app users after work), low night volume.
        "lender-workday" => Some([
            0.6, 0.4, 0.3, 0.25, 0.25, 0.35, 0.7, 1.6, 4.2, 7.6, 8.0, 6.2, 4.4, 5.2, 7.4, 7.6, 6.4,
            5.4, 4.6, 4.4, 4.0, 3.2, 2.2, 1.2,
        ]),
        // Later start, one broad daytime plateau, a stronger evening.
        "lender-weekend" => Some([
            0.8, 0.5, 0.4, 0.3, 0.3, 0.4, 0.7, 1.3, 2.6, 4.4, 5.6, 5.6, 4.8, 5.0, 5.4, 5.4, 5.0,
            4.6, 4.4, 4.6, 4.4, 3.6, 2.6, 1.5,
        ]),
        // Flatter still: late mornings, long evenings.
        "lender-holiday" => Some([
            0.9, 0.6, 0.4, 0.3, 0.3, 0.4, 0.6, 1.0, 2.0, 3.6, 4.8, 5.2, 4.8, 4.8, 5.0, 5.0, 4.8,
            4.6, 4.6, 4.8, 4.6, 3.9, 2.9, 1.7,
        ]),
        "flat" => Some([1.0; 24]),
        _ => None,
    }
}

/// The names of the built-in intraday shapes.
pub const BUILTIN_PROFILES: [&str; 4] =
    ["lender-workday", "lender-weekend", "lender-holiday", "flat"];

/// A built-in shape on a grid of `interval_min` minutes: each interval gets
/// the hourly weight of the minutes it covers, normalised to sum to 1.
pub fn builtin_profile(name: &str, interval_min: u32) -> Option<Vec<f64>> {
    let hourly = builtin_hourly(name)?;
    let m = crate::core::grid::intervals_per_day(interval_min);
    let mut shares = vec![0.0; m];
    for (i, s) in shares.iter_mut().enumerate() {
        let (a, b) = (i as u32 * interval_min, (i as u32 + 1) * interval_min);
        for minute in a..b {
            *s += hourly[(minute / 60) as usize];
        }
    }
    let total: f64 = shares.iter().sum();
    shares.iter_mut().for_each(|s| *s /= total);
    Some(shares)
}

/// A scenario checked and compiled for generation: shares per channel and
/// day type, dates parsed.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// Channels in file order (sorted by name).
    pub channels: Vec<String>,
    /// Shares per channel per day type (`DayType as usize`).
    pub shares: Vec<[Vec<f64>; 3]>,
    /// Per channel, the shares of each weekday (Monday first) on days that
    /// are neither holidays nor make-up workdays, when the channel has
    /// `by_weekday`.
    pub weekday_shares: Vec<Option<Vec<Vec<f64>>>>,
    pub(super) events: Vec<EventWindow>,
    pub(super) reminders: Vec<Reminder>,
}

/// An event, parsed: intervals starting in `[start, end)` get `factor` on the
/// channels in `mask`.
#[derive(Debug, Clone)]
pub(super) struct EventWindow {
    pub(super) start: DateTime,
    pub(super) end: DateTime,
    pub(super) mask: Vec<bool>,
    pub(super) factor: f64,
}

/// A reminder push of repayment product `repayment`, parsed.
#[derive(Debug, Clone)]
pub(super) struct Reminder {
    pub(super) repayment: usize,
    pub(super) start_min: f64,
    pub(super) end_min: f64,
    pub(super) factor: f64,
    pub(super) mask: Vec<bool>,
    pub(super) days: Vec<i32>,
}

pub(super) fn channel_mask(
    list: &Option<Vec<String>>,
    channels: &[String],
    source: &str,
    key: &str,
) -> Result<Vec<bool>, InputError> {
    match list {
        None => Ok(vec![true; channels.len()]),
        Some(l) => {
            let mut mask = vec![false; channels.len()];
            for name in l {
                match channels.iter().position(|c| c == name) {
                    Some(i) => mask[i] = true,
                    None => {
                        return Err(InputError::at_key(
                            source,
                            key,
                            format!(
                                "unknown channel {name:?} (the scenario has {})",
                                channels.join(", ")
                            ),
                        ))
                    }
                }
            }
            Ok(mask)
        }
    }
}

pub(super) fn check_factor(v: f64, source: &str, key: &str) -> Result<(), InputError> {
    if v.is_finite() && (0.0..=MAX_FACTOR).contains(&v) {
        Ok(())
    } else {
        Err(InputError::at_key(
            source,
            key,
            format!("expected a factor >= 0 (at most {MAX_FACTOR}), got {v}"),
        ))
    }
}

/// The largest demand factor accepted (a day, an event, a reminder): a
/// thousand times the normal volume is beyond any surge.
pub const MAX_FACTOR: f64 = 1000.0;
/// The largest daily volume of a channel accepted.
pub const MAX_DAILY_VOLUME: f64 = 1e8;
/// The longest handle time or patience accepted, seconds (a day).
pub const MAX_SECONDS: f64 = 86_400.0;
impl Scenario {
    /// Checks every key and compiles the profiles; errors name `source` and the key.
    pub fn compile(&self, source: &str) -> Result<(Compiled, Vec<Warning>), InputError> {
        let mut warnings = Vec::new();
        let im = self.interval_min;
        if crate::core::grid::check_interval_min(im).is_err() {
            return Err(InputError::at_key(
                source,
                "interval_min",
                format!("expected a whole number of minutes that divides a day (15, 30, 60, ...), got {im}"),
            ));
        }
        if self.channel.is_empty() {
            return Err(InputError::at_key(
                source,
                "channel",
                "expected at least one [channel.NAME] table",
            ));
        }
        let channels: Vec<String> = self.channel.keys().cloned().collect();
        let mut shares = Vec::new();
        let mut weekday_shares = Vec::new();
        for (name, ch) in &self.channel {
            check_channel(name, ch, im, source)?;
            let (by_type, by_weekday) = channel_shares(name, ch, im, source, &mut warnings)?;
            shares.push(by_type);
            weekday_shares.push(by_weekday);
        }
        self.check_repayments(&channels, source)?;
        self.check_month_end_and_holidays(&channels, source)?;
        let events = self.event_windows(&channels, source)?;
        let reminders = self.reminders(&channels, source)?;
        Ok((
            Compiled {
                interval_min: im,
                channels,
                shares,
                weekday_shares,
                events,
                reminders,
            },
            warnings,
        ))
    }

    /// Every `[[repayment]]`: due days, factors, the reminder's hours and
    /// time, its channels.
    fn check_repayments(&self, channels: &[String], source: &str) -> Result<(), InputError> {
        for (i, r) in self.repayment.iter().enumerate() {
            let key = |k: &str| format!("[[repayment]] #{} {k}", i + 1);
            if r.due_days.is_empty() || r.due_days.iter().any(|d| !(1..=31).contains(d)) {
                return Err(InputError::at_key(
                    source,
                    key("due_days"),
                    format!("expected days of the month 1-31, got {:?}", r.due_days),
                ));
            }
            for (o, f) in &r.day_factors {
                check_factor(*f, source, &key(&format!("day_factors[{o}]")))?;
            }
            check_factor(r.reminder_factor, source, &key("reminder_factor"))?;
            if !(r.reminder_hours.is_finite() && r.reminder_hours > 0.0 && r.reminder_hours <= 24.0)
            {
                return Err(InputError::at_key(
                    source,
                    key("reminder_hours"),
                    format!("expected hours > 0 (at most 24), got {}", r.reminder_hours),
                ));
            }
            if let Some(t) = &r.reminder_time {
                parse_time(t).ok_or_else(|| {
                    InputError::at_key(
                        source,
                        key("reminder_time"),
                        format!("expected HH:MM, got {t:?}"),
                    )
                })?;
            }
            channel_mask(&r.channels, channels, source, &key("channels"))?;
        }
        Ok(())
    }

    /// `[month_end]` and `[holidays]`: factors, channels, the long-holiday
    /// length.
    fn check_month_end_and_holidays(
        &self,
        channels: &[String],
        source: &str,
    ) -> Result<(), InputError> {
        if let Some(me) = &self.month_end {
            check_factor(me.factor, source, "[month_end] factor")?;
            if !(1..=super::MAX_MONTH_END_DAYS).contains(&me.days) {
                return Err(InputError::at_key(
                    source,
                    "[month_end] days",
                    format!(
                        "expected 1 to {} days (the last days of each month), got {}",
                        super::MAX_MONTH_END_DAYS,
                        me.days
                    ),
                ));
            }
            channel_mask(&me.channels, channels, source, "[month_end] channels")?;
        }
        if let Some(h) = &self.holidays {
            check_factor(h.before_factor, source, "[holidays] before_factor")?;
            check_factor(h.after_factor, source, "[holidays] after_factor")?;
            channel_mask(&h.channels, channels, source, "[holidays] channels")?;
            if h.long_min_days == 0 {
                return Err(InputError::at_key(
                    source,
                    "[holidays] long_min_days",
                    "expected a number of days >= 1, got 0",
                ));
            }
        }
        Ok(())
    }

    /// Every `[[event]]` parsed: its window, channels and factor.
    fn event_windows(
        &self,
        channels: &[String],
        source: &str,
    ) -> Result<Vec<EventWindow>, InputError> {
        let mut events = Vec::new();
        for (i, e) in self.event.iter().enumerate() {
            let key = |k: &str| format!("[[event]] #{} {k}", i + 1);
            let at = |k: &str, v: &str| {
                parse_datetime(v).ok_or_else(|| {
                    InputError::at_key(
                        source,
                        key(k),
                        format!("expected YYYY-MM-DD HH:MM, got {v:?}"),
                    )
                })
            };
            let start = at("start", &e.start)?;
            let end = at("end", &e.end)?;
            if end <= start {
                return Err(InputError::at_key(
                    source,
                    key("end"),
                    format!("expected a time after start {}, got {}", e.start, e.end),
                ));
            }
            check_factor(e.factor, source, &key("factor"))?;
            events.push(EventWindow {
                start,
                end,
                mask: channel_mask(&e.channels, channels, source, &key("channels"))?,
                factor: e.factor,
            });
        }
        Ok(events)
    }

    /// The reminder pushes of the repayment products that have a time.
    fn reminders(&self, channels: &[String], source: &str) -> Result<Vec<Reminder>, InputError> {
        let mut reminders = Vec::new();
        for (i, r) in self.repayment.iter().enumerate() {
            if let Some(t) = r.reminder_time.as_deref().and_then(parse_time) {
                let start_min = minute_of_day(t) as f64;
                reminders.push(Reminder {
                    repayment: i,
                    start_min,
                    end_min: start_min + r.reminder_hours * 60.0,
                    factor: r.reminder_factor,
                    mask: channel_mask(&r.channels, channels, source, "")?,
                    days: r.reminder_days.clone(),
                });
            }
        }
        Ok(reminders)
    }
}

/// Checks one channel's values: volume, handle and patience times, factors,
/// dispersion, handle time by interval, growth, damping, holiday profiles.
fn check_channel(name: &str, ch: &ChannelDemand, im: u32, source: &str) -> Result<(), InputError> {
    let m = crate::core::grid::intervals_per_day(im);
    let key = |k: &str| format!("[channel.{name}] {k}");
    if !(ch.daily_volume.is_finite() && (0.0..=MAX_DAILY_VOLUME).contains(&ch.daily_volume)) {
        return Err(InputError::at_key(
            source,
            key("daily_volume"),
            format!(
                "expected a volume >= 0 (at most {MAX_DAILY_VOLUME:e} a day), got {}",
                ch.daily_volume
            ),
        ));
    }
    if !(ch.aht_s.is_finite() && ch.aht_s > 0.0 && ch.aht_s <= MAX_SECONDS) {
        return Err(InputError::at_key(
            source,
            key("aht_s"),
            format!(
                "expected seconds > 0 (at most a day, 86400), got {}",
                ch.aht_s
            ),
        ));
    }
    if let Some(p) = ch.patience_s {
        if !(p.is_finite() && p > 0.0 && p <= MAX_SECONDS) {
            return Err(InputError::at_key(
                source,
                key("patience_s"),
                format!("expected seconds > 0 (at most a day, 86400), got {p}"),
            ));
        }
    }
    for (i, f) in ch.dow_factors.iter().enumerate() {
        check_factor(*f, source, &key(&format!("dow_factors[{i}]")))?;
    }
    check_factor(ch.holiday_factor, source, &key("holiday_factor"))?;
    check_factor(ch.makeup_factor, source, &key("makeup_factor"))?;
    for (k, v) in [("day_cv", ch.day_cv), ("interval_cv", ch.interval_cv)] {
        if !(v.is_finite() && (0.0..=10.0).contains(&v)) {
            return Err(InputError::at_key(
                source,
                key(k),
                format!("expected a coefficient of variation from 0 to 10, got {v}"),
            ));
        }
    }
    if let Some(rows) = &ch.aht_by_interval {
        if rows.len() != 7 || rows.iter().any(|r| r.len() != m) {
            return Err(InputError::at_key(
                source,
                key("aht_by_interval"),
                format!("expected 7 rows (Monday to Sunday) of {m} values (one per {im}-minute interval)"),
            ));
        }
        if let Some(x) = rows
            .iter()
            .flatten()
            .find(|x| !(x.is_finite() && **x > 0.0 && **x <= MAX_SECONDS))
        {
            return Err(InputError::at_key(
                source,
                key("aht_by_interval"),
                format!("expected seconds > 0 (at most a day, 86400), got {x}"),
            ));
        }
    }
    if !(ch.weekly_growth.is_finite() && ch.weekly_growth > -1.0 && ch.weekly_growth <= 1.0) {
        return Err(InputError::at_key(
            source,
            key("weekly_growth"),
            format!(
                "expected a share above -1 and at most 1 (doubling a week), got {}",
                ch.weekly_growth
            ),
        ));
    }
    if !(ch.trend_damping.is_finite() && ch.trend_damping > 0.0 && ch.trend_damping <= 1.0) {
        return Err(InputError::at_key(
            source,
            key("trend_damping"),
            format!("expected a factor in (0, 1], got {}", ch.trend_damping),
        ));
    }
    for (hname, p) in &ch.holiday_profile {
        let at = format!("[channel.{name}.holiday_profile.\"{hname}\"]");
        if let Some(x) = p
            .all()
            .find(|x| !(x.is_finite() && **x >= 0.0 && **x <= 1e6))
        {
            return Err(InputError::at_key(
                source,
                at,
                format!("expected factors from 0 to 1e6, got {x}"),
            ));
        }
        if p.days.len() > 366 || p.before.len() > 366 || p.after.len() > 366 {
            return Err(InputError::at_key(
                source,
                at,
                "expected at most 366 factors in each list".to_string(),
            ));
        }
    }
    Ok(())
}

/// One channel's intraday shares: per day type, and per weekday when it
/// has `by_weekday`.
#[allow(clippy::type_complexity)]
fn channel_shares(
    name: &str,
    ch: &ChannelDemand,
    im: u32,
    source: &str,
    warnings: &mut Vec<Warning>,
) -> Result<([Vec<f64>; 3], Option<Vec<Vec<f64>>>), InputError> {
    let m = crate::core::grid::intervals_per_day(im);
    let mut per_type: [Vec<f64>; 3] = Default::default();
    for (t, p) in [
        &ch.intraday.workday,
        &ch.intraday.weekend,
        &ch.intraday.holiday,
    ]
    .into_iter()
    .enumerate()
    {
        let k = format!("[channel.{name}.intraday] {}", DayType::ALL[t].name());
        per_type[t] = compile_profile(p, im, m, source, &k, warnings)?;
    }
    let by_weekday = match &ch.intraday.by_weekday {
        None => None,
        Some(v) if v.len() != 7 => {
            return Err(InputError::at_key(
                source,
                format!("[channel.{name}.intraday] by_weekday"),
                format!("expected 7 profiles, Monday to Sunday, got {}", v.len()),
            ))
        }
        Some(v) => {
            let mut out = Vec::with_capacity(7);
            for (i, p) in v.iter().enumerate() {
                let k = format!("[channel.{name}.intraday] by_weekday[{i}]");
                out.push(compile_profile(p, im, m, source, &k, warnings)?);
            }
            Some(out)
        }
    };
    Ok((per_type, by_weekday))
}

pub(super) fn compile_profile(
    p: &Profile,
    im: u32,
    m: usize,
    source: &str,
    key: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<f64>, InputError> {
    match p {
        Profile::Builtin(name) => builtin_profile(name, im).ok_or_else(|| {
            InputError::at_key(
                source,
                key,
                format!(
                    "unknown built-in profile {name:?} (known: {})",
                    BUILTIN_PROFILES.join(", ")
                ),
            )
        }),
        Profile::Shares(v) => {
            if v.len() != m {
                return Err(InputError::at_key(
                    source,
                    key,
                    format!(
                        "expected {m} shares (one per {im}-minute interval from 00:00), got {}",
                        v.len()
                    ),
                ));
            }
            if let Some((i, x)) = v
                .iter()
                .enumerate()
                .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
            {
                return Err(InputError::at_key(
                    source,
                    key,
                    format!("expected shares >= 0, got {x} at position {}", i + 1),
                ));
            }
            let total: f64 = v.iter().sum();
            if total <= 0.0 {
                return Err(InputError::at_key(
                    source,
                    key,
                    "the shares sum to 0: the day would have no volume",
                ));
            }
            if (total - 1.0).abs() > 1e-3 {
                warnings.push(Warning(format!(
                    "{source}: {key}: the shares sum to {total:.6}, not 1; normalised"
                )));
            }
            Ok(v.iter().map(|x| x / total).collect())
        }
    }
}

/// Reads a shares CSV `time,workday,weekend,holiday` on the grid.
pub(super) fn read_shares_csv(path: &Path, im: u32) -> Result<[Vec<f64>; 3], InputError> {
    let source = path.display().to_string();
    let text = crate::core::textio::read_text(path)?;
    let mut rdr = crate::core::textio::csv_reader(text.as_bytes());
    let (headers, idx, _) = crate::core::textio::read_header(
        &mut rdr,
        &source,
        &["time", "workday", "weekend", "holiday"],
        &[],
    )?;
    let m = crate::core::grid::intervals_per_day(im);
    let mut out: [Vec<f64>; 3] = [vec![f64::NAN; m], vec![f64::NAN; m], vec![f64::NAN; m]];
    crate::core::textio::each_record(&mut rdr, &source, &headers, |cell| {
        let t = cell.time(idx[0].unwrap_or(0), im)?;
        let i = (minute_of_day(t) / im) as usize;
        for (k, col) in idx[1..4].iter().enumerate() {
            out[k][i] = cell.number_in(col.unwrap_or(0), 0.0, 1e9, "a share >= 0 (at most 1e9)")?;
        }
        Ok(())
    })?;
    for (i, x) in out[0].iter().enumerate() {
        if x.is_nan() {
            let min = i as u32 * im;
            return Err(InputError::file(
                &source,
                format!(
                    "no row for {} (every {im}-minute interval of the day needs a share)",
                    format_time(Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("time"))
                ),
            ));
        }
    }
    Ok(out)
}
