//! Holiday profiles: day factors of one named holiday that carry over to
//! its next occurrence, whatever its dates.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::calendar::HolidayBlock;

/// Calendar days before a holiday block that a profile covers (the eve and
/// the two days before it).
pub const PROFILE_DAYS_BEFORE: usize = 3;
/// Calendar days after a holiday block that a profile covers (the first
/// workdays back).
pub const PROFILE_DAYS_AFTER: usize = 5;

/// The day factors of one named holiday (`[channel.NAME.holiday_profile."Spring Festival"]`),
/// multiplying the day's forecast on top of every other factor. `wfm fit`
/// learns them from the holiday's last occurrence in the history, as the
/// ratio of the observed day total to what the fitted model predicted,
/// so they carry the holiday's own rhythm (the rush on the eve, the quiet
/// first days, the return to work) to its next occurrence, found in the
/// scenario's calendar by its name ([`crate::core::calendar::Calendar::named_blocks`])
/// even when it falls on other dates (Spring Festival moves with the lunar
/// calendar).
///
/// A block of another length than the one learned: the first half of
/// `days` (rounded up) holds from the block's first day, the rest from its
/// last day, and the days between (a longer block) repeat the last factor
/// of the first half; so the start and the end of the holiday keep their
/// factors.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayProfile {
    /// Factors of the calendar days before the block: the eve first
    /// (`before[0]`), then the day before it, … (at most
    /// [`PROFILE_DAYS_BEFORE`] are learned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<f64>,
    /// Factors of the block's days, its first day first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<f64>,
    /// Factors of the calendar days after the block, the first day back
    /// first (at most [`PROFILE_DAYS_AFTER`] are learned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<f64>,
}

impl HolidayProfile {
    /// The factor of `d` for one occurrence of the holiday (1 when `d` is
    /// outside its reach).
    ///
    /// ```
    /// use wfm::core::calendar::HolidayBlock;
    /// use wfm::demand::scenario::HolidayProfile;
    /// let p = HolidayProfile { before: vec![1.4], days: vec![0.3, 0.5, 0.9], after: vec![1.6] };
    /// let d = |s: &str| s.parse().unwrap();
    /// // Five days this time: 0.3, 0.5 from the start, then 0.5, 0.5, 0.9 from the end.
    /// let b = HolidayBlock { name: "x".into(), first: d("2027-02-06"), last: d("2027-02-10") };
    /// let f: Vec<f64> = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-10", "2027-02-11", "2027-02-12"]
    ///     .iter().map(|s| p.factor(&b, d(s))).collect();
    /// assert_eq!(f, [1.4, 0.3, 0.5, 0.5, 0.9, 1.6, 1.0]);
    /// ```
    pub fn factor(&self, block: &HolidayBlock, d: Date) -> f64 {
        if d < block.first {
            let k = (block.first - d).get_days() as usize;
            return self.before.get(k - 1).copied().unwrap_or(1.0);
        }
        if d > block.last {
            let k = (d - block.last).get_days() as usize;
            return self.after.get(k - 1).copied().unwrap_or(1.0);
        }
        let l = self.days.len();
        if l == 0 {
            return 1.0;
        }
        let n = (block.last - block.first).get_days() as usize + 1;
        let k = (d - block.first).get_days() as usize;
        // The first ⌈l/2⌉ factors hold from the start, the others from the
        // end; days between (a longer block) repeat the last of the start.
        let head = l.div_ceil(2);
        let i = if k < head.min(n.div_ceil(2)) {
            k
        } else if n - k <= (l - head).min(n - n.div_ceil(2)) {
            l - (n - k)
        } else {
            head - 1
        };
        self.days.get(i).copied().unwrap_or(1.0)
    }

    /// Every factor, for validation.
    pub(crate) fn all(&self) -> impl Iterator<Item = &f64> {
        self.before.iter().chain(&self.days).chain(&self.after)
    }
}
