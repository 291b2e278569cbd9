//! `folio import lynx`: reads the Lynx portfolio service's own MongoDB collections (`mains`,
//! `albums`, `bookimgs`, `songs`, `videos`, `websites`, `cvsections`, `cvsubsections`,
//! `articlecats`, `articlesubcats`, `articles`, `articlesections`, `files`), in the shapes its
//! Mongoose models gave them, and writes them through Folio's domain services into whichever
//! database Folio runs on.
//!
//! - Bilingual pairs (`title`/`titleEng`) become localized text: the first of a pair in the
//!   site's default language, the `Eng` one in `en`.
//! - Files are not copied: each becomes a media record pointing at the object key it already
//!   has (`s3Key`, else the path of `location` or `cdnUrl`).
//! - Every imported document's ObjectId is recorded as a legacy id, so a second run skips
//!   what the first imported, references between documents are translated, and old links
//!   keep resolving ([`folio_domain::legacy::LegacyIds::resolve_legacy_id`]).
//! - What cannot be imported is skipped with its reason; a bad optional field is left out,
//!   and said so. Nothing here stops on one document.
//!
//! The reading side ([`LynxSource`], `document`, `mapping`) only turns documents into
//! domain bodies; [`Importer`] writes them.

mod document;
mod importer;
mod mapping;
mod report;
mod source;

pub use importer::{Importer, Targets};
pub use report::{CollectionReport, Entry, Report};
pub use source::{LynxSource, SourceError, COLLECTIONS};
