//! Peak memory of a large put and get, alone in their own test binary so that no other
//! test's allocations blur the measurement.

use std::time::Instant;

use bytes::Bytes;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectStore, PutOptions};
use folio_storage_local::DiskObjectStore;
use futures_util::{stream, StreamExt};

const LEN: u64 = 150 * 1024 * 1024;
/// Smaller than the store's 64 KiB chunks, as HTTP bodies usually arrive, so the store's
/// gathering of small chunks is measured too.
const CLIENT_CHUNK: u64 = 16 * 1024;
const MAX_GROWTH_KIB: u64 = 32 * 1024;

/// `VmRSS` or `VmHWM` (peak resident memory) of this process, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with(field)).expect("field present");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of KiB")
}

/// `LEN` bytes in fresh `CLIENT_CHUNK`-byte buffers, made as the store asks for them.
fn generated() -> ByteStream {
    Box::pin(stream::unfold(0u64, |offset| async move {
        (offset < LEN).then(|| {
            let n = CLIENT_CHUNK.min(LEN - offset);
            let chunk = vec![(offset / CLIENT_CHUNK) as u8; n as usize];
            (Ok(Bytes::from(chunk)), offset + n)
        })
    }))
}

fn mb_per_s(bytes: u64, started: Instant) -> f64 {
    bytes as f64 / started.elapsed().as_secs_f64() / 1e6
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_150_mib_object_streams_through_in_bounded_memory() {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("no /proc/self/status: peak memory cannot be measured here");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let store = DiskObjectStore::new(dir.path().join("objects")).expect("store");
    let key = ObjectKey::parse("large/150-mib.bin").expect("key");
    let options =
        PutOptions { content_type: "application/octet-stream".into(), cache_control: None, content_length: Some(LEN) };
    // Compared with the resident size now, not the earlier peak, so startup spikes cannot
    // hide growth.
    let baseline = status_kib("VmRSS:");

    let started = Instant::now();
    let meta = store.put(&key, generated(), options).await.expect("put");
    let put_rate = mb_per_s(LEN, started);
    assert_eq!(meta.size, LEN);

    let started = Instant::now();
    let mut body = store.get(&key, None).await.expect("get").expect("present").stream;
    let mut read = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("chunk");
        assert!(chunk.len() <= 64 * 1024, "bounded chunks");
        read += chunk.len() as u64;
    }
    let get_rate = mb_per_s(LEN, started);
    assert_eq!(read, LEN);

    let growth = status_kib("VmHWM:").saturating_sub(baseline);
    println!(
        "150 MiB: put {put_rate:.0} MB/s, get {get_rate:.0} MB/s, peak RSS growth {:.1} MiB",
        growth as f64 / 1024.0
    );
    assert!(growth < MAX_GROWTH_KIB, "peak RSS grew by {growth} KiB");
}
