//! The `wfm` command: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success; 1 the work was done but a target is missed or
//! coverage falls short (`schedule`, `plan`, `review`); 2 error (bad input,
//! impossible target, work over a limit, I/O).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
