//! Channel settings: targets, patience, shrinkage, bot containment and
//! concurrency per channel, from a TOML file.
//!
//! ```toml
//! [channel.phone]
//! kind = "voice"          # voice | chat | deferred
//! service_level = 0.80    # share answered within answer_within_s
//! answer_within_s = 20
//! max_asa_s = 30          # optional
//! max_abandon = 0.05      # optional, needs a patience
//! max_occupancy = 0.85    # optional
//! patience_s = 180        # optional: mean patience, enables Erlang A
//! shrinkage = 0.30
//! containment = 0.0       # share solved by the bot/IVR; staffing uses the rest
//! concurrency = 1         # chats one agent handles at once
//! sl_definition = "offered"   # offered | answered | offered-minus-early-abandons
//! model = "erlang-a"      # optional: erlang-c | erlang-a
//! ```
//!
//! Every key is optional. A key a channel's table leaves out, and every key
//! of a channel the file does not name, falls back to the defaults (the
//! command-line flags in the CLI), then to [`ChannelSettings::builtin`].
//! A deferred channel's reply deadline `answer_within_s` must be set in its
//! own table: the real-time default of 20 s means nothing for e-mail.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::input::{InputError, Warning};
use crate::models::dist::DistSpec;
use crate::models::erlang::SlDefinition;
use crate::models::staffing::{Model, Targets};

mod book;

/// How a channel's work is handled, which decides its staffing model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// Real-time, one contact per agent (phone). Erlang C or A.
    #[default]
    Voice,
    /// Real-time with `concurrency` contacts per agent (chat, WeChat). Erlang C or A on slots.
    Chat,
    /// Deferred work answered within a deadline (e-mail, tickets, forms).
    Deferred,
}

/// The settings of one channel as written; `None` means "not set here".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// voice | chat | deferred.
    pub kind: Option<ChannelKind>,
    /// Share answered within `answer_within_s`, `[0, 1)`; 0 means no such target.
    pub service_level: Option<f64>,
    /// Service-level threshold (deferred: the reply deadline), seconds.
    pub answer_within_s: Option<f64>,
    /// Highest ASA, seconds.
    pub max_asa_s: Option<f64>,
    /// Highest abandonment rate, share (needs a patience).
    pub max_abandon: Option<f64>,
    /// Highest occupancy, share.
    pub max_occupancy: Option<f64>,
    /// Mean patience, seconds; enables Erlang A.
    pub patience_s: Option<f64>,
    /// Share of paid time agents are unavailable, `[0, 1)`.
    pub shrinkage: Option<f64>,
    /// Share of the volume solved by the bot or IVR, `[0, 1]`.
    pub containment: Option<f64>,
    /// Contacts one agent handles at once, `>= 1`.
    pub concurrency: Option<u32>,
    /// How abandoned contacts count in the service level.
    pub sl_definition: Option<SlDefinition>,
    /// Queueing model; by default Erlang A where a patience is known, else Erlang C.
    pub model: Option<Model>,
    /// Simulator: handle-time distribution shape (mean from `aht_s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_time: Option<DistSpec>,
    /// Simulator: patience distribution shape (mean from `patience_s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<DistSpec>,
    /// Simulator: mean time a contact spends with the bot before it is
    /// solved or transferred, seconds (exponential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_time_s: Option<f64>,
    /// Simulator: probability that an abandoned contact tries again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_prob: Option<f64>,
    /// Simulator: mean delay before a retry, seconds (exponential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay_s: Option<f64>,
    /// Simulator: the channel a retry arrives on (default: the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_channel: Option<String>,
    /// Simulator: offer a callback when the expected wait exceeds this, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_threshold_s: Option<f64>,
    /// Simulator: share of the callers offered a callback who take it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_share: Option<f64>,
    /// Simulator: a callback is late when made later than this after the request, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_deadline_s: Option<f64>,
    /// An outbound campaign (`[channel.NAME.outbound]`): the forecast's
    /// volume is attempts, staffed by the dialer model of
    /// [`crate::models::dialer`] instead of a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound: Option<crate::models::dialer::Campaign>,
}

impl ChannelSettings {
    /// The built-in defaults: voice, 80% within 20 s, no other target, no
    /// shrinkage, no bot, concurrency 1, service level over all offered.
    pub fn builtin() -> Self {
        Self {
            kind: Some(ChannelKind::Voice),
            service_level: Some(0.8),
            answer_within_s: Some(20.0),
            max_asa_s: None,
            max_abandon: None,
            max_occupancy: None,
            patience_s: None,
            shrinkage: Some(0.0),
            containment: Some(0.0),
            concurrency: Some(1),
            sl_definition: Some(SlDefinition::Offered),
            model: None,
            handle_time: None,
            patience: None,
            bot_time_s: None,
            retry_prob: None,
            retry_delay_s: None,
            retry_channel: None,
            callback_threshold_s: None,
            callback_share: None,
            callback_deadline_s: None,
            outbound: None,
        }
    }

    /// Each key from `self` where set, else from `fallback`.
    pub fn or(&self, fallback: &ChannelSettings) -> ChannelSettings {
        ChannelSettings {
            kind: self.kind.or(fallback.kind),
            service_level: self.service_level.or(fallback.service_level),
            answer_within_s: self.answer_within_s.or(fallback.answer_within_s),
            max_asa_s: self.max_asa_s.or(fallback.max_asa_s),
            max_abandon: self.max_abandon.or(fallback.max_abandon),
            max_occupancy: self.max_occupancy.or(fallback.max_occupancy),
            patience_s: self.patience_s.or(fallback.patience_s),
            shrinkage: self.shrinkage.or(fallback.shrinkage),
            containment: self.containment.or(fallback.containment),
            concurrency: self.concurrency.or(fallback.concurrency),
            sl_definition: self.sl_definition.or(fallback.sl_definition),
            model: self.model.or(fallback.model),
            handle_time: self
                .handle_time
                .clone()
                .or_else(|| fallback.handle_time.clone()),
            patience: self.patience.clone().or_else(|| fallback.patience.clone()),
            bot_time_s: self.bot_time_s.or(fallback.bot_time_s),
            retry_prob: self.retry_prob.or(fallback.retry_prob),
            retry_delay_s: self.retry_delay_s.or(fallback.retry_delay_s),
            retry_channel: self
                .retry_channel
                .clone()
                .or_else(|| fallback.retry_channel.clone()),
            callback_threshold_s: self.callback_threshold_s.or(fallback.callback_threshold_s),
            callback_share: self.callback_share.or(fallback.callback_share),
            callback_deadline_s: self.callback_deadline_s.or(fallback.callback_deadline_s),
            outbound: self.outbound.or(fallback.outbound),
        }
    }
}

/// A channel's settings, resolved and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// The channel's name.
    pub name: String,
    /// How its work is handled.
    pub kind: ChannelKind,
    /// Its service targets.
    pub targets: Targets,
    /// Mean patience, seconds.
    pub patience_s: Option<f64>,
    /// Shrinkage, share of paid time.
    pub shrinkage: f64,
    /// Bot/IVR containment, share of volume.
    pub containment: f64,
    /// Contacts per agent at once.
    pub concurrency: u32,
    /// The model asked for, if any.
    pub model: Option<Model>,
    /// Simulator settings.
    pub sim: ChannelSimSettings,
    /// The outbound campaign, when the channel is one.
    pub outbound: Option<crate::models::dialer::Campaign>,
}

/// A channel's simulator settings, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSimSettings {
    /// Handle-time shape.
    pub handle_time: DistSpec,
    /// Patience shape (used when a patience mean is known).
    pub patience: DistSpec,
    /// Mean bot time, seconds (0 = none).
    pub bot_time_s: f64,
    /// Retry probability after abandoning.
    pub retry_prob: f64,
    /// Mean retry delay, seconds.
    pub retry_delay_s: f64,
    /// Channel of the retry (`None` = the same).
    pub retry_channel: Option<String>,
    /// Callback offer threshold on the expected wait, seconds (`None` = no callbacks).
    pub callback_threshold_s: Option<f64>,
    /// Share of callers offered a callback who take it.
    pub callback_share: f64,
    /// Callback deadline, seconds.
    pub callback_deadline_s: f64,
}

/// An agent group of the simulator: the channels it serves, in priority order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSettings {
    /// Channels served, highest priority first.
    pub channels: Vec<String>,
    /// Contacts an agent of the group handles at once (chat-kind channels only when > 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Cost of an agent of the group relative to a specialist (e.g. 1.1
    /// for cross-trained agents), for multi-skill staffing; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_hour: Option<f64>,
    /// Groups this one is the overflow of: a contact of a channel both
    /// serve goes to this group only when none of their agents is free
    /// (specialists first). Must not form a cycle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow_from: Vec<String>,
    /// Blending: an outbound channel of the group's `channels` its agents
    /// call out on when no inbound contact waits and at least `reserve`
    /// other agents are idle (Bhulai & Koole 2003); the forecast's volume of
    /// that channel is its call list per interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend: Option<String>,
    /// Blending: agents kept idle for inbound (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve: Option<u32>,
}

/// The channels TOML file: a `[channel.NAME]` table per channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelsFile {
    /// Settings by channel name.
    #[serde(default)]
    pub channel: BTreeMap<String, ChannelSettings>,
    /// Agent groups of the simulator, by name. Without any, each channel is
    /// served by its own group of the same name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub group: BTreeMap<String, GroupSettings>,
}

impl ChannelsFile {
    /// Parses the TOML text; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self, InputError> {
        let file: ChannelsFile =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        file.check_channels(source)?;
        file.check_overflow(source)?;
        Ok(file)
    }

    /// Checks every `[channel.NAME]` table's values where the file is read
    /// (whether or not a command uses that channel): each key in its range,
    /// every outbound campaign's times and shares.
    pub fn check_channels(&self, source: &str) -> Result<(), InputError> {
        let book = ChannelBook::new(self.clone(), source, ChannelSettings::default());
        for name in self.channel.keys() {
            book.resolve(name)?;
        }
        Ok(())
    }

    /// Checks the groups' `overflow_from` (known groups, no cycle) and
    /// `blend` (one of the group's channels, concurrency 1; `reserve` only
    /// with it). Errors name `source` and the key.
    pub fn check_overflow(&self, source: &str) -> Result<(), InputError> {
        for (name, g) in &self.group {
            if let Some(c) = g.cost_per_hour {
                if !(c.is_finite() && c > 0.0 && c <= 100.0) {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] cost_per_hour"),
                        format!("expected a cost relative to a specialist in (0, 100], got {c}"),
                    ));
                }
            }
            for f in &g.overflow_from {
                if !self.group.contains_key(f) {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] overflow_from"),
                        format!(
                            "unknown group {f:?}; the groups are {}",
                            self.group.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
        for (name, g) in &self.group {
            match (&g.blend, g.reserve) {
                (Some(c), _) if !g.channels.contains(c) => {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] blend"),
                        format!("{c:?} is not one of the group's channels; add it to `channels`"),
                    ))
                }
                (Some(c), _)
                    if self
                        .channel
                        .get(c)
                        .is_none_or(|x| x.outbound.is_none()) =>
                {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] blend"),
                        format!(
                            "{} is an inbound channel: blend names the outbound campaign ([channel.NAME.outbound]) the group calls out on",
                            crate::core::textio::shorten(c, 60)
                        ),
                    ))
                }
                (Some(_), _) if g.concurrency.unwrap_or(1) != 1 => {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] blend"),
                        "a blended group takes one call at a time (concurrency 1)".to_string(),
                    ))
                }
                (None, Some(_)) => {
                    return Err(InputError::at_key(
                        source,
                        format!("[group.{name}] reserve"),
                        "a reserve needs `blend` (the outbound channel)".to_string(),
                    ))
                }
                _ => {}
            }
        }
        // Follow overflow_from from each group; meeting the start again is a cycle.
        for start in self.group.keys() {
            let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
            let mut seen = std::collections::BTreeSet::new();
            while let Some((g, path)) = stack.pop() {
                for f in &self.group[&g].overflow_from {
                    if f == start {
                        let mut cycle = path.clone();
                        cycle.push(f.clone());
                        return Err(InputError::at_key(
                            source,
                            format!("[group.{start}] overflow_from"),
                            format!(
                                "cyclic overflow {}: a group cannot wait for itself",
                                cycle.join(" after ")
                            ),
                        ));
                    }
                    if seen.insert(f.clone()) {
                        let mut p = path.clone();
                        p.push(f.clone());
                        stack.push((f.clone(), p));
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads a channels file.
    pub fn from_path(path: &Path) -> Result<Self, InputError> {
        let text = crate::core::textio::read_text(path)?;
        Self::parse(&text, &path.display().to_string())
    }
}

/// A blend kept by [`ChannelBook::per_channel_with_blends`]: the agents of
/// `inbound` also call out on `outbound`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanBlend {
    /// The `[group.NAME]` table it came from.
    pub group: String,
    /// The inbound channel whose agents blend.
    pub inbound: String,
    /// The outbound channel they call out on.
    pub outbound: String,
    /// Agents kept idle for inbound (the table's; a plan or review then
    /// chooses its own by simulation).
    pub reserve: u32,
}

/// Resolves channel names to settings: the file's table for the channel,
/// then `defaults`, then [`ChannelSettings::builtin`].
#[derive(Debug, Clone, Default)]
pub struct ChannelBook {
    /// The channels file (empty when none was given).
    pub file: ChannelsFile,
    /// Where the file came from, for errors.
    pub source: String,
    /// Defaults for keys the file leaves out (the CLI flags).
    pub defaults: ChannelSettings,
}

impl ChannelBook {
    /// A book over `file` (named `source`) with `defaults` for what it leaves out.
    pub fn new(file: ChannelsFile, source: &str, defaults: ChannelSettings) -> Self {
        Self {
            file,
            source: source.to_string(),
            defaults,
        }
    }

    /// One warning per channel of `names` that has no `[channel.NAME]`
    /// table (or no channels file at all): such a channel is staffed with
    /// the defaults (the command's flags, then voice, 80% within 20 s, no
    /// shrinkage, no containment, one contact at a time), which is rarely
    /// what a chat or e-mail channel needs.
    pub fn defaulted<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<Warning> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for n in names {
            if self.file.channel.contains_key(n) || !seen.insert(n) {
                continue;
            }
            let whose = if self.source.is_empty() {
                "no channels file is given".to_string()
            } else {
                format!("{} has no [channel.{n}] table", self.source)
            };
            out.push(Warning(format!(
                "channel {n}: {whose}: staffed with the defaults (voice, 80% within 20 s, no shrinkage, no containment, one contact at a time, unless a flag sets them); set `channels` in the centre file or add the table"
            )));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_then_defaults_then_builtin() {
        let f = ChannelsFile::parse(
            "[channel.chat]\nkind = \"chat\"\nconcurrency = 3\nservice_level = 0.9\n",
            "c.toml",
        )
        .unwrap();
        let defaults = ChannelSettings {
            answer_within_s: Some(30.0),
            shrinkage: Some(0.25),
            ..Default::default()
        };
        let book = ChannelBook::new(f, "c.toml", defaults);
        let chat = book.resolve("chat").unwrap();
        assert_eq!(chat.concurrency, 3);
        assert_eq!(chat.targets.service_level, Some(0.9));
        assert_eq!(chat.targets.answer_within_s, 30.0);
        assert_eq!(chat.shrinkage, 0.25);
        let phone = book.resolve("phone").unwrap();
        assert_eq!(phone.kind, ChannelKind::Voice);
        assert_eq!(phone.targets.service_level, Some(0.8));
    }

    #[test]
    fn errors_name_file_and_key() {
        let e = ChannelsFile::parse("[channel.phone]\nshrinkge = 0.3\n", "c.toml").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.to_string()
                .starts_with("c.toml:2: column 1: unknown field `shrinkge`"),
            "{e}"
        );
        // Every channel's values are checked when the file is read.
        let e = ChannelsFile::parse("[channel.phone]\nshrinkage = 1.5\n", "c.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml: [channel.phone] shrinkage: expected a share in [0, 1), got 1.5"
        );
        let e = ChannelsFile::parse("[channel.mail]\nkind = \"letter\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("c.toml:2"), "{e}");
        let e = ChannelsFile::parse("[channel.mail]\nkind = \"deferred\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("reply deadline"));
    }
}
