//! Diagnostics that never cost the result: stderr may be closed, full or a
//! pipe whose reader has gone; a failed diagnostic is dropped, never a panic.
//! Output files go through [`wfm::io::output::OutputSet`].

use std::io::Write;

/// Writes one line to stderr, ignoring failures; the library's settings
/// (`Request.time_limit_s`) are named as this binary's flags.
pub fn diag_line(args: std::fmt::Arguments<'_>) {
    let line = flags_for_keys(&args.to_string());
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|_| err.write_all(b"\n"));
}

/// The structs whose fields are settings a command takes as flags (see
/// `wfm::jobs`, "Messages name the settings").
const SETTING_STRUCTS: [&str; 9] = [
    "Request",
    "CheckRequest",
    "ScheduleOptions",
    "GroupStaffOptions",
    "CapacityOptions",
    "BacktestOptions",
    "SimLimits",
    "Overdispersion",
    "ChannelSettings",
];

/// The flag of a setting's path (`options.groups.replications`), where it
/// is not the last field's name in kebab case.
fn flag_of(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    match (path, last) {
        ("options.groups.replications", _) => "--group-replications".into(),
        (_, "hiring_overrides") => "--set".into(),
        (_, "max_candidates") => "--max-shifts".into(),
        _ => format!("--{}", last.replace('_', "-")),
    }
}

/// `text` with every `Struct.field.path` of [`SETTING_STRUCTS`] replaced by
/// its flag.
pub fn flags_for_keys(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if word_start && b[i].is_ascii_uppercase() {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if SETTING_STRUCTS.contains(&&text[i..j]) {
                // The path: segments of [a-z0-9_] after dots.
                let mut end = j;
                while end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_lowercase() {
                    end += 1;
                    while end < b.len()
                        && (b[end].is_ascii_lowercase()
                            || b[end].is_ascii_digit()
                            || b[end] == b'_')
                    {
                        end += 1;
                    }
                }
                if end > j {
                    out.push_str(&text[copied..i]);
                    out.push_str(&flag_of(&text[j + 1..end]));
                    copied = end;
                    i = end;
                    continue;
                }
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// Writes text to stdout for a command whose whole answer is that text
/// (`wfm erlang`). A closed pipe ends quietly; a closed stdout is an error.
pub fn print_answer(text: &str) -> anyhow::Result<()> {
    let mut set = wfm::io::output::OutputSet::new();
    let id = set.claim(None, "--format")?;
    set.set(id, text.as_bytes().to_vec());
    set.commit()?;
    Ok(())
}

/// A progress bar on stderr for a long step, shown only once the step has
/// run for a second (a quick run prints nothing but its result).
pub struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A bar of `len` steps: `{what} [====] pos/len {unit}, elapsed`.
    pub fn new(len: u64, what: &str, unit: &str) -> Progress {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        let template =
            format!("{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{elapsed}}");
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: false.into(),
        }
    }

    /// One step done (callable from any thread).
    pub fn inc(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        if !self.shown.load(Relaxed) && self.started.elapsed().as_secs_f64() > 1.0 {
            self.shown.store(true, Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// The step is over: the bar is cleared.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A spinner with the job's stage and the time elapsed, on stderr when it
/// is a terminal (indicatif draws nothing into a pipe or a file), nothing
/// with `--quiet`: for jobs that run for seconds without steps to count
/// (the capacity plan, the plan's rounds, the schedule, the roster, the
/// review).
pub struct Stage {
    bar: indicatif::ProgressBar,
}

impl Stage {
    /// `wfm {job}: {stage}, {elapsed}` until [`Stage::finish`].
    pub fn start(job: &str, stage: &str, quiet: bool) -> Stage {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let template = format!("{{spinner}} wfm {job}: {{msg}}, {{elapsed}}");
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(stage.to_string());
        if !bar.is_hidden() {
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        Stage { bar }
    }

    /// Runs `work` under a spinner showing `stage`, cleared when it ends
    /// (whatever it returns).
    pub fn around<T>(job: &str, stage: &str, quiet: bool, work: impl FnOnce() -> T) -> T {
        let spinner = Stage::start(job, stage, quiet);
        let out = work();
        spinner.finish();
        out
    }

    /// The job moved on to `stage`.
    pub fn set(&self, stage: impl Into<String>) {
        self.bar.set_message(stage.into());
    }

    /// A line for stderr printed above the spinner (so the two do not
    /// overwrite each other).
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            diag_line(format_args!("{line}"));
        } else {
            self.bar.suspend(|| diag_line(format_args!("{line}")));
        }
    }

    /// The job is done: the spinner is cleared.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::flags_for_keys;

    #[test]
    fn settings_are_named_as_flags() {
        assert_eq!(
            flags_for_keys("Request.time_limit_s: expected seconds >= 0, got -1"),
            "--time-limit-s: expected seconds >= 0, got -1"
        );
        assert_eq!(
            flags_for_keys("move CapacityOptions.from/CapacityOptions.to inside it."),
            "move --from/--to inside it."
        );
        assert_eq!(
            flags_for_keys("(Request.options.groups.replications) or Request.hiring_overrides x=1"),
            "(--group-replications) or --set x=1"
        );
        // Other words with a dot stay: file names, a struct not listed.
        assert_eq!(
            flags_for_keys("Cargo.toml, MyRequest.x, Request. done"),
            "Cargo.toml, MyRequest.x, Request. done"
        );
        assert_eq!(flags_for_keys("é Request.to ü"), "é --to ü");
    }
}
