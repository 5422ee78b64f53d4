//! Pictures end to end, through the real binary: `play --plot` (one SVG figure of a game), the
//! tournament's `report.html` (written and listed by `gigawatt tournament`, redrawn by
//! `gigawatt report`, with a tuning history, and with the analyses of `gigawatt explore`), a text
//! snapshot of the report (insta), and the page rendered by headless Chromium.
//!
//! The snapshot holds the report's text (titles, notes, tables), not its figures' coordinates. It is
//! drawn by `gigawatt report` from a fixed results folder (`tests/fixtures/report/tiny`, written once
//! by a tiny tournament), so it changes when the report changes, not when the model does: review
//! the new text with `cargo insta review` (or `INSTA_UPDATE=always cargo test -p
//! gigawatt-acceptance --test report`) and commit it with the change.
//!
//! The browser test needs Debian's `chromium`, so it is ignored by default (`cargo test --workspace`
//! passes on a fresh machine); `.ci/run` installs Chromium and runs the ignored tests, and it fails,
//! saying so, when Chromium is missing. It checks that the screenshot is not blank and that the page fetched nothing: the
//! HTML holds no URL and no `src=`, the browser runs with every host name unresolvable
//! (`--host-resolver-rules`), and its network log (`--log-net-log`) shows no request made for the
//! page, a check proven live by a control page with an external image, whose request it must see.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use gigawatt_acceptance::{gigawatt_in, ok};

fn temp_dir(name: &str) -> PathBuf {
    gigawatt_acceptance::temp_dir("report", name)
}

fn gigawatt(args: &[&str]) -> Output {
    gigawatt_in(&std::env::current_dir().expect("cwd"), args)
}

/// Three strategies, two seeds, whole games: a few dozen games, written to `<temp>/<name>/tiny`
/// (the folder's name is in the report's title, so it is fixed). Returns the folder and stdout.
fn tiny_tournament(name: &str) -> (PathBuf, String) {
    let out = temp_dir(name).join("tiny");
    let out_text = out.to_str().unwrap();
    let stdout = ok(&gigawatt(&[
        "tournament",
        "--strategy",
        "status-quo",
        "--strategy",
        "builder",
        "--strategy",
        "scaler",
        "--seeds",
        "2",
        "--seed",
        "3",
        "--resamples",
        "200",
        "--quiet",
        "--out",
        out_text,
    ]));
    (out, stdout)
}

/// The page as XML: it is written to be both HTML and well-formed XML.
fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("not well-formed: {e}"))
}

/// Text of `node` without its figures.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    let mut text = String::new();
    for d in node.descendants() {
        if d.is_text() && !d.ancestors().any(|a| a.has_tag_name("svg")) {
            text.push_str(d.text().unwrap_or(""));
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report's text, one line per heading, paragraph, fact or table row (cells joined by ` | `);
/// figures and styles left out.
fn page_text(doc: &roxmltree::Document<'_>) -> String {
    fn visit(node: roxmltree::Node<'_, '_>, lines: &mut Vec<String>) {
        if !node.is_element() {
            return;
        }
        match node.tag_name().name() {
            "svg" | "style" | "head" => {}
            "h1" | "h2" | "p" | "summary" => lines.push(text_of(node)),
            "nav" => lines.push(
                node.children()
                    .filter(|c| c.is_element())
                    .map(text_of)
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            "dt" => lines.push(format!("{}:", text_of(node))),
            "dd" => {
                if let Some(last) = lines.last_mut() {
                    last.push(' ');
                    last.push_str(&text_of(node));
                }
            }
            "tr" => lines.push(
                node.children()
                    .filter(|c| c.is_element())
                    .map(text_of)
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            "section" | "footer" => {
                lines.push(String::new());
                node.children().for_each(|c| visit(c, lines));
            }
            _ => node.children().for_each(|c| visit(c, lines)),
        }
    }
    let mut lines = Vec::new();
    visit(doc.root_element(), &mut lines);
    lines.join("\n") + "\n"
}

/// What must never be in the page: any URL, or anything that loads a resource.
fn assert_self_contained(html: &str) {
    for outside in [
        "http:",
        "https:",
        "//",
        "src=",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "url(",
        "@import",
        "@font-face",
    ] {
        // `//` is allowed only inside CSS comments, which the page has none of.
        assert!(!html.contains(outside), "the page holds `{outside}`");
    }
}

#[test]
fn the_tournament_writes_and_lists_report_html() {
    let (dir, stdout) = tiny_tournament("snapshot");
    let report = dir.join("report.html");
    assert!(report.is_file(), "report.html written");
    assert!(
        stdout.contains(&format!(
            "  {}  (the report: open it in a browser)",
            report.display()
        )),
        "listed with the other files:\n{stdout}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert_self_contained(&html);
    let doc = parse(&html);
    let headings: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("h2"))
        .map(text_of)
        .collect();
    assert_eq!(
        headings,
        [
            "Standings",
            "By seat: who wins where",
            "Payoff matrix",
            "Meta-game: evolutionary stationary distribution",
            "Capability trajectories by strategy",
            "Superintelligence arrival"
        ]
    );
    // The standings table says what standings.csv says, in the same order.
    let csv = std::fs::read_to_string(dir.join("standings.csv")).unwrap();
    let from_csv: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let table = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("standings"))
        .expect("standings table");
    let from_html: Vec<String> = table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .map(|tr| text_of(tr.children().filter(|c| c.is_element()).nth(1).unwrap()))
        .collect();
    assert_eq!(from_html, from_csv);
}

/// A copy of the fixed results folder in `<temp>/<name>/tiny` (the folder's name is in the report's
/// title).
fn fixture_folder(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/report/tiny");
    let to = temp_dir(name).join("tiny");
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
    to
}

#[test]
fn the_report_of_a_fixed_folder_reads_as_its_snapshot() {
    let dir = fixture_folder("fixture");
    assert!(!dir.join("report.html").exists());
    let stdout = ok(&gigawatt(&["report", dir.to_str().unwrap()]));
    assert_eq!(stdout.trim(), dir.join("report.html").display().to_string());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_self_contained(&html);
    let doc = parse(&html);
    let text = page_text(&doc);
    // The fixture's own numbers reach the page: its first standings row is on it.
    let csv = std::fs::read_to_string(dir.join("standings.csv")).unwrap();
    let leader = csv.lines().nth(1).unwrap().split(',').next().unwrap();
    assert!(text.contains(leader), "{text}");
    insta::assert_snapshot!("tiny_tournament_report", text);
}

#[test]
fn report_redraws_a_folder_with_a_tuning_history() {
    let (dir, _) = tiny_tournament("tuning");
    std::fs::remove_file(dir.join("report.html")).unwrap();
    let tune = temp_dir("tuning-run");
    let mut history = String::from("generation,evaluation,spec,score,seconds\n");
    for e in 0..40 {
        let score = 0.5 + 0.2 * (1.0 - 1.0 / (1.0 + f64::from(e) / 8.0));
        history.push_str(&format!(
            "{},{e},\"parametric(compute_share: 0.{e})\",{score},0.2\n",
            e / 10
        ));
    }
    std::fs::write(tune.join("history.csv"), history).unwrap();
    let stdout = ok(&gigawatt(&[
        "report",
        dir.to_str().unwrap(),
        "--tuning",
        tune.to_str().unwrap(),
    ]));
    assert_eq!(stdout.trim(), dir.join("report.html").display().to_string());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_self_contained(&html);
    let doc = parse(&html);
    let tuning = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("tuning"))
        .expect("a tuning section");
    assert!(
        text_of(tuning).contains("40 evaluations over 4 generations"),
        "{}",
        text_of(tuning)
    );
    let curve = tuning
        .descendants()
        .find(|n| n.attribute("id") == Some("convergence"))
        .expect("the convergence figure");
    assert_eq!(
        curve
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        40,
        "a dot per evaluation"
    );
}

#[test]
fn report_of_an_explore_folder_adds_what_decides_the_race() {
    let dir = temp_dir("explore").join("run");
    let dir_text = dir.to_str().unwrap();
    ok(&gigawatt(&[
        "explore",
        "--worlds",
        "24",
        "--months",
        "36",
        "--strategy",
        "status-quo",
        "--strategy",
        "builder",
        "--quiet",
        "--out",
        dir_text,
    ]));
    ok(&gigawatt(&["report", dir_text]));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_self_contained(&html);
    let doc = parse(&html);
    let headings: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("h2"))
        .map(text_of)
        .collect();
    assert_eq!(
        headings[5..],
        [
            "Superintelligence arrival",
            "What decides the race",
            "Where the outcome holds (PRIM)",
            "Robust strategies"
        ]
    );
    // explore's own files read back whole: no section falls back to its note.
    let text = page_text(&doc);
    assert!(!text.contains("could not be read"), "{text}");
    assert!(text.contains("Across 24 sampled worlds"), "{text}");
    let section = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no #{id}"))
    };
    // A table per seat, a row per strategy.
    let tables: Vec<_> = section("robustness")
        .descendants()
        .filter(|n| n.attribute("class") == Some("robustness"))
        .collect();
    assert_eq!(tables.len(), 2, "usa and chn");
    for t in tables {
        assert_eq!(t.descendants().filter(|n| n.has_tag_name("tr")).count(), 3);
    }
    // Every figure of the new sections has a title and its axes titled.
    for (id, axis) in [
        ("sensitivity", "δ (moment-independent sensitivity)"),
        ("robustness", "max regret (score)"),
    ] {
        let svg = section(id)
            .descendants()
            .find(|n| n.has_tag_name("svg"))
            .unwrap_or_else(|| panic!("a figure in #{id}"));
        assert!(svg.children().any(|c| c.has_tag_name("title")), "{id}");
        let texts: String = svg
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(axis), "{id}: {axis}");
    }
}

#[test]
fn report_of_a_folder_without_games_fails_naming_it() {
    let dir = temp_dir("empty");
    let output = gigawatt(&["report", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&dir.display().to_string()) && stderr.contains("games.jsonl"),
        "{stderr}"
    );
    let tune = temp_dir("no-history");
    let (games, _) = tiny_tournament("missing-history");
    let output = gigawatt(&[
        "report",
        games.to_str().unwrap(),
        "--tuning",
        tune.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("history.csv"), "{stderr}");
}

#[test]
fn play_plot_draws_the_game_as_one_svg_figure() {
    let dir = temp_dir("play");
    let svg_path = dir.join("game.svg");
    let stdout = ok(&gigawatt(&[
        "play",
        "--agent",
        "usa=builder",
        "--seed",
        "2",
        "--json",
        "--plot",
        svg_path.to_str().unwrap(),
    ]));
    let outcome: serde_json::Value = serde_json::from_str(&stdout).expect("--json still works");
    let svg = std::fs::read_to_string(&svg_path).expect("the figure is written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(
        doc.root_element()
            .has_tag_name(("http://www.w3.org/2000/svg", "svg"))
    );
    let panels: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("panel"))
        .collect();
    let ids: Vec<&str> = panels.iter().filter_map(|p| p.attribute("id")).collect();
    assert_eq!(
        ids,
        gigawatt_report::plot::GAME_PANEL_IDS,
        "capacity, queue, datacenters, chips, training, capability"
    );
    let nations = outcome["nations"].as_array().unwrap();
    for panel in &panels {
        let strokes: Vec<String> = panel
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter_map(|n| n.attribute("stroke").map(str::to_ascii_uppercase))
            .collect();
        for i in 0..nations.len() {
            let colour = gigawatt_report::plot::hex(gigawatt_report::plot::color(i));
            let lines = strokes.iter().filter(|s| **s == colour).count();
            let expected = match panel.attribute("id") {
                Some("datacenters") => 2,
                _ => 1,
            };
            assert_eq!(lines, expected, "{:?} nation {i}", panel.attribute("id"));
        }
        let title = panel
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or("");
        assert!(!title.is_empty(), "every panel has a title");
    }
    let asi: Vec<(&str, u64)> = nations
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n["asi_month"].as_u64()?)))
        .collect();
    assert!(!asi.is_empty(), "this game reaches superintelligence");
    for (id, month) in asi {
        let label = format!("ASI: {id} {}-{:02}", 2025 + month / 12, month % 12 + 1);
        let labels = doc
            .descendants()
            .filter(|n| n.is_element() && n.text().is_some_and(|t| t.contains(&label)))
            .count();
        assert_eq!(
            labels,
            gigawatt_report::plot::GAME_PANEL_IDS.len(),
            "`{label}` marks every panel"
        );
    }
}

#[test]
fn an_unwritable_plot_path_is_an_error_naming_it() {
    let path = temp_dir("unwritable").join("no-such-dir").join("game.svg");
    let output = gigawatt(&["play", "--months", "2", "--plot", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(output.stdout.is_empty(), "no game is reported");
}

// ------------------------------------------------------------------------------------------------
// In a browser
// ------------------------------------------------------------------------------------------------

fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium is not installed, so the report cannot be checked in a browser: \
             `apt-get install -y chromium` (.ci/run does it)"
        )
    })
}

/// Render `page` headless into `png` with a network log in `netlog`; panics after a minute.
fn screenshot(page: &Path, png: &Path, netlog: &Path, work: &Path) {
    let stderr_path = work.join("chromium.stderr");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--no-pings",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in a minute:\n{}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success() && png.is_file(),
        "chromium failed ({status}):\n{}",
        std::fs::read_to_string(&stderr_path).unwrap_or_default()
    );
}

/// The URLs a page asked the network for: the requests of Chromium's network log made on behalf
/// of a `file://` page (the browser's own background requests belong to no page), other than
/// `file:` and `data:` URLs.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("a network log");
    let log: serde_json::Value = serde_json::from_str(&text).expect("the network log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the log names its event types");
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.contains("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|url| !url.starts_with("file:") && !url.starts_with("data:"))
        .map(str::to_string)
        .collect()
}

/// Pixels of an RGB or RGBA PNG as RGB triples.
fn pixels(png_path: &Path) -> Vec<[u8; 3]> {
    let file = std::io::BufReader::new(std::fs::File::open(png_path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

#[test]
#[ignore = "needs Debian's chromium, which a fresh machine lacks; .ci/run installs it and runs the ignored tests"]
fn chromium_renders_the_report_offline_and_not_blank() {
    let started = Instant::now();
    let (dir, _) = tiny_tournament("browser");
    let work = temp_dir("browser-run");
    let page = std::fs::canonicalize(dir.join("report.html")).unwrap();
    assert_self_contained(&std::fs::read_to_string(&page).unwrap());
    let png = work.join("report.png");
    let netlog = work.join("netlog.json");
    screenshot(&page, &png, &netlog, &work);

    let pixels = pixels(&png);
    assert_eq!(pixels.len(), 1280 * 2000, "the window's size");
    let non_white = pixels.iter().filter(|p| p.iter().any(|c| *c < 235)).count();
    let coloured = pixels
        .iter()
        .filter(|p| {
            let (lo, hi) = (p.iter().min().unwrap(), p.iter().max().unwrap());
            hi - lo > 60
        })
        .count();
    let mut distinct: Vec<[u8; 3]> = pixels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(
        non_white > pixels.len() / 50,
        "only {non_white} non-white pixels: blank page?"
    );
    assert!(
        coloured > 5_000,
        "only {coloured} coloured pixels: the figures and heat map did not render"
    );
    assert!(
        distinct.len() > 100,
        "only {} distinct colours",
        distinct.len()
    );
    let requests = page_requests(&netlog);
    assert!(requests.is_empty(), "the page fetched {requests:?}");

    // Control: a page with an external image. Its request must show in the log (it fails, as
    // every host name is unresolvable), or the check above proves nothing.
    let control = work.join("control.html");
    std::fs::write(
        &control,
        "<html><body><p>control</p><img src=\"http://gigawatt.invalid/x.png\"/></body></html>",
    )
    .unwrap();
    let control_log = work.join("control-netlog.json");
    screenshot(&control, &work.join("control.png"), &control_log, &work);
    assert_eq!(
        page_requests(&control_log),
        ["http://gigawatt.invalid/x.png"],
        "the network log no longer shows a page's requests"
    );
    eprintln!("browser test: {:.1} s", started.elapsed().as_secs_f64());
    // The browser profile is a few megabytes: leave only what a failure would need.
    let _ = std::fs::remove_dir_all(&work);
}

/// The page as Chromium lays it out, after the scripts ran: `--dump-dom` of `page`.
fn dump_dom(page: &Path, work: &Path) -> String {
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            // The frame page reads the report's document, both file:// pages.
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=800,900",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile-dom").display()
        ))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Width of a phone's viewport in CSS pixels (an iPhone 12 to 15).
const PHONE_WIDTH: u32 = 390;

#[test]
#[ignore = "needs Debian's chromium, which a fresh machine lacks; .ci/run installs it and runs the ignored tests"]
fn on_a_phone_the_page_does_not_scroll_sideways() {
    let (dir, _) = tiny_tournament("phone");
    let work = temp_dir("phone-run");
    // The report in a 390 px frame (headless Chromium will not make a window narrower than
    // 500 px); a script in the frame page (never in the report) measures the report's layout and
    // writes it into the frame page's title, which --dump-dom prints.
    std::fs::copy(dir.join("report.html"), work.join("report.html")).unwrap();
    let frame = work.join("frame.html");
    std::fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html><head><title>pending</title></head><body style=\"margin:0\">\
             <iframe id=\"f\" src=\"report.html\" style=\"width:{PHONE_WIDTH}px;height:844px;border:0\">\
             </iframe><script>\
             document.getElementById('f').addEventListener('load', function () {{\
               var d = this.contentDocument, w = this.contentWindow;\
               function clipped(e) {{\
                 for (var a = e.parentElement; a; a = a.parentElement) {{\
                   var o = w.getComputedStyle(a).overflowX;\
                   if (o == 'auto' || o == 'scroll' || o == 'hidden') return true;\
                 }}\
                 return false;\
               }}\
               var wide = [];\
               d.querySelectorAll('body *').forEach(function (e) {{\
                 var r = e.getBoundingClientRect();\
                 if (r.right > w.innerWidth + 0.5 && !clipped(e)) wide.push(e.tagName);\
               }});\
               document.title = 'layout ' + d.documentElement.scrollWidth + ' ' + w.innerWidth +\
                 ' ' + wide.length + ' ' + wide.slice(0, 10).join(',');\
             }});\
             </script></body></html>"
        ),
    )
    .unwrap();
    let dom = dump_dom(&frame, &work);
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .expect("the frame page's title");
    let fields: Vec<&str> = title.split(' ').collect();
    assert_eq!(fields[0], "layout", "the script ran: {title}");
    let (scroll_width, inner_width, wide): (u32, u32, u32) = (
        fields[1].parse().unwrap(),
        fields[2].parse().unwrap(),
        fields[3].parse().unwrap(),
    );
    assert_eq!(inner_width, PHONE_WIDTH, "{title}");
    assert!(
        scroll_width <= inner_width,
        "the page is {scroll_width} px wide at {inner_width} px: it scrolls sideways ({title})"
    );
    assert_eq!(
        wide, 0,
        "elements reach past the right edge outside a scrolling box: {title}"
    );
    // Control: a page that is too wide must be caught, or the check above proves nothing.
    std::fs::write(
        work.join("report.html"),
        "<!DOCTYPE html><html><body><p style=\"white-space:nowrap\">a line of text far too \
         long for any phone to show without scrolling sideways, which is the point</p></body></html>",
    )
    .unwrap();
    let dom = dump_dom(&frame, &work);
    assert!(
        !dom.contains(&format!("<title>layout {PHONE_WIDTH} {PHONE_WIDTH} 0")),
        "the control page should overflow: {dom}"
    );
    let _ = std::fs::remove_dir_all(&work);
}
