//! The shift rules checked: every key in range, every name known, the rules
//! against a requirement.

use super::*;

impl ShiftRules {
    /// Checks every key that does not depend on the requirement's grid.
    pub fn check(&self, source: &str) -> Result<(), InputError> {
        if self.shift.is_empty() {
            return Err(InputError::at_key(
                source,
                "shift",
                "expected at least one [[shift]]",
            ));
        }
        for (i, s) in self.shift.iter().enumerate() {
            let key = |k: &str| format!("[[shift]] {} ({}) {k}", i + 1, s.name);
            let e = hhmm(&s.earliest_start, source, &key("earliest_start"))?;
            let l = hhmm(&s.latest_start, source, &key("latest_start"))?;
            if e >= 1440 || l >= 1440 {
                return Err(InputError::at_key(
                    source,
                    key(if e >= 1440 {
                        "earliest_start"
                    } else {
                        "latest_start"
                    }),
                    "expected a start time from 00:00 to 23:59, got 24:00",
                ));
            }
            if l < e {
                return Err(InputError::at_key(
                    source,
                    key("latest_start"),
                    format!(
                        "latest_start {} is before earliest_start {}; starts lie within one day (for starts on both sides of midnight, give two [[shift]] types)",
                        s.latest_start, s.earliest_start
                    ),
                ));
            }
            if s.length_min == 0 || s.length_min > 1440 {
                return Err(InputError::at_key(
                    source,
                    key("length_min"),
                    format!("expected a paid length of 1 to 1440 minutes (a shift cannot be longer than a day), got {}", s.length_min),
                ));
            }
            if s.start_step_min == 0 {
                return Err(InputError::at_key(
                    source,
                    key("start_step_min"),
                    "expected minutes >= 1, got 0",
                ));
            }
            if !(s.cost_per_hour.is_finite()
                && (0.0..=MAX_COST_PER_HOUR).contains(&s.cost_per_hour))
            {
                return Err(InputError::at_key(
                    source,
                    key("cost_per_hour"),
                    format!(
                        "expected a cost from 0 to {MAX_COST_PER_HOUR:e} per hour, got {:e}",
                        s.cost_per_hour
                    ),
                ));
            }
            if let (Some(lo), Some(hi)) = (s.min_agents, s.max_agents) {
                if lo > hi {
                    return Err(InputError::at_key(
                        source,
                        key("min_agents"),
                        format!("min_agents {lo} is above max_agents {hi}"),
                    ));
                }
            }
            let mut earliest_free = 0;
            for (b, br) in s.breaks.iter().enumerate() {
                let bkey =
                    |k: &str| format!("[[shift]] {} ({}) break {} {k}", i + 1, s.name, b + 1);
                if br.length_min == 0 {
                    return Err(InputError::at_key(
                        source,
                        bkey("length_min"),
                        "expected minutes >= 1, got 0",
                    ));
                }
                if br.window_end_min < br.window_start_min {
                    return Err(InputError::at_key(
                        source,
                        bkey("window_end_min"),
                        format!(
                            "window ends ({}) before it starts ({})",
                            br.window_end_min, br.window_start_min
                        ),
                    ));
                }
                if br.window_end_min + br.length_min > s.length_min {
                    return Err(InputError::at_key(
                        source,
                        bkey("window_end_min"),
                        format!(
                            "a break starting {} min after the start and lasting {} min ends after the {}-minute shift: the window lies outside its shift",
                            br.window_end_min, br.length_min, s.length_min
                        ),
                    ));
                }
                if br.window_end_min < earliest_free {
                    return Err(InputError::at_key(
                        source,
                        bkey("window_end_min"),
                        "no start in the window comes after the previous break",
                    ));
                }
                earliest_free = br.window_start_min + br.length_min;
            }
        }
        for (i, p) in self.premium.iter().enumerate() {
            let key = |k: &str| format!("[[premium]] {} {k}", i + 1);
            if !(p.multiplier.is_finite() && (0.0..=MAX_MULTIPLIER).contains(&p.multiplier)) {
                return Err(InputError::at_key(
                    source,
                    key("multiplier"),
                    format!(
                        "expected a multiplier from 0 to {MAX_MULTIPLIER}, got {}",
                        p.multiplier
                    ),
                ));
            }
            if p.start.is_some() != p.end.is_some() {
                return Err(InputError::at_key(
                    source,
                    key("start"),
                    "give both start and end, or neither",
                ));
            }
            if let (Some(a), Some(b)) = (&p.start, &p.end) {
                hhmm(a, source, &key("start"))?;
                hhmm(b, source, &key("end"))?;
            }
            for t in p.day_types.iter().flatten() {
                if crate::core::calendar::PayClass::parse(t).is_none() {
                    return Err(InputError::at_key(
                        source,
                        key("day_types"),
                        format!(
                            "expected day types among {}, got {t:?}",
                            crate::core::calendar::PayClass::NAMES.join(", ")
                        ),
                    ));
                }
            }
            for d in p.days.iter().flatten() {
                weekday(d).ok_or_else(|| {
                    InputError::at_key(
                        source,
                        key("days"),
                        format!("expected weekdays mon..sun, got {d:?}"),
                    )
                })?;
            }
        }
        for name in self.open.keys() {
            self.open_minutes(name, source)?;
        }
        if let Some(w) = &self.weekly {
            if w.max_days == 0 || w.max_days > 7 {
                return Err(InputError::at_key(
                    source,
                    "[weekly] max_days",
                    format!("expected 1 to 7 days, got {}", w.max_days),
                ));
            }
            for p in w.days_off.iter().flatten() {
                for d in p.split(',') {
                    weekday(d).ok_or_else(|| {
                        InputError::at_key(
                            source,
                            "[weekly] days_off",
                            format!("expected weekdays mon..sun separated by commas, got {p:?}"),
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Checks the keys that depend on the requirement: the times of every
    /// `[open.NAME]` of `channels` lie on the `interval_min` grid, and, when
    /// `all_channels` says `channels` are all the centre's channels (a plan,
    /// a review), every `[open.NAME]` names one of them. A rules file shared
    /// by the whole centre may open channels a one-channel requirement does
    /// not have: [`ShiftRules::unused_open`] lists those.
    pub fn check_against(
        &self,
        channels: &[&str],
        all_channels: bool,
        interval_min: u32,
        source: &str,
    ) -> Result<(), InputError> {
        for name in self.open.keys() {
            if !channels.contains(&name.as_str()) {
                if !all_channels {
                    continue;
                }
                return Err(InputError::at_key(
                    source,
                    format!("[open.{name}]"),
                    format!(
                        "no channel {name:?} to open; the channels are {}",
                        channels.join(", ")
                    ),
                ));
            }
            if let Some((a, b)) = self.open_minutes(name, source)? {
                for (m, k, v) in [
                    (a, "start", &self.open[name].start),
                    (b, "end", &self.open[name].end),
                ] {
                    if interval_min == 0 || m % interval_min != 0 {
                        return Err(InputError::at_key(
                            source,
                            format!("[open.{name}] {k}"),
                            format!(
                                "{v} is not on the {interval_min}-minute grid of the intervals"
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
