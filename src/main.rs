//! The `bindcheck` command: parse, run, map the outcome to an exit code. The command line
//! (src/cli) lives in the binary, not in the library: it is not part of the library's API.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
