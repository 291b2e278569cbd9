//! Stream adapters for uploads: a limit enforced while the bytes pass, and a sha256 of what
//! passed, so a file is never read twice nor held whole in memory.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use sha2::{Digest, Sha256};

use crate::objects::ByteStream;

/// What a [`Metered`] stream saw: its size, its hash, and whether it broke the limit.
#[derive(Debug, Default)]
pub(crate) struct Meter {
    pub size: u64,
    pub hasher: Sha256,
    pub over_limit: bool,
}

/// Passes chunks through, counting and hashing them; past `limit` bytes it fails with an
/// error, so the store aborts the write and nothing is kept.
pub(crate) struct Metered {
    inner: ByteStream,
    limit: u64,
    meter: Arc<Mutex<Meter>>,
}

impl Metered {
    pub(crate) fn new(inner: ByteStream, limit: u64) -> (Metered, Arc<Mutex<Meter>>) {
        let meter = Arc::new(Mutex::new(Meter::default()));
        (Metered { inner, limit, meter: meter.clone() }, meter)
    }
}

impl Stream for Metered {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            let Ok(mut meter) = self.meter.lock() else {
                return Poll::Ready(Some(Err(std::io::Error::other("upload meter poisoned"))));
            };
            meter.size += chunk.len() as u64;
            if meter.size > self.limit {
                meter.over_limit = true;
                return Poll::Ready(Some(Err(std::io::Error::other("upload exceeds its size limit"))));
            }
            meter.hasher.update(chunk);
        }
        polled
    }
}

/// Reads up to `want` leading bytes off `stream`, and returns them with a stream that
/// yields everything (those bytes first).
pub(crate) async fn peek(mut stream: ByteStream, want: usize) -> Result<(Vec<u8>, ByteStream), std::io::Error> {
    use futures_util::StreamExt;
    let mut head = Vec::new();
    let mut chunks = Vec::new();
    while head.len() < want {
        match stream.next().await {
            Some(chunk) => {
                let chunk = chunk?;
                head.extend_from_slice(&chunk[..chunk.len().min(want - head.len())]);
                chunks.push(Ok(chunk));
            }
            // The whole body was shorter than `want`: a finished stream must not be polled again.
            None => return Ok((head, Box::pin(futures_util::stream::iter(chunks)))),
        }
    }
    let replay = futures_util::stream::iter(chunks);
    Ok((head, Box::pin(replay.chain(stream))))
}

/// Collects a whole stream, failing past `limit` bytes (for images, which are decoded).
pub(crate) async fn collect(mut stream: ByteStream, limit: u64) -> Result<Result<Vec<u8>, u64>, std::io::Error> {
    use futures_util::StreamExt;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if (out.len() + chunk.len()) as u64 > limit {
            return Ok(Err(limit));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Ok(out))
}
