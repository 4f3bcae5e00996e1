//! The supply model: the team's people, not its standing roster, decide
//! what it can cover. Each group's best roster against the requirement is
//! found by the shift optimizer with the people as constraints
//! ([`crate::optimize::schedule::schedule_people`]): on each day at most
//! the agents available (on the books, not on leave) start a shift, and
//! under the weekly rule at most the group's headcount work its days-off
//! patterns. More people can only widen what the optimizer may choose, so
//! the shortfall never grows with the headcount; where the people suffice
//! the roster covers the requirement, nights and the period's edges
//! included (a night shift of the evening before is the team's own, worked
//! by the people available that evening).

use super::*;
use crate::models::requirement::Requirement;
use crate::optimize::schedule::{schedule_people, People, Roster, ScheduleError, ScheduleOptions};

impl Team {
    /// The people of each group, per day of `required`'s grid from the day
    /// before its first (the optimizer's day 0): agents on the books less
    /// those on leave; the headcount is the most on the books over those
    /// days. Keyed by the channel the group serves.
    pub fn people(&self, required: &Requirement) -> Result<BTreeMap<String, People>, InputError> {
        let grid = required.grid();
        let first = grid.first().yesterday().unwrap_or(grid.first());
        let mut out = BTreeMap::new();
        for g in self.groups.values() {
            let mut per_day = Vec::new();
            let mut books_max = 0;
            let mut d = first;
            while d <= grid.last() {
                let (books, away) = self.headcount_on(g, d)?;
                per_day.push(books - away);
                books_max = books_max.max(books);
                d = match d.tomorrow() {
                    Ok(n) => n,
                    Err(_) => break,
                };
            }
            for c in &g.channels {
                out.insert(
                    c.clone(),
                    People {
                        per_day: per_day.clone(),
                        headcount: Some(books_max),
                    },
                );
            }
        }
        Ok(out)
    }

    /// The team with each group working the best roster its people can
    /// work against `required` (agents per interval and channel) under
    /// `rules`, instead of its standing roster; and that roster. Channels
    /// no group serves are left out; a group's shift types are the rules'
    /// for its channel. A shift type's daily minimum does not bind the
    /// team's own roster (the people available decide), so it is dropped.
    ///
    /// Errors: the optimizer's (a channel the rules do not cover, too many
    /// candidates), and the team's books (leave above the headcount).
    pub fn scheduled(
        &self,
        required: &Requirement,
        rules: &ShiftRules,
        opts: &ScheduleOptions,
        source: &str,
    ) -> Result<(Team, Roster), ScheduleError> {
        let served: BTreeMap<String, Vec<u32>> = required
            .channels()
            .iter()
            .filter(|(c, _)| self.group_of(c).is_some())
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect();
        let req = Requirement::new(*required.grid(), served)
            .map_err(|e| InputError::file(source, e.to_string()))?;
        let mut rules = rules.clone();
        for s in &mut rules.shift {
            s.min_agents = None;
        }
        if rules.calendar.is_none() {
            rules.calendar_data = self.calendar.clone();
        }
        let people = self.people(&req)?;
        let roster = schedule_people(&req, &rules, opts, source, &people)?;
        let mut team = self.clone();
        for g in team.groups.values_mut() {
            g.dated = Some(BTreeMap::new());
        }
        for p in roster.placed() {
            let Some(name) = self.group_of(&p.channel).map(|g| g.name.clone()) else {
                continue;
            };
            let dated = team
                .groups
                .get_mut(&name)
                .and_then(|g| g.dated.as_mut())
                .expect("every group has a dated roster");
            dated.entry(p.date).or_default().push(RosterShift {
                weekday: weekday_index(p.date),
                shift: p.shift,
                start_min: p.start_min,
                end_min: p.end_min,
                breaks: p.breaks,
                agents: p.agents,
                line: 0,
            });
        }
        Ok((team, roster))
    }
}
