//! The centre a command runs on: its items as defaults for the path flags,
//! with a note on stderr for each flag that overrides one.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use wfm::centre::{Centre, Item};
use wfm::output::OutputSet;

/// The centre (if any) and what the command has said about it.
pub struct Ctx {
    /// The centre file found or given.
    pub centre: Option<Centre>,
}

impl Ctx {
    /// The centre from `--centre`, `WFM_CENTRE` or the working directory.
    pub fn locate(explicit: Option<&Path>) -> Result<Ctx> {
        Ok(Ctx {
            centre: Centre::locate(explicit)?,
        })
    }

    /// `given` (the flag's value), else the centre's item; a note when the
    /// flag overrides a different file of the centre's.
    pub fn pick(&self, item: Item, given: Option<&Path>, flag: &str) -> Option<PathBuf> {
        let mut notes = Vec::new();
        let got = wfm::centre::pick(
            self.centre.as_ref(),
            item,
            given.map(|p| (p, flag)),
            &mut notes,
        );
        for n in notes {
            diag!("wfm: note: {n}");
        }
        got.map(|(p, _)| p)
    }

    /// Like [`Ctx::pick`], but a file another input names (a scenario's
    /// `channels_file`) comes between the flag and the centre; a note when
    /// it differs from the centre's.
    pub fn pick_named(
        &self,
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
                    if !wfm::centre::same_file(&p, &cp) {
                        diag!(
                            "wfm: note: {by} names {}; the centre's {} ({}) is not used",
                            p.display(),
                            c.key_of(item),
                            cp.display()
                        );
                    }
                }
                Some(p)
            }
            (Some((p, _)), None) => Some(p),
            (None, _) => self.pick(item, None, flag),
        }
    }

    /// Like [`Ctx::pick`], but the item is required: the error names the
    /// flag and the centre key that give it.
    pub fn need(&self, item: Item, given: Option<&Path>, flag: &str) -> Result<PathBuf> {
        match self.pick(item, given, flag) {
            Some(p) => Ok(p),
            None => bail!("{}", self.missing(item, flag)),
        }
    }

    /// "give --team, or set `team` in wfm.toml".
    pub fn missing(&self, item: Item, flag: &str) -> String {
        match &self.centre {
            Some(c) => format!(
                "give {flag}, or set `{}` in the centre file {}",
                item.key(),
                c.path.display()
            ),
            None => format!(
                "give {flag}, or set `{}` in a centre file ({} here or in a parent folder, or --centre FILE)",
                item.key(),
                wfm::centre::FILE_NAME
            ),
        }
    }

    /// Registers the centre file and every file it names as inputs: no
    /// output may replace them.
    pub fn protect(&self, outs: &mut OutputSet) {
        if let Some(c) = &self.centre {
            outs.input("--centre", &c.path);
            for (key, p) in c.files() {
                outs.input(format!("the centre's {key}"), &p);
            }
        }
    }

    /// The centre's calendars merged, with the text that names them.
    pub fn calendar(&self) -> Result<Option<(wfm::calendar::Calendar, String)>> {
        let Some(c) = &self.centre else {
            return Ok(None);
        };
        match c.calendar()? {
            Some((cal, w)) => {
                super::warn_all(&w);
                let names: Vec<String> = c
                    .calendar_paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                Ok(Some((cal, names.join(" + "))))
            }
            None => Ok(None),
        }
    }

    /// The currency money is in; a warning once when the centre gives none.
    pub fn currency(&self) -> Option<String> {
        let c = self
            .centre
            .as_ref()
            .and_then(|c| c.currency().map(String::from));
        if c.is_none() {
            diag!(
                "wfm: warning: costs are in the shift rules' money with no currency named; set `currency` (CNY) in the centre file {}",
                wfm::centre::FILE_NAME
            );
        }
        c
    }
}

impl Ctx {
    /// Reads the scenario at `path` and registers the files it names as
    /// inputs; a scenario that names no calendar plans on the centre's.
    pub fn scenario(&self, path: &Path, outs: &mut OutputSet) -> Result<wfm::scenario::Scenario> {
        outs.input("--scenario", path);
        let (mut s, w) = wfm::scenario::Scenario::from_path(path)?;
        super::warn_all(&w);
        for f in s.input_files(path) {
            outs.input(f.display().to_string(), &f);
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
        &self,
        s: &wfm::scenario::Scenario,
        path: &Path,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let name = match &s.calendar {
            Some(c) => wfm::textio::resolve(dir, c).display().to_string(),
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
        super::warn_all(&wfm::centre::calendar_coverage(
            &s.calendar_data,
            &name,
            from,
            to,
        ));
    }

    /// The channels and shift rules files of a scenario's job: the flag,
    /// else the scenario's `channels_file` / `shifts_file`, else the
    /// centre's.
    pub fn scenario_files(
        &self,
        s: Option<(&wfm::scenario::Scenario, &Path)>,
        channels: Option<&Path>,
        shifts: Option<&Path>,
    ) -> (Option<PathBuf>, Option<PathBuf>) {
        let named = |key: Option<&String>, what: &str| -> Option<(PathBuf, String)> {
            let (_, p) = s?;
            let dir = p.parent().unwrap_or(Path::new(""));
            key.map(|k| {
                (
                    wfm::textio::resolve(dir, k),
                    format!("{}'s {what}", p.display()),
                )
            })
        };
        let c = self.pick_named(
            Item::Channels,
            channels,
            "--channels",
            named(s.and_then(|x| x.0.channels_file.as_ref()), "channels_file"),
        );
        let r = self.pick_named(
            Item::Shifts,
            shifts,
            "--shifts",
            named(s.and_then(|x| x.0.shifts_file.as_ref()), "shifts_file"),
        );
        (c, r)
    }
}

/// A scenario read, with its path.
pub type ScenarioAt = (wfm::scenario::Scenario, PathBuf);

impl Ctx {
    /// The demand of a forecast job: `--forecast`, else the centre's
    /// `forecast`, else the forecast of the centre's `scenario` over its
    /// dates. Returns the forecast, the name of its source, and the
    /// scenario when it came from one.
    pub fn demand(
        &self,
        forecast: Option<&Path>,
        interval_min: u32,
        outs: &mut OutputSet,
    ) -> Result<(wfm::forecast::Forecast, String, Option<ScenarioAt>)> {
        if let Some(p) = self.pick(Item::Forecast, forecast, "--forecast") {
            outs.input("--forecast", &p);
            let (f, w) = wfm::forecast::Forecast::from_path(&p, interval_min)?;
            super::warn_all(&w);
            return Ok((f, p.display().to_string(), None));
        }
        let Some(p) = self.pick(Item::Scenario, None, "--scenario") else {
            bail!("{}", self.missing(Item::Forecast, "--forecast"));
        };
        let s = self.scenario(&p, outs)?;
        let source = p.display().to_string();
        if s.interval_min != interval_min {
            bail!(
                "{source}: interval_min is {}, the command's --interval-min {interval_min}: give --interval-min {}",
                s.interval_min,
                s.interval_min
            );
        }
        let (from, to) = s.date_range(None, None, &source)?;
        self.check_calendar(&s, &p, from, to);
        diag!("wfm: note: the forecast of the centre's scenario {source}, {from} to {to}");
        let f = s.forecast(from, to)?;
        Ok((f, source, Some((s, p))))
    }
}
