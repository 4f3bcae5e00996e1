//! The candidate shifts of the rules on a grid: every shift type at every
//! allowed start, with its breaks placed and its cost.

use super::*;

impl ShiftRules {
    /// Every candidate shift for `channel` over `days` consecutive dates
    /// starting at `first`, on a grid of `interval_min` minutes with
    /// `horizon` intervals. Errors name `source` and the key whose times are
    /// off the grid.
    pub fn candidates(
        &self,
        channel: &str,
        first: Date,
        days: usize,
        interval_min: u32,
        horizon: usize,
        source: &str,
    ) -> Result<Vec<Candidate>, InputError> {
        self.candidates_at_most(
            channel,
            first,
            days,
            interval_min,
            horizon,
            source,
            DEFAULT_MAX_CANDIDATES,
        )
    }

    /// As [`ShiftRules::candidates`], refusing (before building them) more
    /// than `max` candidates: every start of every shift type on every day
    /// times every placement of its breaks.
    #[allow(clippy::too_many_arguments)]
    pub fn candidates_at_most(
        &self,
        channel: &str,
        first: Date,
        days: usize,
        interval_min: u32,
        horizon: usize,
        source: &str,
        max: usize,
    ) -> Result<Vec<Candidate>, InputError> {
        if crate::core::grid::check_interval_min(interval_min).is_err() {
            return Err(InputError::file(
                source,
                format!("interval of {interval_min} minutes does not divide the day"),
            ));
        }
        let too_many = |what: String| {
            InputError::file(
                source,
                format!(
                    "channel {channel}: {what}, more than the limit of {max} candidate shifts; raise it (ScheduleOptions.max_candidates) or use a coarser start_step_min or narrower break windows"
                ),
            )
        };
        let im = interval_min;
        let per_day = crate::core::grid::intervals_per_day(im);
        let grid = |v: u32, key: String| -> Result<usize, InputError> {
            if v % im != 0 {
                Err(InputError::at_key(
                    source,
                    key,
                    format!("{v} minutes is not on the requirement's {im}-minute grid"),
                ))
            } else {
                Ok((v / im) as usize)
            }
        };
        let open = match (self.open_minutes(channel, source)?, self.open.get(channel)) {
            (Some((a, b)), Some(o)) => Some((a, b, o.shifts_inside)),
            _ => None,
        };
        let mut out = Vec::new();
        let unit = self.cost_unit();
        for (si, s) in self.shift.iter().enumerate() {
            let per_hour = s.cost_per_hour / unit;
            if let Some(ch) = &s.channels {
                if !ch.iter().any(|c| c == channel) {
                    continue;
                }
            }
            let key = |k: &str| format!("[[shift]] {} ({}) {k}", si + 1, s.name);
            let e = grid(
                hhmm(&s.earliest_start, source, &key("earliest_start"))?,
                key("earliest_start"),
            )?;
            let l = grid(
                hhmm(&s.latest_start, source, &key("latest_start"))?,
                key("latest_start"),
            )?;
            if l < e {
                return Err(InputError::at_key(
                    source,
                    key("latest_start"),
                    "latest_start is before earliest_start",
                ));
            }
            // The step only matters when there is more than one start.
            let step = if l > e {
                grid(s.start_step_min, key("start_step_min"))?.max(1)
            } else {
                1
            };
            let len = grid(s.length_min, key("length_min"))?;
            let mut windows = Vec::new();
            for (b, br) in s.breaks.iter().enumerate() {
                let bk = |k: &str| format!("[[shift]] {} ({}) break {} {k}", si + 1, s.name, b + 1);
                windows.push((
                    grid(br.window_start_min, bk("window_start_min"))?,
                    grid(br.window_end_min, bk("window_end_min"))?,
                    grid(br.length_min, bk("length_min"))?,
                ));
            }
            let placements = break_placements(&windows, max).ok_or_else(|| {
                too_many(format!(
                    "shift {} has too many ways to place its breaks",
                    s.name
                ))
            })?;
            let starts = (l - e) / step + 1;
            let estimate =
                (out.len() as f64) + days as f64 * starts as f64 * placements.len() as f64;
            if estimate > max as f64 {
                return Err(too_many(format!(
                    "the rules give about {estimate:.3e} candidates (shift {}: {starts} starts × {} break placements × {days} days)",
                    s.name,
                    placements.len()
                )));
            }
            for d in 0..days {
                let date = first
                    .checked_add(jiff::Span::new().days(d as i64))
                    .unwrap_or(first);
                let next = date.tomorrow().unwrap_or(date);
                let mut st = e;
                while st <= l {
                    let start = d * per_day + st;
                    let end = start + len;
                    let inside = match open {
                        Some((a, b, true)) => {
                            let (a, b) = ((a / im) as usize, (b / im) as usize);
                            st >= a && st + len <= b
                        }
                        _ => true,
                    };
                    if end <= horizon && inside {
                        // Weight: paid minutes × cost per hour in units of
                        // the cheapest hour × premiums; cost: weight × unit.
                        let mut weight = 0.0;
                        for k in 0..len {
                            let abs_min = ((st + k) as u32) * im;
                            let day = if abs_min >= 1440 { next } else { date };
                            weight +=
                                per_hour * im as f64 / 60.0 * self.multiplier(day, abs_min % 1440);
                        }
                        let cost = weight * unit;
                        for p in &placements {
                            out.push(Candidate {
                                shift: si,
                                day: d,
                                start,
                                end,
                                breaks: p
                                    .iter()
                                    .map(|&(o, n)| (start + o, start + o + n))
                                    .collect(),
                                cost,
                                weight,
                            });
                        }
                    }
                    st += step;
                }
            }
        }
        Ok(out)
    }
}

/// Every way to place the breaks: offsets in their windows, in order, not
/// overlapping.
/// `None` when there are more than `max`.
fn break_placements(
    windows: &[(usize, usize, usize)],
    max: usize,
) -> Option<Vec<Vec<(usize, usize)>>> {
    let mut out = vec![Vec::new()];
    for &(a, b, len) in windows {
        let mut next = Vec::new();
        for p in &out {
            let free = p.last().map_or(0, |&(o, n): &(usize, usize)| o + n);
            for o in a.max(free)..=b {
                if next.len() >= max {
                    return None;
                }
                let mut q = p.clone();
                q.push((o, len));
                next.push(q);
            }
        }
        out = next;
    }
    Some(out)
}
