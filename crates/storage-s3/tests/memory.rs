//! Memory stays bounded by about one part whatever the body's size. In a test binary of its
//! own, so that no other test's allocations blur the process's peak.

mod support;

use std::time::Instant;

use bytes::Bytes;
use folio_domain::objects::{ByteStream, ObjectStore};
use futures_util::{stream, StreamExt};
use support::{config, key, options, pattern_byte, s3};

const MIB: u64 = 1024 * 1024;
const CHUNK: u64 = 64 * 1024;

/// `len` bytes: one MiB of the pattern, over and over, in 64 KiB slices of it. Costs nothing
/// to make, so the time measured is the store's.
fn repeated(block: Bytes, len: u64) -> ByteStream {
    Box::pin(stream::unfold(0u64, move |offset| {
        let block = block.clone();
        async move {
            if offset >= len {
                return None;
            }
            let n = CHUNK.min(len - offset);
            let start = (offset % MIB) as usize;
            Some((Ok(block.slice(start..start + n as usize)), offset + n))
        }
    }))
}

/// Reads `stream` to its end, checking it against `block` repeated; returns its length.
async fn check_repeated(mut stream: ByteStream, block: &[u8]) -> u64 {
    let mut offset = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        for (i, byte) in chunk.iter().enumerate() {
            let at = offset + i as u64;
            assert_eq!(*byte, block[(at % MIB) as usize], "byte {at}");
        }
        offset += chunk.len() as u64;
    }
    offset
}

/// A line of /proc/self/status, in bytes (`VmHWM`: the peak resident set; `VmRSS`: now).
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field}"));
    let kib: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a number of kB");
    kib * 1024
}

fn rate(len: u64, started: Instant) -> String {
    let seconds = started.elapsed().as_secs_f64();
    format!("{:.1} MB/s ({seconds:.2} s)", len as f64 / 1e6 / seconds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mib_upload_grows_the_peak_rss_by_less_than_48_mib() {
    let store = s3(config()).await;
    let k = key("large-64mib.bin");
    let len = 64 * MIB;
    let block = Bytes::from((0..MIB).map(pattern_byte).collect::<Vec<u8>>());

    // Reset the peak to the current RSS (Linux 4.0+), so the growth measured is this put's.
    // Where that is refused the old peak stays, and the growth measured can only be larger.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_bytes("VmRSS:");
    let started = Instant::now();
    let meta = store.put(&k, repeated(block.clone(), len), options(None)).await.expect("put");
    let upload = rate(len, started);
    let peak = status_bytes("VmHWM:");
    assert_eq!(meta.size, len);
    let growth = peak.saturating_sub(before);
    eprintln!(
        "64 MiB upload: {upload}; peak RSS {} MiB, {} MiB above the {} MiB before",
        peak / MIB,
        growth / MIB,
        before / MIB
    );
    assert!(growth < 48 * MIB, "peak RSS grew by {} MiB", growth / MIB);

    let started = Instant::now();
    let body = store.get(&k, None).await.expect("get").expect("present");
    assert_eq!(check_repeated(body.stream, &block).await, len);
    let peak = status_bytes("VmHWM:");
    eprintln!("64 MiB download: {}; peak RSS {} MiB", rate(len, started), peak / MIB);
    assert!(peak.saturating_sub(before) < 48 * MIB, "reading grew the peak by {} MiB", (peak - before) / MIB);
    store.delete(&k).await.expect("delete");
}
