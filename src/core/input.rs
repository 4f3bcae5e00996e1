//! Positioned errors for everything read from files: CSV and TOML.
//!
//! Like the `csv` crate's errors, an [`InputError`] knows where it happened
//! (file, line, column or key) and its message reads as one sentence:
//! `forecast.csv:12: column 4 (volume): expected a number >= 0, got "-3"`.

use std::fmt;

/// An error in an input file, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    /// The file (or other source) name as the user gave it.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<u64>,
    /// The column or key: `column 4 (volume)`, `[channel.phone] shrinkage`.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            f.write_str(": ")?;
            one_line(f, col)?;
        }
        f.write_str(": ")?;
        one_line(f, &self.message)
    }
}

/// Writes `s` with line breaks shown as `\n` / `\r` and every value of
/// more than [`LONG_VALUE`] characters cut to [`CUT_TO`]: an error is one
/// short line, whatever text it quotes.
fn one_line(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let s = cut_long_values(s);
    for part in s.split_inclusive(['\n', '\r']) {
        match part.strip_suffix('\n').or_else(|| part.strip_suffix('\r')) {
            Some(head) => {
                f.write_str(head)?;
                f.write_str(if part.ends_with('\n') { "\\n" } else { "\\r" })?;
            }
            None => f.write_str(part)?,
        }
    }
    Ok(())
}

/// A value (a run of characters without spaces) longer than this is cut in
/// a message.
pub const LONG_VALUE: usize = 80;
/// The characters of a long value kept in a message.
pub const CUT_TO: usize = 60;

/// `msg` with every value (a run without white space) of more than
/// [`LONG_VALUE`] characters cut to its first [`CUT_TO`], followed by `…`
/// and its length: a 1 MB channel name does not push the reason out of
/// the message. A path (a value with `/` or `\`) is cut only past 4,096
/// characters.
pub fn cut_long_values(msg: &str) -> std::borrow::Cow<'_, str> {
    // A path (it has a separator) is kept whole up to PATH_MAX: the file an
    // error names must stay readable, however deep the folder.
    let too_long = |w: &str| {
        let n = w.chars().count();
        if w.contains(['/', '\\']) {
            n > 4096
        } else {
            n > LONG_VALUE
        }
    };
    let long = msg
        .split(char::is_whitespace)
        .any(|w| w.len() > LONG_VALUE && too_long(w));
    if !long {
        return std::borrow::Cow::Borrowed(msg);
    }
    let mut out = String::with_capacity(msg.len().min(4096));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let n = word.chars().count();
        if too_long(word) {
            out.extend(word.chars().take(CUT_TO));
            out.push_str(&format!("… ({n} characters)"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in msg.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

impl InputError {
    /// An error about a whole file (unreadable, empty, ...).
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error at a line.
    pub fn at(file: &str, line: u64, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            ..Self::file(file, message)
        }
    }

    /// An error at a line and column (or key).
    pub fn at_column(
        file: &str,
        line: u64,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            line: Some(line),
            column: Some(column.into()),
            ..Self::file(file, message)
        }
    }

    /// An error at a key of a TOML file (`[channel.phone] shrinkage`).
    pub fn at_key(file: &str, key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            column: Some(key.into()),
            ..Self::file(file, message)
        }
    }

    /// A `csv` crate error: it knows its line.
    pub fn from_csv(file: &str, e: &csv::Error) -> Self {
        let line = e.position().map(|p| p.line());
        let message = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "invalid UTF-8 (files must be UTF-8)".to_string(),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("expected {expected_len} fields like the header, found {len}")
            }
            csv::ErrorKind::Io(io) => io.to_string(),
            _ => e.to_string(),
        };
        Self {
            line,
            ..Self::file(file, message)
        }
    }

    /// A TOML parse error, with line and column from its span.
    pub fn from_toml(file: &str, text: &str, e: &toml::de::Error) -> Self {
        let mut err = Self::file(file, e.message().trim().to_string());
        if let Some(span) = e.span() {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() as u64 + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            err.line = Some(line);
            err.column = Some(format!("column {col}"));
        }
        err
    }
}

/// A warning about an input that was read anyway (an unknown column, ...).
/// The library never prints; the binary writes these to stderr.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning(pub String);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod cut_tests {
    #[test]
    fn long_values_are_cut_and_paths_kept() {
        let name = "x".repeat(100);
        let msg = format!("channel {name}: expected a number");
        let cut = super::cut_long_values(&msg);
        // The value and what follows it up to a space: 101 characters.
        assert_eq!(
            cut,
            format!(
                "channel {}… (101 characters) expected a number",
                "x".repeat(60)
            )
        );
        let deep = format!("/{}/f.csv:2:", "d".repeat(150));
        assert_eq!(super::cut_long_values(&deep), deep);
        assert_eq!(super::cut_long_values("short"), "short");
    }
}
