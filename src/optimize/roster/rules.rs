//! Labour rules: the defaults of Chinese labour law's standard
//! working-hours system, all configurable.

use serde::{Deserialize, Serialize};

use crate::core::input::InputError;

/// The rules a roster of named agents must keep (`--rules FILE`, TOML).
/// Defaults follow the standard working-hours system:
///
/// | key | default | source |
/// |---|---|---|
/// | `max_hours_day` | 11 | 8 standard + 3 overtime (Labour Law art. 41) |
/// | `max_hours_week` | 40 | 8 h a day, 40 h a week (State Council provisions on working hours, 1995) |
/// | `hours_period_weeks` | 1 | the comprehensive system averages weekly hours over a period: set it to the period's weeks |
/// | `standard_hours_day` | 8 | hours of a day above which work is overtime (Labour Law art. 36) |
/// | `max_overtime_hours_month` | 36 | Labour Law art. 41 |
/// | `min_rest_hours` | 11 | a centre's policy: the law sets no daily rest between shifts |
/// | `max_consecutive_days` | 6 | at least one day off a week (Labour Law art. 38) |
/// | `min_days_off_week` | 1 | Labour Law art. 38 |
/// | `max_nights_week` | 3 | a centre's policy; a night is a shift with any paid minute in 22:00–06:00 |
/// | `stable_week` | true | an agent keeps one shift type through a week |
/// | `contract_tolerance` | 0.1 | an agent's week may exceed `hours_per_week` by this share |
/// | `fill_contracts` | true | shifts are added beyond the requirement, at its peaks, until the agents' contracts are filled ([`super::topup`]) |
/// | `meal_break_min` | 60 | a break this long or longer is a meal: not working time (the 9-hour day with a 1-hour lunch is 8 hours of work) |
/// | `fair` | night, weekend, statutory | counts kept even within a contract |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabourRules {
    /// Paid hours in one day (by the shift's start date), at most.
    pub max_hours_day: f64,
    /// Paid hours in a week (Monday to Sunday, by start date), at most, on
    /// average over `hours_period_weeks`.
    pub max_hours_week: f64,
    /// The weeks weekly hours are averaged over (1: every week on its own).
    pub hours_period_weeks: u32,
    /// Hours of a day above which work is overtime.
    pub standard_hours_day: f64,
    /// Overtime hours in a calendar month, at most.
    pub max_overtime_hours_month: f64,
    /// Hours between the end of one shift and the start of the next, at least.
    pub min_rest_hours: f64,
    /// Working days in a row, at most.
    pub max_consecutive_days: u32,
    /// Days off in a week (Monday to Sunday, whole weeks of the roster), at least.
    pub min_days_off_week: u32,
    /// Night shifts in a week, at most.
    pub max_nights_week: u32,
    /// One shift type per agent and week.
    pub stable_week: bool,
    /// Share by which a week may exceed the agent's `hours_per_week`.
    pub contract_tolerance: f64,
    /// The counts fairness keeps even within a contract: `night`, `weekend`, `statutory`.
    pub fair: Vec<String>,
    /// Minutes from which a break is a meal break: not working time, so
    /// the law's hours (`max_hours_day`, `max_hours_week`, overtime above
    /// `standard_hours_day`) and the contract's hours exclude it, while the
    /// pay includes it as the shift rules price it. 0: every break is
    /// working time.
    pub meal_break_min: u32,
    /// Whether shifts are added beyond the requirement until the agents'
    /// contracts are filled ([`super::topup`]): the people are paid their
    /// contracts, so their hours go where they lift service most.
    pub fill_contracts: bool,
}

impl Default for LabourRules {
    fn default() -> Self {
        LabourRules {
            max_hours_day: 11.0,
            max_hours_week: 40.0,
            hours_period_weeks: 1,
            standard_hours_day: 8.0,
            max_overtime_hours_month: 36.0,
            min_rest_hours: 11.0,
            max_consecutive_days: 6,
            min_days_off_week: 1,
            max_nights_week: 3,
            stable_week: true,
            contract_tolerance: 0.1,
            fair: vec!["night".into(), "weekend".into(), "statutory".into()],
            meal_break_min: 60,
            fill_contracts: true,
        }
    }
}

/// The fairness counts [`LabourRules::fair`] may name.
pub const FAIR_COUNTS: [&str; 3] = ["night", "weekend", "statutory"];

impl LabourRules {
    /// Parses a rules file; every key is checked, errors name it.
    ///
    /// ```
    /// use wfm::optimize::roster::LabourRules;
    /// let r = LabourRules::parse("max_hours_week = 44\nhours_period_weeks = 4\n", "rules.toml").unwrap();
    /// assert_eq!((r.max_hours_week, r.hours_period_weeks, r.max_hours_day), (44.0, 4, 11.0));
    /// assert!(LabourRules::parse("max_hours_day = 30\n", "rules.toml").is_err());
    /// ```
    pub fn parse(text: &str, source: &str) -> Result<LabourRules, InputError> {
        let r: LabourRules =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        r.check(source)?;
        Ok(r)
    }

    /// Reads a rules file.
    pub fn from_path(path: &std::path::Path) -> Result<LabourRules, InputError> {
        let text = crate::core::textio::read_text(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Checks every value's range.
    pub fn check(&self, source: &str) -> Result<(), InputError> {
        let hours = |key: &str, x: f64, max: f64| -> Result<(), InputError> {
            if x.is_finite() && x >= 0.0 && x <= max {
                Ok(())
            } else {
                Err(InputError::at_key(
                    source,
                    key,
                    format!("expected hours from 0 to {max}, got {x}"),
                ))
            }
        };
        hours("max_hours_day", self.max_hours_day, 24.0)?;
        hours("max_hours_week", self.max_hours_week, 168.0)?;
        hours("standard_hours_day", self.standard_hours_day, 24.0)?;
        hours(
            "max_overtime_hours_month",
            self.max_overtime_hours_month,
            744.0,
        )?;
        hours("min_rest_hours", self.min_rest_hours, 48.0)?;
        let count = |key: &str, x: u32, lo: u32, hi: u32| -> Result<(), InputError> {
            if (lo..=hi).contains(&x) {
                Ok(())
            } else {
                Err(InputError::at_key(
                    source,
                    key,
                    format!("expected {lo} to {hi}, got {x}"),
                ))
            }
        };
        count("hours_period_weeks", self.hours_period_weeks, 1, 52)?;
        count("max_consecutive_days", self.max_consecutive_days, 1, 366)?;
        count("min_days_off_week", self.min_days_off_week, 0, 7)?;
        count("max_nights_week", self.max_nights_week, 0, 7)?;
        count("meal_break_min", self.meal_break_min, 0, 1440)?;
        if !(self.contract_tolerance.is_finite() && (0.0..=1.0).contains(&self.contract_tolerance))
        {
            return Err(InputError::at_key(
                source,
                "contract_tolerance",
                format!(
                    "expected a share in [0, 1], got {}",
                    self.contract_tolerance
                ),
            ));
        }
        if let Some(f) = self
            .fair
            .iter()
            .find(|f| !FAIR_COUNTS.contains(&f.as_str()))
        {
            return Err(InputError::at_key(
                source,
                "fair",
                format!(
                    "expected night, weekend or statutory, got {:?}",
                    crate::core::textio::shorten(f, 60)
                ),
            ));
        }
        Ok(())
    }
}
