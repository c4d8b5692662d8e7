//! The `bindcheck` command: parse, run, map the outcome to an exit code.

fn main() -> std::process::ExitCode {
    bindcheck::cli::main()
}
