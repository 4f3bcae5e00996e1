//! A review's outcome read out: its summary lines and its output tables.

use super::*;

impl Outcome {
    /// Agent-intervals short of the requirement.
    pub fn short(&self) -> u64 {
        self.review
            .intervals
            .iter()
            .map(|r| u64::from(r.short))
            .sum()
    }

    /// Intervals whose simulated service misses a target.
    pub fn misses(&self) -> usize {
        self.review
            .intervals
            .iter()
            .filter(|r| r.misses_target)
            .count()
    }

    /// Whether the team meets every target with no shortfall.
    pub fn meets_targets(&self) -> bool {
        self.short() == 0 && self.misses() == 0
    }

    /// The summary: the variants, the shortfall, each channel's service,
    /// the campaigns and blends, and the fix.
    pub fn summary(&self) -> Vec<String> {
        let money = &self.decision.money;
        let mut out = vec![format!("decision: {}", self.decision.verdict)];
        for c in &self.comparisons {
            out.push(format!(
                "variant {:?}: {} service level {:+.1} ± {:.1} points (paired; ± {:.1} unpaired), cost {}",
                c.variant,
                c.channel,
                100.0 * c.paired.mean,
                100.0 * c.paired.ci95,
                100.0 * c.unpaired_ci95,
                money.format_change(c.cost_delta)
            ));
        }
        let misses = self.misses();
        out.push(format!(
            "{} agent-intervals short of the requirement, {} interval(s) where the simulated service misses a target",
            self.short(),
            misses
        ));
        let review = &self.review;
        let outbound: Vec<&str> = review
            .campaigns
            .iter()
            .map(|c| c.channel.as_str())
            .collect();
        for c in review
            .channels
            .iter()
            .filter(|c| !outbound.contains(&c.channel.as_str()))
        {
            let sl = c.service_level.mean;
            out.push(format!(
                "{}: service level {}, {:.0} agent-hours short, worst day {}",
                c.channel,
                if sl.is_finite() {
                    format!("{:.1}%", 100.0 * sl)
                } else {
                    "-".into()
                },
                c.short_h,
                c.worst_day
                    .map_or("-".to_string(), |(d, v)| format!("{d} ({:.1}%)", 100.0 * v))
            ));
        }
        out.extend(crate::jobs::campaign_lines(&review.campaigns));
        for b in &review.blends {
            out.push(format!(
                "blend {}: {} agents call out on {} with {} (chosen by simulation, day by day): {:.0} connected outbound calls handled by them, {:.0} by the collectors (attempts, connects and drops per day: campaigns.csv)",
                b.blend.group,
                b.blend.inbound,
                b.blend.outbound,
                crate::jobs::reserve_text(b),
                b.calls_by_blended,
                b.calls_by_collectors
            ));
        }
        if let Some((fix, after)) = &self.fix {
            let left = after.intervals.iter().filter(|x| x.misses_target).count();
            out.push(format!(
                "the cheapest fix costs {}; intervals missing a target: {} before, {} after{}",
                money.format(fix.cost),
                misses,
                left,
                if fix.uncovered > 0 {
                    format!(
                        " ({} agent-intervals no shift type can cover)",
                        fix.uncovered
                    )
                } else {
                    String::new()
                }
            ));
        }
        out
    }

    /// The interval table alone (what the review prints with no output
    /// directory).
    pub fn intervals_table(&self) -> Result<Table, Error> {
        Table::write(FILES[1], |b| {
            crate::review::intervals::write_review(b, &self.review.intervals)
        })
    }

    /// Every output (each CSV that holds money with its `currency`
    /// column, [`Table::in_currency`]), in the order of [`FILES`]: the page, then the tables.
    pub fn tables(&self) -> Result<Vec<Table>, Error> {
        crate::jobs::in_currency(self.raw_tables()?, &self.decision.money)
    }

    /// The outputs before [`Table::in_currency`].
    fn raw_tables(&self) -> Result<Vec<Table>, Error> {
        let review = &self.review;
        let page = crate::report::capacity_page(
            review,
            &format!("Capacity review: {}", self.title),
            &self.comparisons,
            &self.decision,
            self.fix
                .as_ref()
                .map(|(fix, after)| crate::report::FixView {
                    fix,
                    misses_before: self.misses(),
                    after,
                }),
        )?;
        Ok(vec![
            Table {
                name: FILES[0],
                bytes: page.into_bytes(),
            },
            self.intervals_table()?,
            Table::write(FILES[2], |b| crate::review::write_days(b, &review.days))?,
            Table::write(FILES[3], |b| {
                crate::models::requirement::write_staffing_table_as(&review.available, b, "group")
            })?,
            Table::write(FILES[4], |b| crate::review::write_supply(b, &review.supply))?,
            Table::write(FILES[5], |b| {
                crate::review::whatif::write_comparisons(b, &self.comparisons)
            })?,
            match &self.fix {
                Some((fix, _)) => Table::write(FILES[6], |b| fix.roster.write_roster(b))?,
                None => Table {
                    name: FILES[6],
                    bytes: b"date,shift,start,end,agents,breaks,channel\n".to_vec(),
                },
            },
            Table::write(FILES[7], |b| {
                crate::review::write_campaigns(b, &review.campaigns)
            })?,
            match &self.team_roster {
                Some(roster) => Table::write(FILES[8], |b| roster.write_roster(b))?,
                None => Table {
                    name: FILES[8],
                    bytes: b"date,shift,start,end,agents,breaks,channel\n".to_vec(),
                },
            },
            Table::write(FILES[9], |b| {
                crate::io::table::write_rows(b, &self.decision.rows())
            })?,
            Table::write(FILES[10], |b| {
                let totals = self
                    .fix
                    .as_ref()
                    .map(|(fix, _)| fix.roster.by_day_and_type())
                    .unwrap_or_default();
                crate::io::table::write_rows(b, &totals)
            })?,
            Table::write(FILES[11], |b| {
                crate::io::table::write_rows(b, &review.at_risk)
            })?,
        ])
    }
}
