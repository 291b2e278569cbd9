use std::str::FromStr;

use super::ItemId;
use crate::page::PageRequest;

/// What a list of articles asks for. `q` is plain text, matched as a substring (never as a
/// pattern) of [`super::Article::search_text`], case-insensitively.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleQuery {
    pub page: PageRequest,
    pub sort: ArticleSort,
    pub category: Option<ItemId>,
    pub sub_category: Option<ItemId>,
    /// Compared case-insensitively.
    pub tag: Option<String>,
    pub lang: Option<String>,
    pub q: Option<String>,
    pub include_hidden: bool,
}

/// The fields articles may be sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortField {
    #[default]
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Title,
}

/// A sort field and direction, written `published_at` or `-published_at` (descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleSort {
    pub field: SortField,
    pub descending: bool,
}

impl Default for ArticleSort {
    /// Newest first.
    fn default() -> Self {
        ArticleSort { field: SortField::PublishedAt, descending: true }
    }
}

impl ArticleSort {
    pub const FIELDS: [&'static str; 4] = ["published_at", "created_at", "updated_at", "title"];
}

impl FromStr for ArticleSort {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        let (descending, name) = match raw.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, raw),
        };
        let field = match name {
            "published_at" => SortField::PublishedAt,
            "created_at" => SortField::CreatedAt,
            "updated_at" => SortField::UpdatedAt,
            "title" => SortField::Title,
            _ => return Err(format!("sort by one of {} (prefix `-` for descending)", ArticleSort::FIELDS.join(", "))),
        };
        Ok(ArticleSort { field, descending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_are_whitelisted() {
        assert_eq!("-title".parse(), Ok(ArticleSort { field: SortField::Title, descending: true }));
        assert_eq!("created_at".parse(), Ok(ArticleSort { field: SortField::CreatedAt, descending: false }));
        for bad in ["", "-", "password_hash", "title desc", "--title"] {
            assert!(bad.parse::<ArticleSort>().is_err(), "{bad}");
        }
    }
}
