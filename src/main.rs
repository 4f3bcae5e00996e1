//! The `wfm` command: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 2 error (bad input, impossible target, I/O).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
