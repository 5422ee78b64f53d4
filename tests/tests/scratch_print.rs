use std::sync::Arc;
#[test]
#[ignore]
fn print_status_quo() {
    let e = gigawatt_data::scenario("us-china-2025").unwrap();
    let sc = Arc::new(gigawatt_engine::parse_scenario(e.file, e.source).unwrap());
    let strategies = vec![gigawatt_agents::build("status-quo").unwrap(), gigawatt_agents::build("status-quo").unwrap()];
    let mut m = gigawatt_engine::Match::new(sc, strategies, 1).unwrap();
    m.record_trace();
    let o = m.run();
    println!("{}", gigawatt_engine::TraceRow::CSV_HEADER);
    for r in m.trace() { if r.month % 6 == 11 % 6 { println!("{}", r.csv_line()); } }
    println!("{:#?}", o);
}
