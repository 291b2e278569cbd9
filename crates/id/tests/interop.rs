//! Every `snowflake` vector made by `@sapphire/snowflake` 3.5.5 decodes to the same parts
//! and re-encodes to the same ID (see tests/fixtures/PROVENANCE.md).

use folio_id::{decode, encode, Epoch, Snowflake, SnowflakeParts};
use serde_json::Value;

fn as_u64(value: &Value) -> u64 {
    match value {
        Value::String(s) => s.parse().expect("decimal string"),
        Value::Number(n) => n.as_u64().expect("unsigned"),
        other => panic!("not a number: {other}"),
    }
}

#[test]
fn every_sapphire_vector_decodes_and_reencodes_exactly() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/node-vectors.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let entries = vectors["snowflake"].as_array().expect("snowflake array");
    assert!(!entries.is_empty());
    for entry in entries {
        let id_text = entry["id"].as_str().expect("id as string");
        let id: Snowflake = id_text.parse().expect("parses");
        let epoch = Epoch::from_unix_ms(as_u64(&entry["epoch_ms"]));
        let expected = SnowflakeParts {
            timestamp_ms: as_u64(&entry["timestamp_ms"]),
            worker_id: as_u64(&entry["worker_id"]) as u8,
            process_id: as_u64(&entry["process_id"]) as u8,
            increment: as_u64(&entry["increment"]) as u16,
        };
        assert_eq!(decode(id, epoch), expected, "{id_text}");
        assert_eq!(encode(expected, epoch).expect("encodes").to_string(), id_text);
    }
}
