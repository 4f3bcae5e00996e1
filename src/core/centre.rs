//! The centre file, `wfm.toml`: one model of the centre that every job reads.
//!
//! A planner describes the centre once: its channels, shift rules,
//! calendars, team, demand, hiring plan and labour rules, with its time zone
//! and currency. Every command finds the file the way cargo finds
//! `Cargo.toml` (the working directory, then each parent) or is given it
//! (`--centre FILE`, or the `WFM_CENTRE` environment variable; `none`
//! turns discovery off). Paths inside it are relative to the file itself.
//! A command-line flag overrides one item, and the command says so.
//!
//! ```toml
//! name = "Consumer lender service centre"
//! time_zone = "Asia/Shanghai"
//! currency = "CNY"               # money per hour in the shift rules and team
//! channels = "scenarios/channels.toml"
//! shifts = "scenarios/shifts.toml"
//! calendars = ["scenarios/calendar_china_2026.csv"]
//! team = "scenarios/team_spring_festival.toml"
//! scenario = "scenarios/spring_festival_2026.toml"
//! hiring = "scenarios/hiring_2026.toml"
//!
//! [capacity]                     # the long-range plan's year
//! scenario = "scenarios/lender_year_2026.toml"
//! team = "scenarios/team_2026.toml"
//! ```
//!
//! Every item is optional; a job that needs one the centre lacks says which
//! key to set. Every file the centre names must exist when it is read, so no
//! job starts (or claims an output) on a centre with a missing file.
//!
//! ```
//! let c = wfm::core::centre::Centre::parse(
//!     "currency = \"CNY\"\nchannels = \"channels.toml\"\n",
//!     std::path::Path::new("/centre/wfm.toml"),
//! ).unwrap();
//! assert_eq!(c.path_of(wfm::core::centre::Item::Channels).unwrap(),
//!            std::path::Path::new("/centre/channels.toml"));
//! assert_eq!(c.currency(), Some("CNY"));
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::calendar::Calendar;
use crate::core::input::{InputError, Warning};
use crate::core::textio::resolve;

/// The file name a centre is found by.
pub const FILE_NAME: &str = "wfm.toml";

/// Days of notice for temporaries and overtime when the centre names none.
pub const DEFAULT_AGENCY_NOTICE_DAYS: u32 = 14;

/// Days before its first day a roster is published when the centre does
/// not say (`roster_notice_days`).
pub const DEFAULT_ROSTER_NOTICE_DAYS: u32 = 7;

/// The environment variable that names the centre file (`none`: no centre).
pub const ENV_VAR: &str = "WFM_CENTRE";

/// The centre file as written (paths as strings, relative to the file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreFile {
    /// The centre's name, for reports.
    pub name: Option<String>,
    /// The IANA time zone of the centre's clock (`Asia/Shanghai`): every
    /// date and time in its files is civil time in this zone.
    pub time_zone: Option<String>,
    /// ISO 4217 code of the money in the shift rules and reports (`CNY`).
    pub currency: Option<String>,
    /// Days of notice the staffing agency needs for temporaries and the
    /// team for overtime: a report's decide-by date is this many days
    /// before the first day an option staffs (default 14).
    pub agency_notice_days: Option<u32>,
    /// Days before its first day a roster must be published to the agents
    /// (default 7): the roster's decide-by date.
    pub roster_notice_days: Option<u32>,
    /// Channel settings TOML ([`crate::models::channels`]).
    pub channels: Option<String>,
    /// Shift rules TOML ([`crate::optimize::shifts`]).
    pub shifts: Option<String>,
    /// Calendar CSVs ([`crate::core::calendar`]), merged; one per year is usual.
    #[serde(default)]
    pub calendars: Vec<String>,
    /// The team as it is ([`crate::supply::team`]).
    pub team: Option<String>,
    /// The demand scenario ([`crate::demand::scenario`]).
    pub scenario: Option<String>,
    /// A forecast CSV ([`crate::demand::forecast`]), used where no scenario is given.
    pub forecast: Option<String>,
    /// Attrition and the hiring pipeline ([`crate::supply::capacity`]).
    pub hiring: Option<String>,
    /// Labour rules TOML for named rosters ([`crate::optimize::roster`]).
    pub labour_rules: Option<String>,
    /// A history CSV of actual volumes (for `fit` and `backtest`).
    pub history: Option<String>,
    /// A requirement CSV, agents per interval (for `schedule` and `roster`).
    pub requirements: Option<String>,
    /// The long-range capacity plan's own demand and team, when its horizon
    /// (a year) differs from the near-term scenario's.
    #[serde(default)]
    pub capacity: CapacitySection,
    /// The named roster's inputs.
    #[serde(default)]
    pub roster: RosterSection,
}

/// `[capacity]` of the centre file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySection {
    /// The scenario over the plan's horizon (26–104 weeks).
    pub scenario: Option<String>,
    /// The team at the start of that horizon.
    pub team: Option<String>,
}

/// `[roster]` of the centre file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterSection {
    /// Agents CSV.
    pub agents: Option<String>,
    /// Leave requests CSV.
    pub leave_requests: Option<String>,
}

/// One file item of the centre, by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Item {
    /// `channels`
    Channels,
    /// `shifts`
    Shifts,
    /// `team`
    Team,
    /// `scenario`
    Scenario,
    /// `forecast`
    Forecast,
    /// `hiring`
    Hiring,
    /// `labour_rules`
    LabourRules,
    /// `history`
    History,
    /// `capacity.scenario` (falls back to `scenario`)
    CapacityScenario,
    /// `capacity.team` (falls back to `team`)
    CapacityTeam,
    /// `requirements`: a requirement CSV (agents per interval)
    Requirements,
    /// `roster.agents`
    RosterAgents,
    /// `roster.leave_requests`
    RosterLeaveRequests,
}

impl Item {
    /// Every item.
    pub const ALL: [Item; 13] = [
        Item::Channels,
        Item::Shifts,
        Item::Team,
        Item::Scenario,
        Item::Forecast,
        Item::Hiring,
        Item::LabourRules,
        Item::History,
        Item::CapacityScenario,
        Item::CapacityTeam,
        Item::Requirements,
        Item::RosterAgents,
        Item::RosterLeaveRequests,
    ];

    /// The item's key in the centre file (`capacity.scenario`).
    pub fn key(self) -> &'static str {
        match self {
            Item::Channels => "channels",
            Item::Shifts => "shifts",
            Item::Team => "team",
            Item::Scenario => "scenario",
            Item::Forecast => "forecast",
            Item::Hiring => "hiring",
            Item::LabourRules => "labour_rules",
            Item::History => "history",
            Item::CapacityScenario => "capacity.scenario",
            Item::CapacityTeam => "capacity.team",
            Item::Requirements => "requirements",
            Item::RosterAgents => "roster.agents",
            Item::RosterLeaveRequests => "roster.leave_requests",
        }
    }
}

/// A centre file read and checked: every path it names exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Centre {
    /// The file as written.
    pub file: CentreFile,
    /// Where it was read from.
    pub path: PathBuf,
}

impl Centre {
    /// Parses a centre file's text; `path` is where it lives (paths in it
    /// are relative to its folder). Checks the currency and time zone's
    /// shape, not that the named files exist (see [`Centre::check_files`]).
    pub fn parse(text: &str, path: &Path) -> Result<Centre, InputError> {
        let source = path.display().to_string();
        let file: CentreFile =
            toml::from_str(text).map_err(|e| InputError::from_toml(&source, text, &e))?;
        if let Some(c) = &file.currency {
            if !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())) {
                return Err(InputError::at_key(
                    &source,
                    "currency",
                    format!("expected an ISO 4217 code of three capital letters (CNY), got {c:?}"),
                ));
            }
        }
        for (key, n) in [
            ("agency_notice_days", file.agency_notice_days),
            ("roster_notice_days", file.roster_notice_days),
        ] {
            if let Some(n) = n.filter(|n| *n > 365) {
                return Err(InputError::at_key(
                    &source,
                    key,
                    format!("expected 0 to 365 days, got {n}"),
                ));
            }
        }
        if let Some(z) = &file.time_zone {
            let ok = z == "UTC"
                || (z.contains('/')
                    && z.split('/').all(|p| {
                        !p.is_empty()
                            && p.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
                    }));
            if !ok {
                return Err(InputError::at_key(
                    &source,
                    "time_zone",
                    format!("expected an IANA time zone such as Asia/Shanghai or UTC, got {z:?}"),
                ));
            }
        }
        Ok(Centre {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Reads a centre file and checks that every file it names exists.
    pub fn from_path(path: &Path) -> Result<Centre, InputError> {
        let text = crate::core::textio::read_text(path)?;
        let c = Centre::parse(&text, path)?;
        c.check_files()?;
        Ok(c)
    }

    /// The centre file in `start` or its nearest parent, if any.
    pub fn discover(start: &Path) -> Result<Option<Centre>, InputError> {
        for dir in start.ancestors() {
            let p = dir.join(FILE_NAME);
            if p.is_file() {
                return Centre::from_path(&p).map(Some);
            }
        }
        Ok(None)
    }

    /// The centre a command uses: `explicit` (`--centre`), else the
    /// [`ENV_VAR`] variable's file (`none`: no centre), else the one
    /// [`Centre::discover`] finds from the working directory.
    pub fn locate(explicit: Option<&Path>) -> Result<Option<Centre>, InputError> {
        if let Some(p) = explicit {
            return Centre::from_path(p).map(Some);
        }
        match std::env::var_os(ENV_VAR) {
            Some(v) if v == "none" => Ok(None),
            Some(v) if !v.is_empty() => Centre::from_path(Path::new(&v)).map(Some),
            _ => match std::env::current_dir() {
                // Found here or above: named relative to the working
                // directory where it can be, as a user would type it.
                Ok(d) => Ok(Centre::discover(&d)?.map(|mut c| {
                    if let Ok(rel) = c.path.strip_prefix(&d) {
                        c.path = rel.to_path_buf();
                    }
                    c
                })),
                Err(_) => Ok(None),
            },
        }
    }

    /// The folder the centre's paths are relative to.
    pub fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The path the centre names for `item`, resolved against its folder.
    /// `capacity.scenario` and `capacity.team` fall back to `scenario` and
    /// `team`.
    pub fn path_of(&self, item: Item) -> Option<PathBuf> {
        let f = &self.file;
        let raw = match item {
            Item::Channels => f.channels.as_ref(),
            Item::Shifts => f.shifts.as_ref(),
            Item::Team => f.team.as_ref(),
            Item::Scenario => f.scenario.as_ref(),
            Item::Forecast => f.forecast.as_ref(),
            Item::Hiring => f.hiring.as_ref(),
            Item::LabourRules => f.labour_rules.as_ref(),
            Item::History => f.history.as_ref(),
            Item::CapacityScenario => f.capacity.scenario.as_ref().or(f.scenario.as_ref()),
            Item::CapacityTeam => f.capacity.team.as_ref().or(f.team.as_ref()),
            Item::Requirements => f.requirements.as_ref(),
            Item::RosterAgents => f.roster.agents.as_ref(),
            Item::RosterLeaveRequests => f.roster.leave_requests.as_ref(),
        }?;
        Some(resolve(&self.dir(), raw))
    }

    /// The key that set `item`'s path (`capacity.scenario`, or `scenario`
    /// when the section falls back to it).
    pub fn key_of(&self, item: Item) -> &'static str {
        match item {
            Item::CapacityScenario if self.file.capacity.scenario.is_none() => "scenario",
            Item::CapacityTeam if self.file.capacity.team.is_none() => "team",
            _ => item.key(),
        }
    }

    /// The calendar files, resolved.
    pub fn calendar_paths(&self) -> Vec<PathBuf> {
        let dir = self.dir();
        self.file
            .calendars
            .iter()
            .map(|c| resolve(&dir, c))
            .collect()
    }

    /// Every file the centre names (each an input no output may replace).
    pub fn files(&self) -> Vec<(String, PathBuf)> {
        let mut v: Vec<(String, PathBuf)> = Item::ALL
            .iter()
            .filter(|i| self.key_of(**i) == i.key())
            .filter_map(|i| self.path_of(*i).map(|p| (i.key().to_string(), p)))
            .collect();
        for (i, p) in self.calendar_paths().into_iter().enumerate() {
            v.push((format!("calendars[{i}]"), p));
        }
        v
    }

    /// Checks that every named file exists: the error names the key.
    pub fn check_files(&self) -> Result<(), InputError> {
        for (key, p) in self.files() {
            if !p.is_file() {
                return Err(InputError::at_key(
                    &self.path.display().to_string(),
                    key,
                    format!("names {}, which is not a readable file", p.display()),
                ));
            }
        }
        Ok(())
    }

    /// The centre's calendars merged into one (none: `None`), with the
    /// warnings of reading them.
    pub fn calendar(&self) -> Result<Option<(Calendar, Vec<Warning>)>, InputError> {
        let paths = self.calendar_paths();
        if paths.is_empty() {
            return Ok(None);
        }
        let mut all = Calendar::default();
        let mut warnings = Vec::new();
        for p in &paths {
            let (c, w) = Calendar::from_path(p)?;
            warnings.extend(w);
            all.merge(c, &p.display().to_string())?;
        }
        Ok(Some((all, warnings)))
    }

    /// Days of notice for temporaries and overtime (`agency_notice_days`,
    /// default 14).
    pub fn agency_notice_days(&self) -> u32 {
        self.file
            .agency_notice_days
            .unwrap_or(DEFAULT_AGENCY_NOTICE_DAYS)
    }

    /// Days before its first day a roster is published
    /// (`roster_notice_days`, default 7).
    pub fn roster_notice_days(&self) -> u32 {
        self.file
            .roster_notice_days
            .unwrap_or(DEFAULT_ROSTER_NOTICE_DAYS)
    }

    /// The currency code, if the centre gives one.
    pub fn currency(&self) -> Option<&str> {
        self.file.currency.as_deref()
    }
}

/// Where a job's input came from: the command line, the centre or a file
/// that names it (a scenario's `channels_file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Given on the command line (or by the caller), under this flag.
    Given(String),
    /// Named by the centre file under this key.
    Centre(String),
    /// Named by another input: the file and its key.
    NamedBy(PathBuf, String),
}

/// Picks the path of `item`: the `given` one, else the centre's. When
/// both exist and differ, a note says the given one overrides the centre's.
pub fn pick(
    centre: Option<&Centre>,
    item: Item,
    given: Option<(&Path, &str)>,
    notes: &mut Vec<Warning>,
) -> Option<(PathBuf, Origin)> {
    let from_centre = centre.and_then(|c| c.path_of(item).map(|p| (c, p)));
    match (given, from_centre) {
        (Some((p, flag)), Some((c, cp))) => {
            if !same_file(p, &cp) {
                notes.push(Warning(format!(
                    "{flag} {} overrides the centre's {} ({}: {})",
                    p.display(),
                    c.key_of(item),
                    c.path.display(),
                    cp.display()
                )));
            }
            Some((p.to_path_buf(), Origin::Given(flag.to_string())))
        }
        (Some((p, flag)), None) => Some((p.to_path_buf(), Origin::Given(flag.to_string()))),
        (None, Some((c, cp))) => Some((cp, Origin::Centre(c.key_of(item).to_string()))),
        (None, None) => None,
    }
}

/// Whether two paths name the same file (by canonical path when both
/// exist, else by text).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Warnings for the years of `from..=to` that no day of `calendar` falls
/// in: those years are planned with no holidays or make-up workdays.
/// `source` names the calendar; the warning names the key that adds one.
pub fn calendar_coverage(
    calendar: &Calendar,
    source: &str,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Vec<Warning> {
    let years = calendar.years();
    let missing: Vec<i16> = (from.year()..=to.year())
        .filter(|y| !years.contains(y))
        .collect();
    if missing.is_empty() || from > to {
        return Vec::new();
    }
    let list: Vec<String> = missing.iter().map(|y| y.to_string()).collect();
    let what = if years.is_empty() {
        format!("no calendar ({source})")
    } else {
        format!("the calendar {source} has no day in {}", list.join(", "))
    };
    vec![Warning(format!(
        "{what}: {from} to {to} is planned with no holidays or make-up workdays there; add that year's calendar to `calendars` in {FILE_NAME}"
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_file_and_sections_fall_back() {
        let c = Centre::parse(
            "scenario = \"s.toml\"\nteam = \"t.toml\"\n[capacity]\nscenario = \"year.toml\"\n",
            Path::new("/c/wfm.toml"),
        )
        .unwrap();
        assert_eq!(
            c.path_of(Item::CapacityScenario).unwrap(),
            Path::new("/c/year.toml")
        );
        assert_eq!(
            c.path_of(Item::CapacityTeam).unwrap(),
            Path::new("/c/t.toml")
        );
        assert_eq!(c.key_of(Item::CapacityTeam), "team");
        assert_eq!(c.key_of(Item::CapacityScenario), "capacity.scenario");
        assert!(c.path_of(Item::Channels).is_none());
    }

    #[test]
    fn bad_keys_and_codes_are_located_errors() {
        let e = Centre::parse("chanels = \"x\"\n", Path::new("wfm.toml")).unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        let e = Centre::parse("currency = \"yuan\"\n", Path::new("wfm.toml")).unwrap_err();
        assert!(e.to_string().contains("currency"), "{e}");
        let e = Centre::parse("time_zone = \"Beijing time\"\n", Path::new("wfm.toml")).unwrap_err();
        assert!(e.to_string().contains("time_zone"), "{e}");
    }

    #[test]
    fn a_missing_file_names_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, "channels = \"nope.toml\"\n").unwrap();
        let e = Centre::from_path(&p).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("channels"), "{e}");
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join("nope.toml"), "").unwrap();
        let found = Centre::discover(&sub).unwrap().unwrap();
        assert_eq!(found.path, p);
    }

    #[test]
    fn a_flag_over_a_centre_item_is_noted() {
        let c = Centre::parse("channels = \"a.toml\"\n", Path::new("/c/wfm.toml")).unwrap();
        let mut notes = Vec::new();
        let (p, o) = pick(
            Some(&c),
            Item::Channels,
            Some((Path::new("/x/b.toml"), "--channels")),
            &mut notes,
        )
        .unwrap();
        assert_eq!(p, Path::new("/x/b.toml"));
        assert_eq!(o, Origin::Given("--channels".into()));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].0.contains("overrides the centre's channels"));
        let (p, o) = pick(Some(&c), Item::Channels, None, &mut notes).unwrap();
        assert_eq!(p, Path::new("/c/a.toml"));
        assert_eq!(o, Origin::Centre("channels".into()));
    }

    #[test]
    fn years_outside_the_calendar_are_named() {
        let (cal, _) = Calendar::read(
            "date,day_type\n2026-02-16,statutory\n".as_bytes(),
            "cal.csv",
        )
        .unwrap();
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert!(calendar_coverage(&cal, "cal.csv", d("2026-01-01"), d("2026-12-31")).is_empty());
        let w = calendar_coverage(&cal, "cal.csv", d("2025-12-01"), d("2026-01-31"));
        assert_eq!(w.len(), 1);
        assert!(w[0].0.contains("no day in 2025"), "{}", w[0].0);
    }
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    #[test]
    fn the_agency_notice_is_checked_and_defaults_to_two_weeks() {
        let p = Path::new("/x/wfm.toml");
        assert_eq!(Centre::parse("", p).unwrap().agency_notice_days(), 14);
        assert_eq!(
            Centre::parse("agency_notice_days = 3", p)
                .unwrap()
                .agency_notice_days(),
            3
        );
        let e = Centre::parse("agency_notice_days = 9999", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("wfm.toml") && e.contains("agency_notice_days") && e.contains("0 to 365"),
            "{e}"
        );
        assert_eq!(Centre::parse("", p).unwrap().roster_notice_days(), 7);
        let e = Centre::parse("roster_notice_days = 400", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("roster_notice_days") && e.contains("0 to 365"),
            "{e}"
        );
        let e = Centre::parse("agency_notice_days = -1", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("wfm.toml:1"), "{e}");
    }
}
