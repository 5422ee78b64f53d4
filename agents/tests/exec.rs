//! Agents over the process protocol (`exec:COMMAND`): they play like built-in strategies when they
//! answer, and fault like them when they do not. The agents here are `sh` one-liners, so the tests
//! need nothing beyond a POSIX shell.

use std::sync::Arc;

use gigawatt_engine::{Match, Outcome, Scenario, Strategy};

fn scenario() -> Arc<Scenario> {
    gigawatt_engine::testing::default_scenario()
}

fn play(usa: &str, chn: &str, months: u32) -> Outcome {
    let seats: Vec<Box<dyn Strategy>> = vec![
        gigawatt_agents::build(usa).expect("usa spec"),
        gigawatt_agents::build(chn).expect("chn spec"),
    ];
    let mut m = Match::with_months(scenario(), seats, 7, months)
        .unwrap()
        .with_fallback(gigawatt_agents::fallback());
    m.run()
}

/// An agent that answers every observation with `orders` (a JSON array) and ignores everything
/// else.
fn answering(orders: &str) -> String {
    format!(
        r#"exec:while IFS= read -r line; do case "$line" in *'"type":"observation"'*) echo '{{"type":"orders","orders":{orders}}}';; esac; done"#
    )
}

#[test]
fn an_agent_that_gives_no_orders_plays_like_a_strategy_that_gives_none() {
    let external = play(&answering("[]"), "status-quo", 24);
    let internal = play("scripted(plan: [])", "status-quo", 24);
    assert!(external.faults.is_empty(), "{:?}", external.faults);
    assert_eq!(external.nations[0].strategy, answering("[]"));
    // Everything but the strategy's name is the same game.
    let mut renamed = external.clone();
    renamed.nations[0].strategy = internal.nations[0].strategy.clone();
    assert_eq!(renamed, internal);
}

#[test]
fn an_agent_s_orders_are_applied_like_any_strategy_s() {
    // Train with most of the first lab's compute, every month (repeating it changes nothing).
    let split = r#"[{"SetComputeSplit":{"lab":0,"training_share":0.9}}]"#;
    let external = play(&answering(split), "status-quo", 24);
    let internal = play(
        "scripted(plan: [(month: 0, orders: [SetComputeSplit(lab: 0, training_share: 0.9)])])",
        "status-quo",
        24,
    );
    assert!(external.faults.is_empty(), "{:?}", external.faults);
    assert_eq!(
        external.nations[0].capability,
        internal.nations[0].capability
    );
    assert_eq!(
        external.nations[0].largest_run_flop,
        internal.nations[0].largest_run_flop
    );
    // And the orders did something: without them it is another game.
    let none = play(&answering("[]"), "status-quo", 24);
    assert_ne!(
        none.nations[0].largest_run_flop,
        external.nations[0].largest_run_flop
    );
}

/// The game completes, the agent's seat faulted once in month 0, and the fallback took it.
fn faulted_at_once(outcome: &Outcome) -> String {
    assert_eq!(outcome.months_played, 12, "the game went on");
    assert_eq!(outcome.faults.len(), 1, "{:?}", outcome.faults);
    let fault = &outcome.faults[0];
    assert_eq!((fault.month, fault.nation.as_str()), (0, "usa"));
    assert!(
        fault
            .message
            .ends_with("the nation plays `status-quo` from now on"),
        "{}",
        fault.message
    );
    fault.message.clone()
}

#[test]
fn an_agent_that_exits_faults_with_its_stderr() {
    let message = faulted_at_once(&play(
        "exec:echo 'no model weights found' >&2; exit 3",
        "status-quo",
        12,
    ));
    // It is gone before or after the engine writes to it: either way the fault says so.
    assert!(message.contains("(it exited?)"), "{message}");
    assert!(message.contains("no model weights found"), "{message}");
}

#[test]
fn an_agent_that_writes_nonsense_faults_naming_it() {
    let message = faulted_at_once(&play(
        "exec:echo 'hello there'; cat > /dev/null",
        "status-quo",
        12,
    ));
    assert!(message.contains("not an orders message"), "{message}");
    assert!(message.contains("hello there"), "{message}");
}

#[test]
fn an_agent_that_does_not_answer_in_time_faults() {
    let message = faulted_at_once(&play(
        r#"exec(command: "sleep 5", turn_ms: 100)"#,
        "status-quo",
        12,
    ));
    assert!(
        message.contains("did not answer month 0 within 100 ms"),
        "{message}"
    );
}

#[test]
fn absurd_orders_from_an_agent_are_a_fault_like_any_strategy_s() {
    let absurd = r#"[{"ExpandGrid":{"mw_per_month":1e300}}]"#;
    let message = faulted_at_once(&play(&answering(absurd), "status-quo", 12));
    assert!(message.contains("absurd order"), "{message}");
}

#[test]
fn the_agent_hears_hello_first_and_the_outcome_last() {
    let dir = std::env::temp_dir().join(format!("gigawatt-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("seen.jsonl");
    let agent = format!(
        r#"exec:while IFS= read -r line; do echo "$line" >> '{}'; case "$line" in *'"type":"observation"'*) echo '{{"type":"orders","orders":[]}}';; esac; done"#,
        log.display()
    );
    let outcome = play(&agent, "status-quo", 3);
    assert!(outcome.faults.is_empty(), "{:?}", outcome.faults);
    let seen = std::fs::read_to_string(&log).unwrap();
    let messages: Vec<serde_json::Value> = seen
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "hello",
            "observation",
            "observation",
            "observation",
            "outcome"
        ]
    );
    assert_eq!(
        messages[0]["protocol"],
        gigawatt_agents::exec::PROTOCOL_VERSION
    );
    assert_eq!(messages[0]["nation"], "usa");
    assert_eq!(messages[0]["scenario"]["name"], "us-china-2025");
    assert_eq!(messages[2]["observation"]["month"], 1);
    assert!(messages[1]["observation"]["own"]["treasury_usd"].is_number());
    assert_eq!(messages[4]["outcome"]["months_played"], 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exec_specs_are_checked_when_built() {
    for bad in [
        "exec:",
        "exec:   ",
        "exec",
        r#"exec(command: "")"#,
        r#"exec(command: "x", turn_ms: 0)"#,
        r#"exec(command: "x", speed: 2)"#,
    ] {
        assert!(gigawatt_agents::build(bad).is_err(), "{bad}");
    }
    let built =
        gigawatt_agents::build(r#"exec(command: "python3 agent.py", turn_ms: 500)"#).unwrap();
    assert_eq!(
        built.name(),
        r#"exec(command: "python3 agent.py", turn_ms: 500, game_ms: 600000)"#
    );
    // Building starts nothing: the process starts when the seat first decides.
    assert_eq!(
        gigawatt_agents::build("exec:no-such-program")
            .unwrap()
            .name(),
        "exec:no-such-program"
    );
}

/// The fenced JSON blocks of docs/protocol.md, in order.
fn protocol_doc_json_blocks() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md"))
        .expect("docs/protocol.md");
    doc.split("```json\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn the_protocol_doc_s_example_is_an_orders_message_and_its_schema_names_every_order() {
    let blocks = protocol_doc_json_blocks();
    assert_eq!(blocks.len(), 2, "the example and the schema");
    // The example is what an agent may send: every order parses, and re-encodes to the same JSON.
    let example: serde_json::Value = serde_json::from_str(&blocks[0]).unwrap();
    let orders: Vec<gigawatt_engine::Order> =
        serde_json::from_value(example["orders"].clone()).expect("the example's orders parse");
    assert_eq!(orders.len(), 8);
    assert_eq!(serde_json::to_value(&orders).unwrap(), example["orders"]);
    // Every order the engine knows is in the schema, under the name serde gives it.
    let schema: serde_json::Value = serde_json::from_str(&blocks[1]).unwrap();
    let items = &schema["properties"]["orders"]["items"]["properties"];
    for order in &orders {
        let value = serde_json::to_value(order).unwrap();
        let name = value.as_object().unwrap().keys().next().unwrap().clone();
        assert!(items.get(&name).is_some(), "{name} is not in the schema");
    }
    let policies = &items["SetPolicy"]["properties"];
    for policy in [
        "RegulationLevel",
        "ClimateAccord",
        "Drilling",
        "ExportControls",
        "MineralExportControls",
        "QueueReform",
        "LabSubsidy",
    ] {
        assert!(policies.get(policy).is_some(), "{policy}");
    }
    let kinds: Vec<String> = gigawatt_engine::PlantKind::ALL
        .iter()
        .map(|k| {
            serde_json::to_value(k)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let listed: Vec<String> = items["BuildPlant"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, kinds);
}
