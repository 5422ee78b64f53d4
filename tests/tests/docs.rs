//! The documentation's cluster recipes are the files `.ci/slurm-test` runs: every script and
//! manifest in `docs/cluster/` appears verbatim in `docs/tournaments.md`, every bash or YAML block
//! there is one of those files, and the shard counts inside each file agree.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `(name, text)` of every file in `docs/cluster/`, sorted by name.
fn cluster_files() -> Vec<(String, String)> {
    let dir = workspace().join("docs/cluster");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("docs/cluster")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&path).expect("text"))
        })
        .collect();
    files.sort();
    files
}

/// The fenced code blocks of a Markdown text: `(language, body)`, the body with its last newline.
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some((lang.trim().to_string(), String::new()));
                }
            }
            Some((lang, body)) => {
                if trimmed == "```" {
                    blocks.push((lang.clone(), body.clone()));
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    blocks
}

#[test]
fn every_cluster_file_is_in_the_docs_verbatim_and_every_script_there_is_a_file() {
    let docs = read("docs/tournaments.md");
    let files = cluster_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "merge-job.yaml",
        "merge.sbatch",
        "resubmit.sh",
        "shards-job.yaml",
        "shards.sbatch",
        "submit.sh",
    ] {
        assert!(names.contains(&expected), "docs/cluster/{expected} exists");
    }
    let blocks = fenced_blocks(&docs);
    for (name, text) in &files {
        let lang = if name.ends_with(".yaml") {
            "yaml"
        } else {
            "bash"
        };
        let copies = blocks
            .iter()
            .filter(|(l, body)| l == lang && body == text)
            .count();
        assert_eq!(
            copies, 1,
            "docs/tournaments.md should hold docs/cluster/{name} verbatim, once, in a ```{lang} block"
        );
    }
    // A script or manifest in the docs that is not one of the files would be untested.
    for (lang, body) in &blocks {
        if lang == "bash" || lang == "yaml" {
            assert!(
                files.iter().any(|(_, text)| text == body),
                "this ```{lang} block of docs/tournaments.md is not a file of docs/cluster/ \
                 (run by .ci/slurm-test); edit the file and copy it:\n{body}"
            );
        }
    }
}

/// The number after `prefix` in `text` (the first occurrence).
fn number_after(text: &str, prefix: &str) -> u64 {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("`{prefix}` in\n{text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a number after `{prefix}`"))
}

#[test]
fn each_file_agrees_with_itself_on_the_number_of_shards() {
    let sbatch = read("docs/cluster/shards.sbatch");
    let tasks = number_after(&sbatch, "#SBATCH --array=1-");
    assert_eq!(
        number_after(&sbatch, "--shard \"${SLURM_ARRAY_TASK_ID}/"),
        tasks
    );
    assert!(
        sbatch.contains("--threads \"${SLURM_CPUS_PER_TASK:-1}\""),
        "threads follow the CPUs Slurm gave"
    );
    assert!(
        !sbatch.contains("--resume") && !sbatch.contains("--quiet"),
        "a resubmitted task resumes by itself, and the log gets progress lines"
    );
    let job = read("docs/cluster/shards-job.yaml");
    let completions = number_after(&job, "completions: ");
    assert_eq!(number_after(&job, "parallelism: "), completions);
    assert_eq!(number_after(&job, "+ 1))/"), completions);
}

#[test]
fn the_slurm_test_runs_the_documented_files_and_ci_runs_it() {
    let test = read(".ci/slurm-test");
    for file in ["shards.sbatch", "merge.sbatch", "submit.sh", "resubmit.sh"] {
        assert!(
            test.contains(&format!("docs/cluster/{file}")),
            ".ci/slurm-test uses docs/cluster/{file}"
        );
    }
    assert!(
        test.contains("./submit.sh") && test.contains("./resubmit.sh"),
        "it submits with the documented scripts"
    );
    let shards = number_after(&read("docs/cluster/shards.sbatch"), "#SBATCH --array=1-");
    assert_eq!(number_after(&test, "\nSHARDS="), shards);
    assert!(
        read(".ci/run").contains(".ci/slurm-test"),
        ".ci/run runs the Slurm test"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for path in [
            ".ci/slurm-test",
            "docs/cluster/submit.sh",
            "docs/cluster/resubmit.sh",
        ] {
            let mode = std::fs::metadata(workspace().join(path))
                .expect(path)
                .permissions()
                .mode();
            assert!(mode & 0o111 != 0, "{path} is executable");
        }
    }
}
