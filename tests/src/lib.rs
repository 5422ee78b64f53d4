//! Acceptance test support.
//!
//! The end-to-end CLI tests run the real `gigawatt` binary. This crate is not the package that owns
//! the binary, so Cargo does not hand it `CARGO_BIN_EXE_gigawatt`; [`gigawatt_bin`] finds (and
//! builds) it instead.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Environment variable naming a prebuilt `gigawatt` binary to test instead of building one.
pub const GIGAWATT_BIN_ENV: &str = "GIGAWATT_BIN";

/// Path of the `gigawatt` binary in the same target directory and profile as the running test
/// executable (`target/<profile>/deps/cli-xxxx` → `target/<profile>/gigawatt`).
///
/// The first call in a test process runs `cargo build -p gigawatt-cli --bin gigawatt` in the same
/// profile (and target triple, if any); Cargo itself decides whether the binary is missing or stale,
/// and does nothing when it is fresh. Later calls reuse the path. Set `GIGAWATT_BIN` to test a
/// prebuilt binary without building.
///
/// Panics (it is test support) when the binary cannot be built or found, with Cargo's output.
pub fn gigawatt_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os(GIGAWATT_BIN_ENV) {
            return PathBuf::from(path);
        }
        let layout = Layout::of_current_test();
        build(&layout, "gigawatt-cli", "gigawatt");
        let bin = layout
            .profile_dir
            .join(format!("gigawatt{}", std::env::consts::EXE_SUFFIX));
        assert!(
            bin.is_file(),
            "cargo built gigawatt-cli but {} does not exist",
            bin.display()
        );
        bin
    })
    .clone()
}

/// Where the running test executable lives in Cargo's target directory.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Layout {
    /// `target/<profile>` or `target/<triple>/<profile>`.
    profile_dir: PathBuf,
    /// `target`.
    target_dir: PathBuf,
    /// `debug`, `release`, or a custom profile's directory name.
    profile: String,
    /// The `--target` triple, when cross-building.
    triple: Option<String>,
}

impl Layout {
    fn of_current_test() -> Layout {
        let exe = std::env::current_exe().expect("the test executable knows its path");
        Layout::of(&exe).unwrap_or_else(|| {
            panic!(
                "cannot find Cargo's target directory above {}",
                exe.display()
            )
        })
    }

    fn of(exe: &Path) -> Option<Layout> {
        let mut profile_dir = exe.parent()?;
        if profile_dir.file_name()? == "deps" {
            profile_dir = profile_dir.parent()?;
        }
        let profile = profile_dir.file_name()?.to_str()?.to_string();
        let parent = profile_dir.parent()?;
        // The target directory root holds CACHEDIR.TAG; one level deeper means a target triple.
        let (target_dir, triple) = match parent.parent() {
            Some(grandparent)
                if !parent.join("CACHEDIR.TAG").exists()
                    && grandparent.join("CACHEDIR.TAG").exists() =>
            {
                (grandparent, Some(parent.file_name()?.to_str()?.to_string()))
            }
            _ => (parent, None),
        };
        Some(Layout {
            profile_dir: profile_dir.to_path_buf(),
            target_dir: target_dir.to_path_buf(),
            profile,
            triple,
        })
    }

    /// Cargo's flags that select this profile, target directory and triple.
    fn cargo_flags(&self) -> Vec<OsString> {
        let mut flags: Vec<OsString> = vec!["--target-dir".into(), self.target_dir.clone().into()];
        match self.profile.as_str() {
            "debug" => {}
            "release" => flags.push("--release".into()),
            custom => flags.extend(["--profile".into(), custom.into()]),
        }
        if let Some(triple) = &self.triple {
            flags.extend(["--target".into(), triple.into()]);
        }
        flags
    }
}

/// `cargo build -p <package> --bin <bin>` for `layout`, from this workspace.
fn build(layout: &Layout, package: &str, bin: &str) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace");
    let output = Command::new(&cargo)
        .current_dir(workspace)
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .args(layout.cargo_flags())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{}`: {e}", cargo.to_string_lossy()));
    assert!(
        output.status.success(),
        "`cargo build -p {package} --bin {bin}` failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A fresh, empty directory for one test: `<temp>/gigawatt-<suite>-<pid>/<name>`.
pub fn temp_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("gigawatt-{suite}-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Run the real `gigawatt` binary with `args` in `cwd`.
pub fn gigawatt_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(gigawatt_bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("gigawatt runs")
}

/// The stdout of a run that must have succeeded; otherwise a panic showing its exit, stdout and
/// stderr.
pub fn ok(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// The games of a results directory as lines sorted by `game_id` (the file itself is in finishing
/// order, which depends on threads).
pub fn sorted_games(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("games.jsonl")).expect("games.jsonl");
    let mut lines: Vec<(u64, String)> = text
        .lines()
        .map(|l| {
            // Every record starts with its id: `{"game_id":N,...`.
            let id = l
                .strip_prefix("{\"game_id\":")
                .and_then(|rest| rest.split(',').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a game record without a leading game_id: {l}"));
            (id, l.to_string())
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_target(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gigawatt-layout-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("CACHEDIR.TAG"), "").expect("tag");
        dir
    }

    #[test]
    fn a_test_in_deps_maps_to_its_profile_dir() {
        let target = temp_target("plain");
        let layout = Layout::of(&target.join("release/deps/cli-0123")).expect("layout");
        let _ = std::fs::remove_dir_all(&target);
        assert_eq!(layout.profile_dir, target.join("release"));
        assert_eq!(layout.target_dir, target);
        assert_eq!(layout.triple, None);
        assert!(layout.cargo_flags().contains(&OsString::from("--release")));
    }

    #[test]
    fn a_target_triple_is_detected_and_passed_on() {
        let target = temp_target("triple");
        let layout = Layout::of(&target.join("x86_64-unknown-linux-gnu/debug/deps/cli-0123"))
            .expect("layout");
        let _ = std::fs::remove_dir_all(&target);
        assert_eq!(layout.target_dir, target);
        assert_eq!(layout.profile, "debug");
        assert_eq!(layout.triple.as_deref(), Some("x86_64-unknown-linux-gnu"));
        let flags = layout.cargo_flags();
        assert!(
            !flags.contains(&OsString::from("--release"))
                && flags.contains(&OsString::from("--target"))
        );
    }

    #[test]
    fn a_custom_profile_is_named() {
        let target = temp_target("custom");
        let layout = Layout::of(&target.join("profiling/deps/cli-0123")).expect("layout");
        let _ = std::fs::remove_dir_all(&target);
        let flags = layout.cargo_flags();
        let i = flags
            .iter()
            .position(|f| f == "--profile")
            .expect("--profile");
        assert_eq!(flags[i + 1], "profiling");
    }
}
