//! How far a long backup operation is: a port the CLI draws bars with. Everything else (the
//! scheduler's job, library callers) keeps the default, [`NoProgress`], and stays quiet.
//!
//! Phases run one after another, never nested: each [`Progress::start`] is followed by
//! advances and one [`Progress::finish`]. Advances are batched ([`Tally`]), so a
//! `Progress` sees a call every few hundred rows at most and needs no care for speed.

use std::fmt;

/// What a phase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Rows,
    /// Media objects (their bytes, with `--with-media`).
    Objects,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Rows => "rows",
            Unit::Objects => "objects",
        }
    }
}

/// A step of `create`, `verify` or `restore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `create`: the database's rows, read into NDJSON files.
    Dump,
    /// `create --with-media`: the objects the media records name, read and hashed.
    HashMedia,
    /// `create`: the NDJSON files' rows, written into the archive.
    WriteArchive,
    /// `create --with-media`: the objects' bytes, written into the archive.
    WriteMedia,
    /// `verify`, `restore`: the archive read whole and checked against its manifest.
    Check,
    /// `verify`, `restore`: the included media bytes checked against the manifest.
    CheckMedia,
    /// `verify`, `restore`: rows written into the (scratch or target) database.
    Load,
    /// `restore`: media objects written back into the media store.
    LoadMedia,
    /// `verify`, `restore`: the database read back and compared with the manifest.
    ReadBack,
}

impl Phase {
    pub fn unit(self) -> Unit {
        match self {
            Phase::HashMedia | Phase::WriteMedia | Phase::CheckMedia | Phase::LoadMedia => Unit::Objects,
            Phase::Dump | Phase::WriteArchive | Phase::Check | Phase::Load | Phase::ReadBack => Unit::Rows,
        }
    }

    /// What an operator reads beside the bar.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Dump => "reading the database",
            Phase::HashMedia => "reading media objects",
            Phase::WriteArchive => "writing the archive",
            Phase::WriteMedia => "writing media into the archive",
            Phase::Check => "checking the archive",
            Phase::CheckMedia => "checking media in the archive",
            Phase::Load => "writing the database",
            Phase::LoadMedia => "writing media objects",
            Phase::ReadBack => "reading the database back",
        }
    }
}

/// Where progress goes. Called from async tasks and blocking threads alike.
pub trait Progress: Send + Sync + fmt::Debug {
    /// `phase` begins; `total` is how many units it will count, when known.
    fn start(&self, phase: Phase, total: Option<u64>);
    /// `n` more units of the current phase are done.
    fn advance(&self, n: u64);
    /// The current phase is over.
    fn finish(&self);
}

/// Reports nothing: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: Phase, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Units counted one by one, handed on to a [`Progress`] a batch at a time.
pub(crate) struct Tally<'a> {
    progress: &'a dyn Progress,
    pending: u64,
}

impl<'a> Tally<'a> {
    const BATCH: u64 = 256;

    pub(crate) fn new(progress: &'a dyn Progress) -> Self {
        Tally { progress, pending: 0 }
    }

    pub(crate) fn add(&mut self, n: u64) {
        self.pending += n;
        if self.pending >= Self::BATCH {
            self.flush();
        }
    }

    pub(crate) fn flush(&mut self) {
        if self.pending > 0 {
            self.progress.advance(std::mem::take(&mut self.pending));
        }
    }
}

/// Runs one phase around `work`.
pub(crate) async fn phase<T>(
    progress: &dyn Progress,
    phase: Phase,
    total: Option<u64>,
    work: impl std::future::Future<Output = T>,
) -> T {
    progress.start(phase, total);
    let out = work.await;
    progress.finish();
    out
}
