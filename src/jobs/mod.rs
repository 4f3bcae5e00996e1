//! The jobs: one module per command, each a whole workflow a planning tool
//! can run without the command line.
//!
//! A job is a `Request` (serde-ready: the centre, plus the items and
//! settings that override it), checked and read once by `prepare` (every
//! input file read, every limit checked, the one precedence of files and
//! calendars applied) into a `Prepared` job, whose `run` does the work and
//! returns an `Outcome`: the typed results, their summary lines and their
//! named output tables. The `wfm` binary is these three calls plus
//! printing and writing.
//!
//! - [`fit`], [`backtest`]: a scenario learnt from history, and its
//!   rolling-origin backtest (`wfm fit`, `wfm backtest`).
//! - [`erlang`]: one interval's metrics or required staff (`wfm erlang`).
//! - [`forecast`]: volumes per interval from a scenario (`wfm forecast`).
//! - [`plan`]: forecast → requirement → roster → simulation in rounds
//!   (`wfm plan`, `--groups`).
//! - [`schedule`]: the cheapest roster of real shifts (`wfm schedule`).
//! - [`simulate`]: the discrete-event simulation (`wfm simulate`).
//! - [`staff`]: agents per interval and channel, or per group
//!   (`wfm staff`).
//! - [`review`]: the holiday capacity review (`wfm review`).
//! - [`capacity`]: the long-range capacity plan (`wfm capacity`).
//! - [`roster`]: rosters of named agents (`wfm roster`, `wfm
//!   check-roster`).
//!
//! Messages name the settings a caller gives by their place in the typed
//! request: `Request.time_limit_s`, `Request.options.groups.bucket_share`,
//! `ScheduleOptions.mip_gap`, `SimLimits.max_contacts` (the struct a caller
//! fills, a dot, the field). The `wfm` binary maps each to its flag
//! (`--time-limit-s`); a planning tool reads the field it set. Keys of the
//! input files stay in backticks (`` `shifts_file` ``).
//!
//! The [`Setup`] holds what every job shares: the centre, the notes a job
//! owes its user (an item overridden, an item assumed), and the files it
//! read (so no output replaces one).

pub mod args;
pub mod backtest;
pub mod capacity;
pub mod erlang;
pub mod fit;
pub mod forecast;
pub mod plan;
pub mod review;
pub mod roster;
pub mod schedule;
pub mod simulate;
pub mod staff;

use std::path::{Path, PathBuf};

use crate::core::centre::{Centre, Item};
use crate::core::input::{InputError, Warning};

/// The files a request names itself, each with its setting
/// (`Request.scenario`), known before anything is read: a caller that
/// writes outputs refuses one that would replace an input before any work.
pub trait GivenFiles {
    /// The request's own paths (the centre's items are in
    /// [`Setup::new`]'s inputs).
    fn given_files(&self) -> Vec<(String, PathBuf)>;
}

/// Implements [`GivenFiles`] for a request from its `Option<PathBuf>`
/// fields.
macro_rules! given_files {
    ($t:ty: $($f:ident),+) => {
        impl $crate::jobs::GivenFiles for $t {
            fn given_files(&self) -> Vec<(String, std::path::PathBuf)> {
                let mut v = Vec::new();
                $(if let Some(p) = &self.$f {
                    v.push((concat!("Request.", stringify!($f)).to_string(), p.clone()));
                })+
                v
            }
        }
    };
}

given_files!(review::Request: scenario, forecast, team, staffing, channels, shifts, what_if);
given_files!(roster::Request: requirements, shifts, agents, rules, leave_requests, calendar);
given_files!(simulate::Request: forecast, staffing, channels);
given_files!(schedule::Request: requirements, shifts, calendar);
given_files!(capacity::Request: scenario, channels, shifts, team, hiring);
given_files!(plan::Request: scenario, channels, shifts);
given_files!(staff::Request: forecast, channels, shifts);
given_files!(forecast::Request: scenario);
given_files!(fit::Request: history, template, calendar);
given_files!(backtest::Request: history, template, calendar);

/// Why a job cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input: a file, line and column, and what was expected.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The review could not be made.
    #[error(transparent)]
    Review(#[from] crate::review::intervals::ReviewError),
    /// The optimizer could not make a roster.
    #[error(transparent)]
    Schedule(#[from] crate::optimize::schedule::ScheduleError),
    /// The long-range plan could not be made.
    #[error(transparent)]
    Capacity(#[from] crate::supply::capacity::CapacityError),
    /// The named roster could not be made.
    #[error(transparent)]
    Rostering(#[from] crate::optimize::roster::RosteringError),
    /// The plan could not be made.
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    /// Arrivals could not be sampled.
    #[error(transparent)]
    Arrivals(#[from] crate::models::arrivals::ArrivalError),
    /// Groups could not be staffed.
    #[error(transparent)]
    Skill(#[from] crate::optimize::multiskill::SkillError),
    /// The simulation could not be built or run.
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
    /// A report page could not be drawn.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// The workbook could not be written.
    #[error(transparent)]
    Workbook(#[from] crate::io::workbook::WorkbookError),
    /// A table could not be written (into memory: a bug or no memory).
    #[error("writing {table}: {source}")]
    Table {
        /// The table's file name.
        table: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The request cannot run as given: what is missing or wrong, and the
    /// key or setting that fixes it.
    #[error("{0}")]
    Request(String),
}

/// One output table of a job: its file name in an output directory and
/// its bytes (CSV with a header, or a page).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file name (`intervals.csv`, `index.html`).
    pub name: &'static str,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The workbook of a job's `tables` (`--xlsx`): each CSV a sheet, typed,
/// money in `money`'s format ([`crate::io::workbook`]).
pub fn workbook(tables: &[Table], money: &crate::core::money::Money) -> Result<Vec<u8>, Error> {
    let pairs: Vec<(&str, &[u8])> = tables.iter().map(|t| (t.name, &t.bytes[..])).collect();
    Ok(crate::io::workbook::workbook(&pairs, money)?)
}

impl Table {
    /// A table written by `write` into memory.
    pub fn write(
        name: &'static str,
        write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<Table, Error> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|source| Error::Table {
            table: name.to_string(),
            source,
        })?;
        Ok(Table { name, bytes })
    }

    /// The table with a `currency` column of `money`'s code on every
    /// record when it is a CSV with a money column and no `currency` yet
    /// ([`crate::io::table::with_currency`]); otherwise as it is. So every
    /// CSV that holds money says its unit.
    pub fn in_currency(self, money: &crate::core::money::Money) -> Result<Table, Error> {
        if !self.name.ends_with(".csv") {
            return Ok(self);
        }
        match crate::io::table::with_currency(&self.bytes, &money.code) {
            Ok(Some(bytes)) => Ok(Table {
                name: self.name,
                bytes,
            }),
            Ok(None) => Ok(self),
            Err(e) => Err(Error::Table {
                table: self.name.to_string(),
                source: e,
            }),
        }
    }
}

/// `tables` each [`Table::in_currency`].
pub fn in_currency(
    tables: Vec<Table>,
    money: &crate::core::money::Money,
) -> Result<Vec<Table>, Error> {
    tables.into_iter().map(|t| t.in_currency(money)).collect()
}

/// Checks that `--from` is not after `--to` when both are given.
pub fn check_from_to(
    from: Option<jiff::civil::Date>,
    to: Option<jiff::civil::Date>,
) -> Result<(), Error> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(Error::Request(format!(
            "Request.from {f} is after Request.to {t}: expected a first day on or before the last"
        ))),
        _ => Ok(()),
    }
}

/// The most coefficient of variation of a busyness factor accepted
/// (`day_cv`, `interval_cv`): beyond it the gamma factor is nearly always
/// zero with rare huge bursts, not a busier or quieter day.
pub const MAX_CV: f64 = 5.0;

/// Checks the overdispersion asked for on the command line.
pub fn check_overdispersion(o: &crate::models::arrivals::Overdispersion) -> Result<(), Error> {
    for (flag, v) in [
        ("Overdispersion.day_cv", o.day_cv),
        ("Overdispersion.interval_cv", o.interval_cv),
    ] {
        if !(v.is_finite() && (0.0..=MAX_CV).contains(&v)) {
            return Err(Error::Request(format!(
                "{flag}: expected a coefficient of variation from 0 to {MAX_CV}, got {v}"
            )));
        }
    }
    Ok(())
}

/// What a job shares with every other: the centre it runs on, the notes
/// and warnings it has for its user, and the input files it read.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The centre file, if any.
    pub centre: Option<Centre>,
    /// Notes: an item overridden, a default taken from another input.
    pub notes: Vec<Warning>,
    /// Warnings: something assumed that may change the answer.
    pub warnings: Vec<Warning>,
    /// The files read, each with what named it: no output may replace one.
    pub inputs: Vec<(String, PathBuf)>,
}

impl Setup {
    /// A setup on `centre`; the centre file and every file it names are
    /// inputs from the start.
    pub fn new(centre: Option<Centre>) -> Setup {
        // The files read from here on are this job's.
        crate::core::textio::take_files_read();
        let mut s = Setup {
            centre,
            ..Setup::default()
        };
        if let Some(c) = &s.centre {
            s.inputs
                .push(("Request.centre".to_string(), c.path.clone()));
            for (key, p) in c.files() {
                s.inputs.push((format!("the centre's {key}"), p));
            }
        }
        s
    }

    /// Records `path` as an input, named `what`.
    pub fn input(&mut self, what: impl Into<String>, path: &Path) {
        self.inputs.push((what.into(), path.to_path_buf()));
    }

    /// Records every file read since [`Setup::new`] (by whatever input
    /// named it) as an input; each job's `prepare` ends with it.
    pub fn record_files_read(&mut self) {
        for p in crate::core::textio::take_files_read() {
            if !self.inputs.iter().any(|(_, q)| q == &p) {
                self.inputs
                    .push((format!("{} (named by another input)", p.display()), p));
            }
        }
    }

    /// Records the warnings `w`.
    pub fn warn(&mut self, w: impl IntoIterator<Item = Warning>) {
        self.warnings.extend(w);
    }

    /// `given` (under the setting `flag`), else the centre's item; a note
    /// when it overrides a different file of the centre's.
    pub fn pick(&mut self, item: Item, given: Option<&Path>, flag: &str) -> Option<PathBuf> {
        crate::core::centre::pick(
            self.centre.as_ref(),
            item,
            given.map(|p| (p, flag)),
            &mut self.notes,
        )
        .map(|(p, _)| p)
    }

    /// Like [`Setup::pick`], but a file another input names (a scenario's
    /// `channels_file`) comes between the given one and the centre's; a
    /// note when it differs from the centre's.
    pub fn pick_named(
        &mut self,
        item: Item,
        given: Option<&Path>,
        flag: &str,
        named: Option<(PathBuf, String)>,
    ) -> Option<PathBuf> {
        if given.is_some() {
            return self.pick(item, given, flag);
        }
        match (named, self.centre.as_ref()) {
            (Some((p, by)), Some(c)) => {
                if let Some(cp) = c.path_of(item) {
                    if !crate::core::centre::same_file(&p, &cp) {
                        self.notes.push(Warning(format!(
                            "{by} names {}; the centre's {} ({}) is not used",
                            p.display(),
                            c.key_of(item),
                            cp.display()
                        )));
                    }
                }
                Some(p)
            }
            (Some((p, _)), None) => Some(p),
            (None, _) => self.pick(item, None, flag),
        }
    }

    /// Like [`Setup::pick`], but the item is required: the error names the
    /// setting and the centre key that give it.
    pub fn need(&mut self, item: Item, given: Option<&Path>, flag: &str) -> Result<PathBuf, Error> {
        match self.pick(item, given, flag) {
            Some(p) => Ok(p),
            None => Err(Error::Request(self.missing(item, flag))),
        }
    }

    /// "give --team, or set `team` in the centre file wfm.toml".
    pub fn missing(&self, item: Item, flag: &str) -> String {
        match &self.centre {
            Some(c) => format!(
                "give {flag}, or set `{}` in the centre file {}",
                item.key(),
                c.path.display()
            ),
            None => format!(
                "give {flag}, or set `{}` in a centre file ({} here or in a parent folder, or Request.centre)",
                item.key(),
                crate::core::centre::FILE_NAME
            ),
        }
    }

    /// The centre's calendars merged, with the text that names them.
    pub fn calendar(&mut self) -> Result<Option<(crate::core::calendar::Calendar, String)>, Error> {
        let Some(c) = &self.centre else {
            return Ok(None);
        };
        match c.calendar()? {
            Some((cal, w)) => {
                let names: Vec<String> = c
                    .calendar_paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                self.warn(w);
                Ok(Some((cal, names.join(" + "))))
            }
            None => Ok(None),
        }
    }

    /// The money costs are in: the centre's currency, else yuan (with the
    /// warning of [`Setup::currency`]).
    pub fn money(&mut self) -> crate::core::money::Money {
        crate::core::money::Money::new(
            &self
                .currency()
                .unwrap_or_else(|| crate::core::money::DEFAULT_CURRENCY.to_string()),
        )
    }

    /// Days of notice for temporaries and overtime (the centre's
    /// `agency_notice_days`, default 14).
    pub fn agency_notice_days(&self) -> u32 {
        self.centre
            .as_ref()
            .map_or(crate::core::centre::DEFAULT_AGENCY_NOTICE_DAYS, |c| {
                c.agency_notice_days()
            })
    }

    /// Days before its first day a roster is published (the centre's
    /// `roster_notice_days`, default 7).
    pub fn roster_notice_days(&self) -> u32 {
        self.centre
            .as_ref()
            .map_or(crate::core::centre::DEFAULT_ROSTER_NOTICE_DAYS, |c| {
                c.roster_notice_days()
            })
    }

    /// The currency money is in; a warning when the centre names none.
    pub fn currency(&mut self) -> Option<String> {
        let c = self
            .centre
            .as_ref()
            .and_then(|c| c.currency().map(String::from));
        if c.is_none() {
            self.warnings.push(Warning(format!(
                "costs are in the shift rules' money with no currency named; set `currency` (CNY) in the centre file {}",
                crate::core::centre::FILE_NAME
            )));
        }
        c
    }

    /// Reads the scenario at `path` and records the files it names as
    /// inputs; a scenario that names no calendar plans on the centre's.
    pub fn scenario(&mut self, path: &Path) -> Result<crate::demand::scenario::Scenario, Error> {
        self.input("Request.scenario", path);
        let (mut s, w) = crate::demand::scenario::Scenario::from_path(path)?;
        self.warn(w);
        for f in s.input_files(path) {
            self.input(f.display().to_string(), &f);
        }
        if s.calendar.is_none() {
            if let Some((cal, _)) = self.calendar()? {
                s.use_calendar(cal, &path.display().to_string())?;
            }
        }
        Ok(s)
    }

    /// Warns when `from..=to` reaches years the scenario's calendar does
    /// not cover.
    pub fn check_calendar(
        &mut self,
        s: &crate::demand::scenario::Scenario,
        path: &Path,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let name = match &s.calendar {
            Some(c) => crate::core::textio::resolve(dir, c).display().to_string(),
            None => match &self.centre {
                Some(c) if !c.file.calendars.is_empty() => c
                    .calendar_paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" + "),
                _ => format!("{} names no calendar", path.display()),
            },
        };
        let w = crate::core::centre::calendar_coverage(&s.calendar_data, &name, from, to);
        self.warn(w);
    }

    /// The channels and shift rules files of a scenario's job: the given
    /// one, else the scenario's `channels_file` / `shifts_file`, else the
    /// centre's.
    pub fn scenario_files(
        &mut self,
        s: Option<(&crate::demand::scenario::Scenario, &Path)>,
        channels: Option<&Path>,
        shifts: Option<&Path>,
    ) -> (Option<PathBuf>, Option<PathBuf>) {
        let named = |key: Option<&String>, what: &str| -> Option<(PathBuf, String)> {
            let (_, p) = s?;
            let dir = p.parent().unwrap_or(Path::new(""));
            key.map(|k| {
                (
                    crate::core::textio::resolve(dir, k),
                    format!("{}'s {what}", p.display()),
                )
            })
        };
        let c = self.pick_named(
            Item::Channels,
            channels,
            "Request.channels",
            named(s.and_then(|x| x.0.channels_file.as_ref()), "channels_file"),
        );
        let r = self.pick_named(
            Item::Shifts,
            shifts,
            "Request.shifts",
            named(s.and_then(|x| x.0.shifts_file.as_ref()), "shifts_file"),
        );
        (c, r)
    }

    /// The channel settings: the file's tables, then `defaults` for what it
    /// leaves out; a warning for each of `channels` that has no table of its
    /// own.
    pub fn channel_book<'a>(
        &mut self,
        path: Option<&Path>,
        defaults: &crate::models::channels::ChannelSettings,
        channels: impl IntoIterator<Item = &'a str>,
    ) -> Result<crate::models::channels::ChannelBook, Error> {
        defaults.check_defaults()?;
        let (file, source) = match path {
            Some(p) => (
                crate::models::channels::ChannelsFile::from_path(p)?,
                p.display().to_string(),
            ),
            None => (
                crate::models::channels::ChannelsFile::default(),
                String::new(),
            ),
        };
        let book = crate::models::channels::ChannelBook::new(file, &source, defaults.clone());
        let w = book.defaulted(channels);
        self.warn(w);
        Ok(book)
    }
}

/// Simulation replications: at least one.
pub fn check_replications(n: usize) -> Result<(), Error> {
    if n == 0 {
        return Err(Error::Request(
            "Request.replications: expected at least 1".to_string(),
        ));
    }
    Ok(())
}

/// A blend's reserve in words: `reserve 3`, or per day when the days
/// differ (`reserve 3 (03-13: 10)`: the most common, then the others).
pub fn reserve_text(b: &crate::plan::BlendOutcome) -> String {
    let mut counts: std::collections::BTreeMap<u32, usize> = Default::default();
    for (_, r) in &b.reserve_by_day {
        *counts.entry(*r).or_default() += 1;
    }
    let Some((&usual, _)) = counts
        .iter()
        .max_by_key(|(r, n)| (**n, std::cmp::Reverse(**r)))
    else {
        return format!("reserve {}", b.blend.reserve);
    };
    let others: Vec<String> = b
        .reserve_by_day
        .iter()
        .filter(|(_, r)| *r != usual)
        .map(|(d, r)| format!("{}: {r}", d.strftime("%m-%d")))
        .collect();
    if others.is_empty() {
        format!("reserve {usual}")
    } else {
        format!("reserve {usual} ({})", others.join(", "))
    }
}

/// One line per outbound campaign and day: attempts, connects,
/// right-party contacts, predictive drops, accounts reached and unreached.
pub fn campaign_lines(days: &[crate::sim::CampaignDay]) -> Vec<String> {
    days.iter()
        .map(|c| {
            let d = &c.day;
            let dropped = if d.dropped > 0.0 {
                format!(
                    ", {:.1} dropped ({:.2}% of answered)",
                    d.dropped,
                    100.0 * d.abandon_share()
                )
            } else {
                String::new()
            };
            format!(
                "campaign {} {}: {:.0} attempts, {:.0} connects, {:.0} right-party{dropped}, {:.0} of {:.0} accounts reached, {:.0} unreached",
                c.channel,
                d.date,
                d.attempts,
                d.connects,
                d.right_party,
                d.accounts_reached,
                d.accounts,
                d.unreached()
            )
        })
        .collect()
}

/// A scenario read, with its path.
pub type ScenarioAt = (crate::demand::scenario::Scenario, PathBuf);

impl Setup {
    /// The demand of a forecast job: `forecast` (given), else the centre's
    /// `forecast`, else the forecast of the centre's `scenario` over its
    /// dates. Returns the forecast, the name of its source, and the
    /// scenario when it came from one.
    pub fn demand(
        &mut self,
        forecast: Option<&Path>,
        interval_min: u32,
    ) -> Result<
        (
            crate::demand::forecast::Forecast,
            String,
            Option<ScenarioAt>,
        ),
        Error,
    > {
        if let Some(p) = self.pick(Item::Forecast, forecast, "Request.forecast") {
            self.input("Request.forecast", &p);
            let (f, w) = crate::demand::forecast::Forecast::from_path(&p, interval_min)?;
            self.warn(w);
            return Ok((f, p.display().to_string(), None));
        }
        let Some(p) = self.pick(Item::Scenario, None, "Request.scenario") else {
            return Err(Error::Request(
                self.missing(Item::Forecast, "Request.forecast"),
            ));
        };
        let s = self.scenario(&p)?;
        let source = p.display().to_string();
        if s.interval_min != interval_min {
            return Err(Error::Request(format!(
                "{source}: interval_min is {}, but Request.interval_min is {interval_min}: give Request.interval_min {}",
                s.interval_min, s.interval_min
            )));
        }
        let (from, to) = s.date_range(None, None, &source)?;
        self.check_calendar(&s, &p, from, to);
        self.notes.push(Warning(format!(
            "the forecast of the centre's scenario {source}, {from} to {to}"
        )));
        let f = s.forecast(from, to)?;
        Ok((f, source, Some((s, p))))
    }
}

/// The optimizer's time limit and gap, checked; a warning when a node limit
/// is given to a solver it does not bind.
pub fn check_solver(
    s: &mut Setup,
    o: &crate::optimize::schedule::ScheduleOptions,
) -> Result<(), Error> {
    if !(o.time_limit_s.is_finite() && o.time_limit_s >= 0.0) {
        return Err(Error::Request(format!(
            "ScheduleOptions.time_limit_s: expected seconds >= 0, got {}",
            o.time_limit_s
        )));
    }
    if !(o.mip_gap.is_finite() && (0.0..1.0).contains(&o.mip_gap)) {
        return Err(Error::Request(format!(
            "ScheduleOptions.mip_gap: expected a share in [0, 1), got {}",
            o.mip_gap
        )));
    }
    if o.node_limit.is_some() && o.solver != crate::optimize::schedule::SolverChoice::Microlp {
        s.warnings.push(Warning(format!(
            "ScheduleOptions.node_limit applies to microlp only; {} runs to the time limit",
            o.solver
        )));
    }
    Ok(())
}
