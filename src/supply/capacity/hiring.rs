//! The hiring file: attrition, the hiring pipeline and the classes already
//! decided, with command-line overrides of any key.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::input::InputError;
use crate::core::textio::parse_date;

/// A hiring file as written (`--hiring FILE`, TOML). Every key has a
/// documented default, so a planner may give only what differs.
///
/// ```
/// use wfm::supply::capacity::HiringFile;
/// let h = HiringFile::parse("[attrition]\nweekly = 0.01\n[hiring]\ntraining_weeks = 6\n", "h.toml", &[]).unwrap();
/// assert_eq!(h.hiring.training_weeks, 6);
/// assert_eq!(h.hiring.graduation, 0.85);
/// // The command line's overrides win.
/// let h = HiringFile::parse("", "h.toml", &["attrition.weekly=0.012".into()]).unwrap();
/// assert_eq!(h.attrition.weekly, 0.012);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HiringFile {
    /// Paid hours of one FTE per week (40: the standard working-hours
    /// system, State Council 1995).
    #[serde(default = "forty")]
    pub hours_per_fte_week: f64,
    /// Who leaves.
    #[serde(default)]
    pub attrition: Attrition,
    /// The hiring pipeline and the classes decided.
    #[serde(default)]
    pub hiring: Hiring,
    /// Where the file came from (its path, or the flag that made it), for
    /// messages.
    #[serde(skip)]
    pub source: String,
}

impl Default for HiringFile {
    fn default() -> Self {
        HiringFile {
            hours_per_fte_week: 40.0,
            attrition: Attrition::default(),
            hiring: Hiring::default(),
            source: "hiring".to_string(),
        }
    }
}

/// Attrition of trained agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attrition {
    /// Share of trained agents (nesting ones included) leaving per week.
    #[serde(default = "weekly_attrition")]
    pub weekly: f64,
    /// One-off share that does not return after a named holiday block
    /// (the calendar's `name`), counted in the week after the block ends.
    #[serde(default)]
    pub after_holiday: BTreeMap<String, f64>,
}

impl Default for Attrition {
    fn default() -> Self {
        Attrition {
            weekly: weekly_attrition(),
            after_holiday: BTreeMap::new(),
        }
    }
}

/// The hiring pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hiring {
    /// Weeks from deciding to a class starting: the optimizer starts no
    /// class before the horizon's week `lead_weeks`.
    #[serde(default = "three")]
    pub lead_weeks: u32,
    /// Weeks in class: paid, handles nothing.
    #[serde(default = "four")]
    pub training_weeks: u32,
    /// Share of a class that graduates (the rest leave during training).
    #[serde(default = "graduation")]
    pub graduation: f64,
    /// AHT multiplier of graduates in their first weeks (week 1 first);
    /// a nesting agent counts as `1 / multiplier` of an agent.
    #[serde(default = "nesting")]
    pub nesting_aht: Vec<f64>,
    /// Smallest class the optimizer starts.
    #[serde(default = "eight")]
    pub class_min: u32,
    /// Largest class.
    #[serde(default = "thirty")]
    pub class_max: u32,
    /// Classes in training at once, at most (trainers and rooms), over all
    /// groups.
    #[serde(default = "two")]
    pub max_classes_in_training: u32,
    /// Cost of hiring one agent (recruiting, onboarding), currency.
    #[serde(default = "per_hire")]
    pub cost_per_hire: f64,
    /// Cost of one agent on the books (in class or trained) per week.
    #[serde(default = "per_week")]
    pub weekly_cost_per_agent: f64,
    /// The price of one FTE-week short, for the weeks no plan can cover
    /// (default: five weeks of an agent's cost, so the optimizer hires
    /// whenever a hire can cover the gap, and reports the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_penalty_per_fte_week: Option<f64>,
    /// Groups the optimizer may hire for (default: every group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// Classes already decided.
    #[serde(default, rename = "class", skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassSpec>,
}

impl Default for Hiring {
    fn default() -> Self {
        Hiring {
            lead_weeks: 3,
            training_weeks: 4,
            graduation: 0.85,
            nesting_aht: nesting(),
            class_min: 8,
            class_max: 30,
            max_classes_in_training: 2,
            cost_per_hire: 3000.0,
            weekly_cost_per_agent: 1800.0,
            short_penalty_per_fte_week: None,
            groups: None,
            classes: Vec::new(),
        }
    }
}

impl Hiring {
    /// The penalty per FTE-week short: the file's, else five weeks of an
    /// agent's cost.
    pub fn short_penalty(&self) -> f64 {
        self.short_penalty_per_fte_week
            .unwrap_or(5.0 * self.weekly_cost_per_agent)
    }
}

/// A class already decided (`[[hiring.class]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassSpec {
    /// First day of the class, `YYYY-MM-DD` (its week is the week holding it).
    pub start: String,
    /// Agents hired into it.
    pub size: u32,
    /// The group it trains for (default: the team's only group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

fn forty() -> f64 {
    40.0
}
fn weekly_attrition() -> f64 {
    0.008
}
fn three() -> u32 {
    3
}
fn four() -> u32 {
    4
}
fn graduation() -> f64 {
    0.85
}
fn nesting() -> Vec<f64> {
    vec![1.5, 1.3, 1.15]
}
fn eight() -> u32 {
    8
}
fn thirty() -> u32 {
    30
}
fn two() -> u32 {
    2
}
fn per_hire() -> f64 {
    3000.0
}
fn per_week() -> f64 {
    1800.0
}

impl HiringFile {
    /// Reads a hiring file; `overrides` are `key.path=value` pairs (TOML
    /// values; a bare word is a string) applied on top, so a planner can
    /// compare `attrition.weekly=0.005` with `0.012` without editing it.
    pub fn from_path(path: &Path, overrides: &[String]) -> Result<HiringFile, InputError> {
        let text = crate::core::textio::read_text(path)?;
        Self::parse(&text, &path.display().to_string(), overrides)
    }

    /// Parses a hiring file's text (see [`HiringFile::from_path`]).
    pub fn parse(text: &str, source: &str, overrides: &[String]) -> Result<HiringFile, InputError> {
        let mut value: toml::Table =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        // The file alone first, so its own errors carry its lines; then each
        // override in turn, so a bad value is blamed on the `--set` that
        // gave it.
        let mut file: HiringFile =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        let mut checked = file.check(source);
        for o in overrides {
            apply_override(&mut value, o)?;
            file = HiringFile::deserialize(value.clone()).map_err(|e| {
                InputError::file(
                    "Request.hiring_overrides",
                    format!("{}: {}", cut(o), e.message()),
                )
            })?;
            checked = match file.check(source) {
                // The values were right before this override: it is to blame.
                Err(e) if checked.is_ok() => Err(InputError {
                    file: format!("Request.hiring_overrides {}", cut(o)),
                    ..e
                }),
                r => r,
            };
        }
        checked?;
        file.source = source.to_string();
        Ok(file)
    }

    /// Checks every value's range.
    pub fn check(&self, source: &str) -> Result<(), InputError> {
        let bad = |key: &str, msg: String| Err(InputError::at_key(source, key, msg));
        let h = &self.hiring;
        if !(self.hours_per_fte_week.is_finite()
            && self.hours_per_fte_week > 0.0
            && self.hours_per_fte_week <= 168.0)
        {
            return bad(
                "hours_per_fte_week",
                format!(
                    "expected hours in (0, 168], got {}",
                    self.hours_per_fte_week
                ),
            );
        }
        if !(self.attrition.weekly.is_finite() && (0.0..1.0).contains(&self.attrition.weekly)) {
            return bad(
                "[attrition] weekly",
                format!("expected a share in [0, 1), got {}", self.attrition.weekly),
            );
        }
        for (name, x) in &self.attrition.after_holiday {
            if !(x.is_finite() && (0.0..=1.0).contains(x)) {
                return bad(
                    "[attrition] after_holiday",
                    format!("{name}: expected a share in [0, 1], got {x}"),
                );
            }
        }
        if !(h.graduation.is_finite() && h.graduation > 0.0 && h.graduation <= 1.0) {
            return bad(
                "[hiring] graduation",
                format!("expected a share in (0, 1], got {}", h.graduation),
            );
        }
        if let Some(x) = h
            .nesting_aht
            .iter()
            .find(|x| !(x.is_finite() && **x >= 1.0 && **x <= 100.0))
        {
            return bad(
                "[hiring] nesting_aht",
                format!("expected multipliers from 1 to 100, got {x}"),
            );
        }
        if h.nesting_aht.len() > 104 || h.training_weeks > 104 || h.lead_weeks > 520 {
            return bad(
                "[hiring]",
                "expected at most 104 training and nesting weeks and 520 lead weeks".to_string(),
            );
        }
        if h.class_min > h.class_max || h.class_max == 0 || h.class_max > 10_000 {
            return bad(
                "[hiring] class_min",
                format!(
                    "expected 1 ≤ class_max ≤ 10000 and class_min ≤ class_max, got {} and {}",
                    h.class_min, h.class_max
                ),
            );
        }
        for (key, x) in [
            ("[hiring] cost_per_hire", h.cost_per_hire),
            ("[hiring] weekly_cost_per_agent", h.weekly_cost_per_agent),
            ("[hiring] short_penalty_per_fte_week", h.short_penalty()),
        ] {
            if !(x.is_finite() && (0.0..=1e12).contains(&x)) {
                return bad(key, format!("expected a cost from 0 to 1e12, got {x}"));
            }
        }
        for (i, c) in h.classes.iter().enumerate() {
            if parse_date(&c.start).is_none() {
                return bad(
                    &format!("[[hiring.class]] #{} start", i + 1),
                    format!(
                        "expected a date YYYY-MM-DD from 1900 to 2199, got {:?}",
                        cut(&c.start)
                    ),
                );
            }
            if c.size > 10_000 {
                return bad(
                    &format!("[[hiring.class]] #{} size", i + 1),
                    format!("expected at most 10000 agents, got {}", c.size),
                );
            }
        }
        Ok(())
    }

    /// The decided classes with their start dates parsed.
    pub fn decided(&self) -> Vec<(Date, u32, Option<String>)> {
        self.hiring
            .classes
            .iter()
            .filter_map(|c| Some((parse_date(&c.start)?, c.size, c.group.clone())))
            .collect()
    }
}

fn cut(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Sets `a.b.c=value` in a TOML table: the key is a TOML dotted key
/// (`attrition.after_holiday."Spring Festival"`), the value a TOML value,
/// or a string when it is not one.
fn apply_override(table: &mut toml::Table, o: &str) -> Result<(), InputError> {
    let err = |m: String| InputError::file("Request.hiring_overrides", m);
    let Some((path, raw)) = o.split_once('=') else {
        return Err(err(format!(
            "expected KEY=VALUE (e.g. attrition.weekly=0.012), got {:?}",
            cut(o)
        )));
    };
    let parsed = toml::from_str::<toml::Table>(&format!("{path} = {raw}")).or_else(|_| {
        let quoted = toml::Value::String(raw.trim().to_string()).to_string();
        toml::from_str::<toml::Table>(&format!("{path} = {quoted}"))
    });
    let Ok(parsed) = parsed else {
        return Err(err(format!(
            "expected a dotted key (e.g. hiring.class_max), got {:?}",
            cut(path)
        )));
    };
    merge(table, parsed).map_err(|k| err(format!("{}: {k} is not a table", cut(path))))
}

/// Merges `from` into `into`, tables key by key; other values replace.
fn merge(into: &mut toml::Table, from: toml::Table) -> Result<(), String> {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b)?,
            (Some(_), toml::Value::Table(_)) => return Err(k),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
    Ok(())
}
