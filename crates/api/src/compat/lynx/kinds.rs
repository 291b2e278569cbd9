//! The Lynx API's simple collections and how each maps onto a Folio kind: its routes, the
//! keys its documents travel under, its fields and media slots under their old names.

use folio_domain::content::CollectionKind;

use super::fields::{Conv, Shape};

/// One old kind: its routes, the keys its documents travel under, and its fields.
#[derive(Debug)]
pub(crate) struct LegacyKind {
    pub kind: CollectionKind,
    /// The path segments of its create, update and delete routes (`album`; both spellings
    /// for the blog's kinds, whose old routes used either).
    pub paths: &'static [&'static str],
    /// Its list route and the key of the list, when the old API had one.
    pub list: Option<(&'static str, &'static str)>,
    /// The key one document travels under (`album`, `bookImg`, `cvSubSection`).
    pub key: &'static str,
    /// Further keys an update answers under: `{key}Updated`, and for the blog's categories
    /// also `articleUpdated`, where the old API put them.
    pub updated_keys: &'static [&'static str],
    pub shape: Shape,
    /// The old field listing the items nested in this one (`CVSubSections`, `subcats`).
    pub children: Option<&'static str>,
}

pub(crate) const COLOURS: &[(&str, &str, Conv)] = &[
    ("title_color", "titleColor", Conv::Text),
    ("text_color", "textColor", Conv::Text),
    ("link_color", "linkColor", Conv::Text),
    ("background_color", "bgColor", Conv::Text),
];
const CV_FIELDS: &[(&str, &str, Conv)] = &[
    ("title_color", "titleColor", Conv::Text),
    ("text_color", "textColor", Conv::Text),
    ("link_color", "linkColor", Conv::Text),
    ("background_color", "bgColor", Conv::Text),
    ("insertions", "insertions", Conv::Lines),
];
const CATEGORY_FIELDS: &[(&str, &str, Conv)] = &[
    ("title_color", "titleColor", Conv::Text),
    ("button_color", "buttonColor", Conv::Text),
    ("background_color", "bgColor", Conv::Text),
];
const TITLE: &[(&str, &str)] = &[("title", "title")];
const TITLE_TEXT: &[(&str, &str)] = &[("title", "title"), ("text", "text")];

/// `/api/main/*`.
pub(crate) static MAIN_KINDS: [LegacyKind; 7] = [
    LegacyKind {
        kind: CollectionKind::Albums,
        paths: &["album"],
        list: Some(("albums", "albums")),
        key: "album",
        updated_keys: &["albumUpdated"],
        shape: Shape {
            texts: TITLE,
            fields: &[("spotify", "spotify", Conv::Text), ("tidal", "tidal", Conv::Text)],
            slots: &[("image", "img")],
            parent: None,
        },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::GalleryImages,
        paths: &["book-img"],
        list: Some(("book-imgs", "bookImgs")),
        key: "bookImg",
        updated_keys: &["bookImgUpdated"],
        shape: Shape { texts: TITLE, fields: &[], slots: &[("image", "img")], parent: None },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::Songs,
        paths: &["song"],
        list: Some(("songs", "songs")),
        key: "song",
        updated_keys: &["songUpdated"],
        shape: Shape {
            texts: TITLE,
            fields: &[("duration", "duration", Conv::Seconds), ("link", "link", Conv::Text)],
            slots: &[("audio", "song"), ("cover", "coverArt")],
            parent: None,
        },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::Videos,
        paths: &["video"],
        list: Some(("videos", "videos")),
        key: "video",
        updated_keys: &["videoUpdated"],
        shape: Shape {
            texts: TITLE,
            fields: &[("link", "link", Conv::Text), ("embed", "insert", Conv::Text)],
            slots: &[("video", "video")],
            parent: None,
        },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::Websites,
        paths: &["web-site"],
        list: Some(("web-sites", "websites")),
        key: "website",
        updated_keys: &["websiteUpdated"],
        shape: Shape {
            texts: &[("title", "title"), ("type", "type"), ("description", "desc")],
            fields: &[("link", "link", Conv::Text), ("embed", "insert", Conv::Text)],
            slots: &[("desktop", "desktopImg"), ("tablet", "tabletImg"), ("mobile", "mobileImg")],
            parent: None,
        },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::CvSections,
        paths: &["cv-section"],
        list: Some(("cv-sections", "cvSections")),
        key: "cvSection",
        updated_keys: &["cvSectionUpdated"],
        shape: Shape { texts: TITLE_TEXT, fields: CV_FIELDS, slots: &[], parent: None },
        children: Some("CVSubSections"),
    },
    LegacyKind {
        kind: CollectionKind::CvSubsections,
        paths: &["cv-sub-section"],
        list: None,
        key: "cvSubSection",
        updated_keys: &["cvSubSectionUpdated"],
        shape: Shape { texts: TITLE_TEXT, fields: CV_FIELDS, slots: &[], parent: Some("CVSection") },
        children: None,
    },
];

/// `/api/article/*`, besides the articles themselves.
pub(crate) static BLOG_KINDS: [LegacyKind; 3] = [
    LegacyKind {
        kind: CollectionKind::ArticleSections,
        paths: &["articleSection", "article-section"],
        list: None,
        key: "articleSection",
        updated_keys: &["articleSectionUpdated"],
        shape: Shape {
            texts: TITLE_TEXT,
            fields: COLOURS,
            slots: &[("file", "principalFile"), ("files", "files")],
            parent: Some("article"),
        },
        children: None,
    },
    LegacyKind {
        kind: CollectionKind::ArticleCategories,
        paths: &["articleCat", "article-cat"],
        list: Some(("article-cats", "articleCats")),
        key: "articleCat",
        updated_keys: &["articleCatUpdated", "articleUpdated"],
        shape: Shape { texts: TITLE, fields: CATEGORY_FIELDS, slots: &[], parent: None },
        children: Some("subcats"),
    },
    LegacyKind {
        kind: CollectionKind::ArticleSubcategories,
        paths: &["articleSubCat", "article-sub-cat"],
        list: Some(("article-sub-cats", "articleSubCats")),
        key: "articleSubCat",
        updated_keys: &["articleSubCatUpdated", "articleUpdated"],
        shape: Shape { texts: TITLE, fields: CATEGORY_FIELDS, slots: &[], parent: Some("cat") },
        children: None,
    },
];

pub(crate) fn legacy(kind: CollectionKind) -> Option<&'static LegacyKind> {
    MAIN_KINDS.iter().chain(BLOG_KINDS.iter()).find(|k| k.kind == kind)
}
