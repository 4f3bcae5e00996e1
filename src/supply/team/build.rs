//! A team file read and checked against the shift rules: its groups,
//! headcount, standing roster, leave and changes.

use super::*;

impl Team {
    /// Reads a team file, its calendar and its rosters; `rules` are the shift
    /// rules the rosters' shift names must exist in.
    pub fn from_path(path: &Path, rules: &ShiftRules) -> Result<(Team, Vec<Warning>), InputError> {
        let source = path.display().to_string();
        let text = crate::core::textio::read_text(path)?;
        let file: TeamFile =
            toml::from_str(&text).map_err(|e| InputError::from_toml(&source, &text, &e))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut warnings = Vec::new();
        let calendar = match &file.calendar {
            Some(c) => {
                let (cal, w) = Calendar::from_path(&resolve(&dir, c))?;
                warnings.extend(w);
                cal
            }
            None => Calendar::default(),
        };
        let mut rosters = BTreeMap::new();
        for (name, g) in &file.group {
            let p = resolve(&dir, &g.roster);
            let text = crate::core::textio::read_text(&p)?;
            let (rows, w) = read_roster(text.as_bytes(), &p.display().to_string())?;
            warnings.extend(w);
            rosters.insert(name.clone(), (p, rows));
        }
        warnings.extend(roster_rows_unserved(&file, &rosters));
        let team = Team::new(file, &source, calendar, rosters, rules)?;
        Ok((team, warnings))
    }

    /// Checks a team file whose rosters are already read: `rosters` maps a
    /// group to (roster file, all its rows with their weekday).
    pub fn new(
        file: TeamFile,
        source: &str,
        calendar: Calendar,
        rosters: BTreeMap<String, (PathBuf, RosterRows)>,
        rules: &ShiftRules,
    ) -> Result<Team, InputError> {
        if file.group.is_empty() {
            return Err(bad(
                source,
                "group".into(),
                "expected at least one [group.NAME]",
            ));
        }
        let mut groups = BTreeMap::new();
        for (name, g) in &file.group {
            let key = |k: &str| format!("[group.{name}] {k}");
            let channels = g.channels.clone().unwrap_or_else(|| vec![name.clone()]);
            if channels.is_empty() {
                return Err(bad(
                    source,
                    key("channels"),
                    "expected at least one channel",
                ));
            }
            if g.headcount == 0 || g.headcount > crate::models::staffing::MAX_AGENTS {
                return Err(bad(
                    source,
                    key("headcount"),
                    format!(
                        "expected 1 to {} agents, got {}",
                        crate::models::staffing::MAX_AGENTS,
                        g.headcount
                    ),
                ));
            }
            if g.concurrency == Some(0) {
                return Err(bad(source, key("concurrency"), "expected at least 1"));
            }
            if !(g.max_overtime_h_day.is_finite() && (0.0..=12.0).contains(&g.max_overtime_h_day)) {
                return Err(bad(
                    source,
                    key("max_overtime_h_day"),
                    format!("expected 0 to 12 hours, got {}", g.max_overtime_h_day),
                ));
            }
            let wd = |k: &str, v: &Option<String>, default: usize| -> Result<usize, InputError> {
                match v {
                    None => Ok(default),
                    Some(s) => weekday(s).ok_or_else(|| {
                        bad(
                            source,
                            key(k),
                            format!("expected a weekday mon..sun, got {s:?}"),
                        )
                    }),
                }
            };
            let makeup_weekday = wd("makeup_weekday", &g.makeup_weekday, 0)?;
            let holiday_weekday = wd("holiday_weekday", &g.holiday_weekday, 6)?;
            let date = |k: String, s: &str| {
                parse_date(s).ok_or_else(|| {
                    bad(
                        source,
                        k,
                        format!("expected a date YYYY-MM-DD from 1900 to 2199, got {s:?}"),
                    )
                })
            };
            let count =
                |k: String, agents: Option<i64>, share: Option<f64>, lo: f64, hi: f64| match (
                    agents, share,
                ) {
                    (Some(a), None) => Ok(a),
                    (None, Some(s)) if s.is_finite() && (lo..=hi).contains(&s) => {
                        Ok((s * f64::from(g.headcount)).round() as i64)
                    }
                    (None, Some(s)) => Err(bad(
                        source,
                        k,
                        format!("expected a share from {lo} to {hi}, got {s}"),
                    )),
                    _ => Err(bad(source, k, "give agents or share (one of them)")),
                };
            let mut leave = Vec::new();
            for (i, l) in g.leave.iter().enumerate() {
                let k = |f: &str| format!("[[group.{name}.leave]] {} {f}", i + 1);
                let (a, b) = (date(k("from"), &l.from)?, date(k("to"), &l.to)?);
                if b < a {
                    return Err(bad(source, k("to"), format!("{b} is before from {a}")));
                }
                let n = count(k("agents"), l.agents.map(i64::from), l.share, 0.0, 1.0)?;
                leave.push((a, b, n.clamp(0, i64::from(u32::MAX)) as u32));
            }
            let mut changes = Vec::new();
            for (i, c) in g.change.iter().enumerate() {
                let k = |f: &str| format!("[[group.{name}.change]] {} {f}", i + 1);
                let d = date(k("date"), &c.date)?;
                let n = count(k("agents"), c.agents, c.share, -1.0, 10.0)?;
                if let Some(f) = c
                    .aht_factor
                    .iter()
                    .find(|f| !(f.is_finite() && **f > 0.0 && **f <= 10.0))
                {
                    return Err(bad(
                        source,
                        k("aht_factor"),
                        format!("expected factors in (0, 10], got {f}"),
                    ));
                }
                changes.push((d, n, c.aht_factor.clone()));
            }
            check_books(source, name, g.headcount, &leave, &changes)?;
            // The group's roster rows, by weekday.
            let (path, rows) = rosters.get(name).cloned().unwrap_or_default();
            let rsource = path.display().to_string();
            let mut roster = Vec::new();
            for (channel, r) in rows {
                if channel != *name && !channels.contains(&channel) {
                    continue;
                }
                if !rules.shift.iter().any(|s| s.name == r.shift) {
                    return Err(InputError::at(
                        &rsource,
                        r.line,
                        format!(
                            "shift {:?} is not in the shift rules (they have {})",
                            r.shift,
                            rules
                                .shift
                                .iter()
                                .map(|s| s.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                roster.push(r);
            }
            if roster.is_empty() {
                return Err(bad(
                    source,
                    key("roster"),
                    format!("{rsource} has no rows for group {name} (its channel column must name the group or one of {})", channels.join(", ")),
                ));
            }
            groups.insert(
                name.clone(),
                GroupSupply {
                    name: name.clone(),
                    channels,
                    spec: g.clone(),
                    roster,
                    dated: None,
                    leave,
                    changes,
                    makeup_weekday,
                    holiday_weekday,
                },
            );
        }
        Ok(Team {
            source: source.to_string(),
            calendar,
            groups,
        })
    }
}

/// Roster rows that name no group of the team and none of its channels
/// (another team's rows in a shared roster, or a misspelt channel): each
/// roster file's count and first lines, as a warning, never dropped in
/// silence.
fn roster_rows_unserved(
    file: &TeamFile,
    rosters: &BTreeMap<String, (PathBuf, RosterRows)>,
) -> Vec<Warning> {
    let mut known: Vec<&str> = Vec::new();
    for (name, g) in &file.group {
        known.push(name);
        known.extend(g.channels.iter().flatten().map(String::as_str));
    }
    known.sort_unstable();
    known.dedup();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (path, rows) in rosters.values() {
        if !seen.insert(path) {
            continue;
        }
        let unserved: Vec<&(String, RosterShift)> = rows
            .iter()
            .filter(|(c, _)| known.binary_search(&c.as_str()).is_err())
            .collect();
        if let Some((_, first)) = unserved.first() {
            let mut names: Vec<String> = unserved
                .iter()
                .map(|(c, _)| crate::core::textio::shorten(c, 60))
                .collect();
            names.sort();
            names.dedup();
            out.push(Warning(format!(
                "{}:{}: {} roster row(s) name {}, which no group of the team serves (its groups and channels: {}); they are left out",
                path.display(),
                first.line,
                unserved.len(),
                names.join(", "),
                known.join(", "),
            )));
        }
    }
    out
}

/// The group's books never go below zero agents, and never fewer agents on
/// the books than on leave: a change or a leave that would is an error at
/// its key (not clamped, not a negative FTE downstream).
fn check_books(
    source: &str,
    name: &str,
    headcount: u32,
    leave: &[(Date, Date, u32)],
    changes: &[(Date, i64, Vec<f64>)],
) -> Result<(), InputError> {
    // (date, change of the books, change of the agents away, the change's index)
    let mut events: Vec<(Date, i64, i64, Option<usize>)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        events.push((c.0, c.1, 0, Some(i)));
    }
    for l in leave {
        events.push((l.0, 0, i64::from(l.2), None));
        if let Ok(after) = l.1.tomorrow() {
            events.push((after, 0, -i64::from(l.2), None));
        }
    }
    events.sort_by_key(|e| e.0);
    let (mut books, mut away) = (i64::from(headcount), 0i64);
    let mut i = 0;
    while i < events.len() {
        let d = events[i].0;
        let mut first_change = None;
        while i < events.len() && events[i].0 == d {
            books += events[i].1;
            away += events[i].2;
            if books < 0 && first_change.is_none() {
                first_change = events[i].3;
            }
            i += 1;
        }
        if books < 0 {
            let k = first_change.unwrap_or(0);
            return Err(bad(
                source,
                format!("[[group.{name}.change]] {} agents", k + 1),
                format!(
                    "takes the books to {books} agents on {d} (headcount {headcount}); a group cannot lose more agents than it has"
                ),
            ));
        }
        if away > books {
            // The last leave to start that covers the day is the one to blame.
            let k = leave
                .iter()
                .enumerate()
                .filter(|(_, l)| l.0 <= d && d <= l.1)
                .max_by_key(|(_, l)| l.0)
                .map_or(0, |(k, _)| k);
            return Err(bad(
                source,
                format!("[[group.{name}.leave]] {} agents", k + 1),
                format!(
                    "{away} agents on leave on {d}, more than the {books} on the books that day"
                ),
            ));
        }
    }
    Ok(())
}
