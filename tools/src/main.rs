//! The `gigawatt` command-line tool. All the logic lives in the `gigawatt_tools` library.

fn main() -> std::process::ExitCode {
    gigawatt_tools::main_entry(std::env::args_os())
}
