//! The `gigawatt` command-line tool. The command line lives in the `gigawatt_cli` library
//! (so tests can run it in-process), the logic in `gigawatt_arena` and `gigawatt_report`.

fn main() -> std::process::ExitCode {
    gigawatt_cli::main_entry(std::env::args_os())
}
