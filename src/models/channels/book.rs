//! The channel book's views: one group per channel (with the blends), and
//! a channel's settings resolved from its table, the defaults and the
//! built-in ones.

use super::*;

/// The longest time a channel setting may give, seconds (30 days: a
/// deferred channel's reply deadline can be days, never a month).
pub const MAX_SECONDS: f64 = 2_592_000.0;

impl ChannelBook {
    /// The same settings with one agent group per channel (the `[group.NAME]`
    /// tables dropped): how the plan and the review simulate, since they
    /// compare required and scheduled agents channel by channel.
    pub fn one_group_per_channel(&self) -> ChannelBook {
        let mut file = self.file.clone();
        file.group.clear();
        ChannelBook::new(file, &self.source, self.defaults.clone())
    }

    /// One agent group per channel, as [`ChannelBook::one_group_per_channel`],
    /// keeping the file's **blending**: a `[group.NAME]` table with
    /// `blend = "out"` and one other channel `inb` makes the agents of
    /// `inb` (the group named `inb`) also call out on `out` under the
    /// table's `reserve`, and the agents of `out` (its collectors, the group
    /// named `out`) call out whenever free (reserve 0). `channels` names the
    /// channels the book must cover (the forecast's): each gets its group;
    /// a table whose channels the forecast does not all have is left out.
    /// How the plan and the review simulate a centre whose phone agents
    /// blend with collections; returns the book and the blends found
    /// (`[group.NAME]`, inbound channel, outbound channel, reserve). A
    /// blended table with more than one inbound channel is an error at its
    /// `channels` key (multi-skill blending: `wfm simulate`); one of the
    /// campaign alone is its collectors, as one group per channel has them.
    pub fn per_channel_with_blends(
        &self,
        channels: &[String],
    ) -> Result<(ChannelBook, Vec<PlanBlend>), InputError> {
        let mut blends = Vec::new();
        for (name, g) in &self.file.group {
            let Some(out) = &g.blend else { continue };
            let inbound: Vec<&String> = g.channels.iter().filter(|c| *c != out).collect();
            if !channels.contains(out) || inbound.iter().any(|c| !channels.contains(c)) {
                // The forecast lacks the campaign or the inbound channel:
                // nothing to blend in it.
                continue;
            }
            if inbound.is_empty() {
                // The campaign's own collectors: one group per channel has them.
                continue;
            }
            if inbound.len() != 1 {
                return Err(InputError::at_key(
                    &self.source,
                    format!("[group.{name}] channels"),
                    format!(
                        "a plan or review blends one inbound channel with {out:?}: expected 2 channels, got {} (a multi-skill blended group: wfm simulate)",
                        g.channels.len()
                    ),
                ));
            }
            if blends.iter().any(|b: &PlanBlend| &b.inbound == inbound[0]) {
                return Err(InputError::at_key(
                    &self.source,
                    format!("[group.{name}] blend"),
                    format!("{:?} is blended by two groups", inbound[0]),
                ));
            }
            blends.push(PlanBlend {
                group: name.clone(),
                inbound: inbound[0].clone(),
                outbound: out.clone(),
                reserve: g.reserve.unwrap_or(0),
            });
        }
        let mut file = self.file.clone();
        file.group.clear();
        if blends.is_empty() {
            return Ok((
                ChannelBook::new(file, &self.source, self.defaults.clone()),
                blends,
            ));
        }
        for c in channels {
            let ch = self.resolve(c)?;
            let mut g = GroupSettings {
                channels: vec![c.clone()],
                concurrency: None,
                cost_per_hour: None,
                overflow_from: Vec::new(),
                blend: None,
                reserve: None,
            };
            if let Some(b) = blends.iter().find(|b| &b.inbound == c) {
                g.channels.push(b.outbound.clone());
                g.blend = Some(b.outbound.clone());
                g.reserve = Some(b.reserve);
            } else if ch.outbound.is_some() {
                g.blend = Some(c.clone());
                g.reserve = Some(0);
            }
            file.group.insert(c.clone(), g);
        }
        Ok((
            ChannelBook::new(file, &self.source, self.defaults.clone()),
            blends,
        ))
    }

    /// The checked settings of `name`.
    pub fn resolve(&self, name: &str) -> Result<Channel, InputError> {
        let own = self.file.channel.get(name);
        let s = own
            .cloned()
            .unwrap_or_default()
            .or(&self.defaults)
            .or(&ChannelSettings::builtin());
        let src = if own.is_some() {
            self.source.as_str()
        } else {
            "channel defaults"
        };
        let key = |k: &str| {
            if own.is_some() {
                format!("[channel.{name}] {k}")
            } else {
                format!("ChannelSettings.{k}")
            }
        };
        let bad = |k: &str, expected: &str, got: String| -> Result<(), InputError> {
            Err(InputError::at_key(
                src,
                key(k),
                format!("expected {expected}, got {got}"),
            ))
        };
        let share =
            |k: &str, v: Option<f64>, lo_open: bool, hi_open: bool| -> Result<(), InputError> {
                if let Some(v) = v {
                    let lo_ok = if lo_open { v > 0.0 } else { v >= 0.0 };
                    let hi_ok = if hi_open { v < 1.0 } else { v <= 1.0 };
                    if !(v.is_finite() && lo_ok && hi_ok) {
                        let range = format!(
                            "a share in {}0, 1{}",
                            if lo_open { "(" } else { "[" },
                            if hi_open { ")" } else { "]" }
                        );
                        return bad(k, &range, v.to_string());
                    }
                }
                Ok(())
            };
        let positive = |k: &str, v: Option<f64>, allow_zero: bool| -> Result<(), InputError> {
            if let Some(v) = v {
                if !(v.is_finite() && (v > 0.0 || (allow_zero && v == 0.0)) && v <= MAX_SECONDS) {
                    let what = if allow_zero {
                        "seconds >= 0 (at most 30 days, 2592000)"
                    } else {
                        "seconds > 0 (at most 30 days, 2592000)"
                    };
                    return bad(k, what, v.to_string());
                }
            }
            Ok(())
        };
        // service_level = 1 is "impossible", not malformed: the staffing
        // search says why. Here only the range is checked.
        if let Some(v) = s.service_level {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                bad("service_level", "a share in [0, 1)", v.to_string())?;
            }
        }
        share("max_abandon", s.max_abandon, true, false)?;
        share("max_occupancy", s.max_occupancy, true, false)?;
        share("shrinkage", s.shrinkage, false, true)?;
        share("containment", s.containment, false, false)?;
        positive("answer_within_s", s.answer_within_s, true)?;
        positive("max_asa_s", s.max_asa_s, true)?;
        positive("patience_s", s.patience_s, false)?;
        let concurrency = s.concurrency.unwrap_or(1);
        if concurrency == 0 {
            bad("concurrency", "a whole number >= 1", "0".into())?;
        }
        let kind = s.kind.unwrap_or_default();
        if kind == ChannelKind::Deferred && own.and_then(|o| o.answer_within_s).is_none() {
            return Err(InputError::at_key(
                src,
                key("answer_within_s"),
                "a deferred channel needs its reply deadline in seconds (e.g. 7200 for 2 hours) in its own table",
            ));
        }
        share("retry_prob", s.retry_prob, false, false)?;
        share("callback_share", s.callback_share, false, false)?;
        positive("bot_time_s", s.bot_time_s, true)?;
        positive("retry_delay_s", s.retry_delay_s, true)?;
        positive("callback_threshold_s", s.callback_threshold_s, true)?;
        positive("callback_deadline_s", s.callback_deadline_s, false)?;
        for (k, d) in [("handle_time", &s.handle_time), ("patience", &s.patience)] {
            if let Some(d) = d {
                if let Err(e) = d.unit() {
                    return Err(InputError::at_key(src, key(k), e));
                }
                if k == "handle_time" && *d == DistSpec::None {
                    return Err(InputError::at_key(
                        src,
                        key(k),
                        "a handle time cannot be `none`",
                    ));
                }
            }
        }
        if let Some(c) = &s.outbound {
            if let Some((k, what)) = c.invalid() {
                return Err(InputError::at_key(src, key(&format!("outbound.{k}")), what));
            }
        }
        if kind == ChannelKind::Voice && concurrency > 1 {
            bad(
                "concurrency",
                "1 for a voice channel (use kind = \"chat\")",
                concurrency.to_string(),
            )?;
        }
        Ok(Channel {
            name: name.to_string(),
            kind,
            // An outbound campaign has no queue targets (its volume is
            // attempts; its own limits are the dialer's abandonment cap and
            // the per-account caps), whatever the defaults say.
            targets: if s.outbound.is_some() {
                Targets {
                    service_level: None,
                    answer_within_s: s.answer_within_s.unwrap_or(20.0),
                    max_asa_s: None,
                    max_abandon: None,
                    max_occupancy: None,
                    sl_definition: s.sl_definition.unwrap_or_default(),
                }
            } else {
                Targets {
                    service_level: s.service_level.filter(|&v| v > 0.0),
                    answer_within_s: s.answer_within_s.unwrap_or(20.0),
                    max_asa_s: s.max_asa_s,
                    max_abandon: s.max_abandon,
                    max_occupancy: s.max_occupancy,
                    sl_definition: s.sl_definition.unwrap_or_default(),
                }
            },
            patience_s: s.patience_s,
            shrinkage: s.shrinkage.unwrap_or(0.0),
            containment: s.containment.unwrap_or(0.0),
            concurrency,
            model: s.model,
            sim: ChannelSimSettings {
                handle_time: s.handle_time.clone().unwrap_or_default(),
                patience: s.patience.clone().unwrap_or_default(),
                bot_time_s: s.bot_time_s.unwrap_or(0.0),
                retry_prob: s.retry_prob.unwrap_or(0.0),
                retry_delay_s: s.retry_delay_s.unwrap_or(600.0),
                retry_channel: s.retry_channel.clone(),
                callback_threshold_s: s.callback_threshold_s,
                callback_share: s.callback_share.unwrap_or(1.0),
                callback_deadline_s: s.callback_deadline_s.unwrap_or(3600.0),
            },
            outbound: s.outbound,
        })
    }
}

impl ChannelSettings {
    /// Checks settings given as defaults (the command line's channel
    /// flags): each value in its range, whether or not a channels table
    /// overrides it later. The error names the setting
    /// (`ChannelSettings.shrinkage`).
    pub fn check_defaults(&self) -> Result<(), InputError> {
        let bad = |flag: &str, expected: &str, got: String| {
            Err(InputError::file(
                "channel defaults",
                format!("ChannelSettings.{flag}: expected {expected}, got {got}"),
            ))
        };
        let share = |flag: &str, v: Option<f64>, lo_open: bool, hi_open: bool| match v {
            Some(v)
                if !(v.is_finite()
                    && if lo_open { v > 0.0 } else { v >= 0.0 }
                    && if hi_open { v < 1.0 } else { v <= 1.0 }) =>
            {
                let range = format!(
                    "a share in {}0, 1{}",
                    if lo_open { "(" } else { "[" },
                    if hi_open { ")" } else { "]" }
                );
                bad(flag, &range, v.to_string())
            }
            _ => Ok(()),
        };
        let seconds = |flag: &str, v: Option<f64>, allow_zero: bool| match v {
            Some(v)
                if !(v.is_finite()
                    && (v > 0.0 || (allow_zero && v == 0.0))
                    && v <= MAX_SECONDS) =>
            {
                bad(
                    flag,
                    if allow_zero {
                        "seconds >= 0 (at most 30 days, 2592000)"
                    } else {
                        "seconds > 0 (at most 30 days, 2592000)"
                    },
                    v.to_string(),
                )
            }
            _ => Ok(()),
        };
        share("service-level", self.service_level, false, false)?;
        share("max-abandon", self.max_abandon, true, false)?;
        share("max-occupancy", self.max_occupancy, true, false)?;
        share("shrinkage", self.shrinkage, false, true)?;
        share("containment", self.containment, false, false)?;
        seconds("answer-within-s", self.answer_within_s, true)?;
        seconds("max-asa-s", self.max_asa_s, true)?;
        seconds("patience-s", self.patience_s, false)?;
        if self.concurrency == Some(0) {
            return bad("concurrency", "a whole number >= 1", "0".into());
        }
        Ok(())
    }
}
