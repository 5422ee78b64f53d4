//! The engine's module graph has no cycles: the strategy API (`orders`, `observation`, `strategy`,
//! `rules`, `outcome`, `snapshot`) sits below the runner and the systems, so a strategy's view of the
//! game never depends on how the engine runs it. A tidy test in rust-analyzer's manner: it reads the
//! source, so a new `use crate::…` that closes a loop fails here with the loop named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module name (`systems::orders`) → the crate modules its non-test code names.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    collect(src, &mut files);
    let names: BTreeSet<String> = files.iter().map(|f| module_name(src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let name = module_name(src, file);
        if name == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere (the `#[cfg(test)] mod tests` at the end of a file, and
        // single test-only items); comments and doc links are not dependencies.
        let code = text.split("#[cfg(test)]\nmod ").next().unwrap();
        let mut deps = BTreeSet::new();
        let mut test_only = false;
        for line in code.lines() {
            let line = line.trim_start();
            if std::mem::take(&mut test_only) || line.starts_with("//") {
                continue;
            }
            if line.starts_with("#[cfg(test)]") {
                test_only = true;
                continue;
            }
            for (at, _) in line.match_indices("crate::") {
                let path: Vec<&str> = line[at + "crate::".len()..]
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap()
                    .split("::")
                    .collect();
                // The longest prefix that is a module: `systems::orders`, else `systems`.
                let two = path.iter().take(2).copied().collect::<Vec<_>>().join("::");
                let dep = if names.contains(&two) {
                    two
                } else {
                    path[0].to_string()
                };
                if names.contains(&dep) && dep != name && !name.starts_with(&format!("{dep}::")) {
                    deps.insert(dep);
                }
            }
        }
        graph.insert(name, deps);
    }
    graph
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

/// A cycle through `start`, if any (depth-first, in name order so the report is stable).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_engine_has_no_module_cycles() {
    let graph = module_graph(&src());
    assert!(graph.len() > 20, "read the engine's modules: {graph:?}");
    assert!(
        graph["runner"].contains("observation"),
        "the scan sees real dependencies"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("module cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_strategy_api_does_not_depend_on_how_the_engine_runs() {
    let graph = module_graph(&src());
    for api in ["orders", "observation", "strategy", "rules", "outcome"] {
        for internal in ["runner", "systems", "world", "schedule", "invariants"] {
            let uses = graph[api]
                .iter()
                .any(|d| d == internal || d.starts_with(&format!("{internal}::")));
            assert!(
                !uses,
                "`{api}` depends on the engine's internal `{internal}`"
            );
        }
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph).unwrap(),
        ["a", "b", "c", "a"].map(String::from)
    );
}
