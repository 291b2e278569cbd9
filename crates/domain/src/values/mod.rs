//! Value types shared by several kinds of content.

mod localized;

pub use localized::{Languages, Localized};
