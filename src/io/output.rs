//! Output sets written all or nothing.
//!
//! A command that writes several files (`wfm plan` writes ten) must leave
//! either all of them or none: a planner who finds `roster.csv` beside a
//! `coverage.csv` from the previous run makes decisions on a mix of two runs.
//! [`OutputSet`] does this in three steps:
//!
//! 1. **Claim** every destination before the work starts
//!    ([`OutputSet::claim`]): the path is resolved through symlinks, refused
//!    when it is one of the inputs or another output, and a uniquely named
//!    temporary file is created beside it, so a missing directory or a
//!    read-only one fails before minutes of work, not after.
//! 2. **Fill** each claim with its bytes ([`OutputSet::set`]).
//! 3. **Commit** ([`OutputSet::commit`]): every temporary file is written and
//!    flushed; only when all are complete are they renamed into place, one
//!    after the other. Destinations that are not regular files (a character
//!    device such as `/dev/null`, a FIFO) are written through, never
//!    replaced, after the temporary files are complete and before any is
//!    renamed: a device that fails (`/dev/full`) leaves every file as it
//!    was. A FIFO is opened once, at the commit (the claim checks its
//!    permission without opening it). Standard output, if claimed, is
//!    written last. An input recorded after the claims (a file another
//!    input names) that is one of the outputs stops the commit before
//!    anything is written.
//!
//! Dropping a set without committing it removes its temporary files.
//!
//! ```
//! use wfm::io::output::OutputSet;
//! let dir = tempfile::tempdir().unwrap();
//! let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
//! let mut set = OutputSet::new();
//! let ia = set.claim(Some(&a), "--out").unwrap();
//! let ib = set.claim(Some(&b), "--summary").unwrap();
//! set.set(ia, b"x\n1\n".to_vec());
//! set.set(ib, b"y\n2\n".to_vec());
//! set.commit().unwrap();
//! assert_eq!(std::fs::read_to_string(&a).unwrap(), "x\n1\n");
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output could not be claimed or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The destination is one of the command's inputs.
    #[error("{flag} {path}: is also an input ({input}); refusing to overwrite an input")]
    IsInput {
        /// The flag that named the output.
        flag: String,
        /// The output path as given.
        path: String,
        /// The input flag or file it collides with.
        input: String,
    },
    /// Two outputs name the same file.
    #[error("{flag} {path}: the same file as {other}; give each output its own path")]
    Duplicate {
        /// The flag that named the output.
        flag: String,
        /// The output path as given.
        path: String,
        /// The other output's flag.
        other: String,
    },
    /// The destination is a directory.
    #[error("{flag} {path}: is a directory; expected a file path")]
    IsDirectory {
        /// The flag that named the output.
        flag: String,
        /// The output path as given.
        path: String,
    },
    /// The destination cannot be prepared or written.
    #[error("{flag} {path}: cannot write")]
    Io {
        /// The flag that named the output.
        flag: String,
        /// The output path as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Standard output is closed: the result would be lost.
    #[error("standard output is closed; give an output file ({flag}) or redirect stdout")]
    StdoutClosed {
        /// The flag that would name a file instead.
        flag: String,
    },
}

/// The handle of one claimed output, returned by [`OutputSet::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputId(usize);

#[derive(Debug)]
enum Dest {
    /// Standard output.
    Stdout,
    /// A regular file (or a new one): staged in a temporary file beside it.
    File {
        target: PathBuf,
        tmp: Option<tempfile::NamedTempFile>,
    },
    /// An existing file that is not a regular file: written through.
    Through { target: PathBuf },
}

#[derive(Debug)]
struct Claim {
    flag: String,
    shown: String,
    dest: Dest,
    bytes: Option<Vec<u8>>,
}

/// A set of outputs written all or nothing; see the [module docs](self).
#[derive(Debug, Default)]
pub struct OutputSet {
    inputs: Vec<(String, Option<PathBuf>)>,
    claims: Vec<Claim>,
    /// An input recorded after an output that names the same file: the
    /// commit refuses to write anything.
    late: Option<OutputError>,
}

/// The path a write to `path` lands on: symlinks followed (also a dangling
/// last link, whose target is created), the parent made absolute.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return std::fs::canonicalize(&p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let name = p.file_name().map(|n| n.to_os_string()).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path")
                })?;
                let parent = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                return Ok(std::fs::canonicalize(&parent)?.join(name));
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Whether the process may write to `path` (a device or FIFO), checked
/// without opening it.
#[cfg(unix)]
fn writable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "a NUL in the path"))?;
    // SAFETY: `c` is a valid NUL-terminated path; access(2) only reads it.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn writable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Whether standard output is usable. On Unix the Rust runtime reopens a
/// closed stdout on `/dev/null` read-write (a shell's `>/dev/null` opens it
/// write-only), so that is what a closed stdout looks like here.
#[cfg(unix)]
fn stdout_closed() -> bool {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let fd = std::io::stdout().as_raw_fd();
    // SAFETY: fcntl(F_GETFL) only reads the descriptor's flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return true;
    }
    if flags & libc::O_ACCMODE != libc::O_RDWR {
        return false;
    }
    let Ok(meta) = std::fs::metadata("/dev/null") else {
        return false;
    };
    let Ok(own) = std::fs::metadata(format!("/proc/self/fd/{fd}")) else {
        return false;
    };
    own.file_type().is_char_device() && own.rdev() == meta.rdev()
}

#[cfg(not(unix))]
fn stdout_closed() -> bool {
    false
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an input file, so that an output naming the same file is
    /// refused. `what` names it in the error (`--forecast f.csv`). Inputs
    /// that do not exist are ignored (their reader reports them).
    ///
    /// An input recorded after the outputs were claimed (a file another
    /// input names, known only once that input is read) is checked against
    /// them too: [`OutputSet::commit`] then fails before writing anything.
    pub fn input(&mut self, what: impl Into<String>, path: &Path) {
        let what = what.into();
        let resolved = resolve(path).ok();
        if let Some(r) = &resolved {
            let hit = self.claims.iter().find(|c| match &c.dest {
                Dest::File { target, .. } | Dest::Through { target } => target == r,
                Dest::Stdout => false,
            });
            if let (Some(c), None) = (hit, &self.late) {
                self.late = Some(OutputError::IsInput {
                    flag: c.flag.clone(),
                    path: c.shown.clone(),
                    input: what.clone(),
                });
            }
        }
        self.inputs.push((what, resolved));
    }

    /// Claims a destination: `None` is standard output. Fails now, before
    /// any work, if the destination is an input or another output, a
    /// directory, or cannot be created.
    pub fn claim(&mut self, path: Option<&Path>, flag: &str) -> Result<OutputId, OutputError> {
        let id = OutputId(self.claims.len());
        let Some(path) = path else {
            if stdout_closed() {
                return Err(OutputError::StdoutClosed {
                    flag: flag.to_string(),
                });
            }
            self.claims.push(Claim {
                flag: flag.to_string(),
                shown: "stdout".into(),
                dest: Dest::Stdout,
                bytes: None,
            });
            return Ok(id);
        };
        let shown = path.display().to_string();
        let io = |source: std::io::Error| OutputError::Io {
            flag: flag.to_string(),
            path: shown.clone(),
            source,
        };
        let target = resolve(path).map_err(io)?;
        for (what, input) in &self.inputs {
            if input.as_deref() == Some(target.as_path()) {
                return Err(OutputError::IsInput {
                    flag: flag.to_string(),
                    path: shown,
                    input: what.clone(),
                });
            }
        }
        for c in &self.claims {
            let same = match &c.dest {
                Dest::File { target: t, .. } | Dest::Through { target: t } => t == &target,
                Dest::Stdout => false,
            };
            if same {
                return Err(OutputError::Duplicate {
                    flag: flag.to_string(),
                    path: shown,
                    other: c.flag.clone(),
                });
            }
        }
        let dest = match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(OutputError::IsDirectory {
                    flag: flag.to_string(),
                    path: shown,
                })
            }
            Ok(m) if !m.is_file() => {
                // A device or FIFO: check the permission without opening it
                // (opening a FIFO and closing it would hand its reader an
                // end of file); it is opened once, at the commit.
                writable(&target).map_err(io)?;
                Dest::Through { target }
            }
            _ => {
                let dir = target.parent().unwrap_or(Path::new("."));
                let name = target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let prefix = format!(".{name}.");
                let mut builder = tempfile::Builder::new();
                builder.prefix(&prefix).suffix(".wfm-tmp");
                // A new file gets the usual 0666 less the umask (tempfile's
                // default is 0600); a replaced file keeps its permissions.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&target)
                        .map(|m| m.permissions().mode() & 0o7777)
                        .unwrap_or(0o666);
                    builder.permissions(std::fs::Permissions::from_mode(mode));
                }
                let tmp = builder.tempfile_in(dir).map_err(io)?;
                Dest::File {
                    target,
                    tmp: Some(tmp),
                }
            }
        };
        self.claims.push(Claim {
            flag: flag.to_string(),
            shown,
            dest,
            bytes: None,
        });
        Ok(id)
    }

    /// Gives a claimed output its contents (replacing earlier ones).
    pub fn set(&mut self, id: OutputId, bytes: Vec<u8>) {
        if let Some(c) = self.claims.get_mut(id.0) {
            c.bytes = Some(bytes);
        }
    }

    /// Fills a claimed output with what `fill` writes.
    pub fn fill(
        &mut self,
        id: OutputId,
        fill: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let mut buf = Vec::new();
        if let Err(source) = fill(&mut buf) {
            let c = &self.claims[id.0];
            return Err(OutputError::Io {
                flag: c.flag.clone(),
                path: c.shown.clone(),
                source,
            });
        }
        self.set(id, buf);
        Ok(())
    }

    /// The paths claimed, as given, in order (`stdout` for standard output).
    pub fn paths(&self) -> Vec<&str> {
        self.claims.iter().map(|c| c.shown.as_str()).collect()
    }

    /// Writes every output: all temporary files first, then the renames,
    /// then write-through destinations, then standard output. An output
    /// never given contents is written empty. A closed pipe on standard
    /// output is not an error (the reader chose to stop, as with `| head`).
    pub fn commit(mut self) -> Result<(), OutputError> {
        if let Some(e) = self.late.take() {
            return Err(e);
        }
        // 1. Stage: write and flush every temporary file.
        for c in &mut self.claims {
            if let Dest::File { tmp: Some(tmp), .. } = &mut c.dest {
                let bytes = c.bytes.as_deref().unwrap_or_default();
                let res = tmp
                    .as_file_mut()
                    .write_all(bytes)
                    .and_then(|_| tmp.as_file_mut().sync_all());
                if let Err(source) = res {
                    return Err(OutputError::Io {
                        flag: c.flag.clone(),
                        path: c.shown.clone(),
                        source,
                    });
                }
            }
        }
        // 2. Devices and FIFOs, before anything is published: a device that
        //    fails (`/dev/full`) leaves every file as it was.
        for c in &self.claims {
            let bytes = c.bytes.as_deref().unwrap_or_default();
            let res = match &c.dest {
                Dest::Through { target } => std::fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .and_then(|mut f| f.write_all(bytes).and_then(|_| f.flush())),
                _ => Ok(()),
            };
            res.map_err(|source| OutputError::Io {
                flag: c.flag.clone(),
                path: c.shown.clone(),
                source,
            })?;
        }
        // 3. Publish: rename each into place; then stdout.
        for c in &mut self.claims {
            if let Dest::File { target, tmp } = &mut c.dest {
                if let Some(t) = tmp.take() {
                    t.persist(&*target).map_err(|e| OutputError::Io {
                        flag: c.flag.clone(),
                        path: c.shown.clone(),
                        source: e.error,
                    })?;
                }
            }
        }
        for c in &self.claims {
            if let Dest::Stdout = c.dest {
                let bytes = c.bytes.as_deref().unwrap_or_default();
                let mut out = std::io::stdout().lock();
                match out.write_all(bytes).and_then(|_| out.flush()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                    Err(source) => {
                        return Err(OutputError::Io {
                            flag: c.flag.clone(),
                            path: "stdout".into(),
                            source,
                        })
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_recorded_after_its_output_stops_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("named.csv");
        std::fs::write(&f, "kept").unwrap();
        let mut outs = OutputSet::new();
        let id = outs.claim(Some(&f), "--out").unwrap();
        outs.set(id, b"new".to_vec());
        outs.input("the scenario's calendar", &f);
        let e = outs.commit().unwrap_err().to_string();
        assert!(e.contains("--out") && e.contains("calendar"), "{e}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "kept");
    }

    #[test]
    fn all_or_nothing_when_a_destination_is_bad() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        let bad = dir.path().join("nodir").join("s.csv");
        let mut set = OutputSet::new();
        set.claim(Some(&good), "--out").unwrap();
        let e = set.claim(Some(&bad), "--summary").unwrap_err();
        assert!(e.to_string().starts_with("--summary "), "{e}");
        drop(set);
        assert!(!good.exists());
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn refuses_inputs_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f.csv");
        std::fs::write(&f, "data").unwrap();
        let mut set = OutputSet::new();
        set.input("--forecast", &f);
        let e = set.claim(Some(&f), "--out").unwrap_err();
        assert!(matches!(e, OutputError::IsInput { .. }), "{e}");
        // Through another spelling of the same path.
        let other = dir.path().join(".").join("f.csv");
        assert!(set.claim(Some(&other), "--out").is_err());
        let g = dir.path().join("g.csv");
        set.claim(Some(&g), "--out").unwrap();
        let e = set.claim(Some(&g), "--summary").unwrap_err();
        assert!(matches!(e, OutputError::Duplicate { .. }), "{e}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "data");
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_and_writes_through_devices() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut set = OutputSet::new();
        let id = set.claim(Some(&link), "--out").unwrap();
        let dev = set.claim(Some(Path::new("/dev/null")), "--trace").unwrap();
        set.set(id, b"new".to_vec());
        set.set(dev, b"gone".to_vec());
        set.commit().unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn a_users_file_named_like_a_temporary_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.csv");
        let theirs = dir.path().join("o.csv.tmp-wfm");
        std::fs::write(&theirs, "mine").unwrap();
        let mut a = OutputSet::new();
        let ia = a.claim(Some(&out), "--out").unwrap();
        let mut b = OutputSet::new();
        let ib = b.claim(Some(&out), "--out").unwrap();
        a.set(ia, b"a".to_vec());
        b.set(ib, b"b".to_vec());
        a.commit().unwrap();
        b.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_permissions_and_replaced_ones_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&b, "old").unwrap();
        std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut set = OutputSet::new();
        set.claim(Some(&a), "--out").unwrap();
        set.claim(Some(&b), "--summary").unwrap();
        set.commit().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // SAFETY: umask only swaps the process's mask; it is restored at once.
        let um = unsafe { libc::umask(0o022) };
        unsafe { libc::umask(um) };
        assert_eq!(mode(&a), 0o666 & !um);
        assert_eq!(mode(&b), 0o640);
    }
}
