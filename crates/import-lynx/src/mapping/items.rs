//! The Node service's simple collections, each onto a Folio collection kind: albums, book
//! images (the gallery), songs, videos, websites, CV sections and sub-sections, article
//! categories, sub-categories and sections.

use folio_domain::content::CollectionKind;
use folio_domain::legacy::lynx;
use serde_json::Value;

use super::{Draft, Pairs};
use crate::document::{Doc, Number};

/// Where a nested kind's parent comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParentSpec {
    /// The document's field naming its parent (`CVSection`).
    pub(crate) field: &'static str,
    /// The parent's collection.
    pub(crate) source: &'static str,
    /// The parent's list of its children (`CVSubSections`), used when the child's own field
    /// is missing: the Node service kept both sides and they drift apart.
    pub(crate) listed_in: Option<&'static str>,
}

/// One Node collection imported as one Folio collection kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemSpec {
    pub(crate) source: &'static str,
    pub(crate) kind: CollectionKind,
    /// Folio fields a document cannot be imported without; any other bad field is left out.
    pub(crate) required: &'static [&'static str],
    /// Created in `order` (else in creation order).
    pub(crate) ordered: bool,
    pub(crate) parent: Option<ParentSpec>,
    pub(crate) map: fn(&mut Doc<'_>, &Pairs) -> Draft,
}

pub(crate) const ALBUMS: ItemSpec = ItemSpec {
    source: lynx::ALBUMS,
    kind: CollectionKind::Albums,
    required: &["title"],
    ordered: true,
    parent: None,
    map: album,
};
pub(crate) const BOOK_IMAGES: ItemSpec = ItemSpec {
    source: lynx::BOOK_IMAGES,
    kind: CollectionKind::GalleryImages,
    required: &["title"],
    ordered: true,
    parent: None,
    map: book_image,
};
pub(crate) const SONGS: ItemSpec = ItemSpec {
    source: lynx::SONGS,
    kind: CollectionKind::Songs,
    required: &["title"],
    ordered: true,
    parent: None,
    map: song,
};
pub(crate) const VIDEOS: ItemSpec = ItemSpec {
    source: lynx::VIDEOS,
    kind: CollectionKind::Videos,
    required: &["title"],
    ordered: true,
    parent: None,
    map: video,
};
pub(crate) const WEBSITES: ItemSpec = ItemSpec {
    source: lynx::WEBSITES,
    kind: CollectionKind::Websites,
    required: &["title", "type", "description"],
    ordered: true,
    parent: None,
    map: website,
};
pub(crate) const CV_SECTIONS: ItemSpec = ItemSpec {
    source: lynx::CV_SECTIONS,
    kind: CollectionKind::CvSections,
    required: &["title", "text"],
    ordered: true,
    parent: None,
    map: cv_section,
};
pub(crate) const CV_SUBSECTIONS: ItemSpec = ItemSpec {
    source: lynx::CV_SUBSECTIONS,
    kind: CollectionKind::CvSubsections,
    required: &["title", "text"],
    ordered: true,
    parent: Some(ParentSpec { field: "CVSection", source: lynx::CV_SECTIONS, listed_in: Some("CVSubSections") }),
    map: cv_subsection,
};
pub(crate) const ARTICLE_CATEGORIES: ItemSpec = ItemSpec {
    source: lynx::ARTICLE_CATEGORIES,
    kind: CollectionKind::ArticleCategories,
    required: &["title"],
    ordered: false,
    parent: None,
    map: article_category,
};
pub(crate) const ARTICLE_SUBCATEGORIES: ItemSpec = ItemSpec {
    source: lynx::ARTICLE_SUBCATEGORIES,
    kind: CollectionKind::ArticleSubcategories,
    required: &["title"],
    ordered: false,
    parent: Some(ParentSpec { field: "cat", source: lynx::ARTICLE_CATEGORIES, listed_in: Some("subcats") }),
    map: article_subcategory,
};
pub(crate) const ARTICLE_SECTIONS: ItemSpec = ItemSpec {
    source: lynx::ARTICLE_SECTIONS,
    kind: CollectionKind::ArticleSections,
    required: &["title", "text"],
    ordered: true,
    parent: Some(ParentSpec { field: "article", source: lynx::ARTICLES, listed_in: Some("sections") }),
    map: article_section,
};

fn album(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.text(doc, "spotify", "spotify");
    draft.text(doc, "tidal", "tidal");
    draft.media(doc, "image", "img");
    finish(draft, doc, pairs)
}

fn book_image(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.media(doc, "image", "img");
    finish(draft, doc, pairs)
}

fn song(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    let duration = track_length(doc, &mut draft.notes);
    draft.put("duration", "duration", duration.map(Value::String));
    draft.text(doc, "link", "link");
    draft.media(doc, "audio", "song");
    draft.media(doc, "cover", "coverArt");
    finish(draft, doc, pairs)
}

fn video(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.text(doc, "link", "link");
    draft.text(doc, "embed", "insert");
    draft.media(doc, "video", "video");
    finish(draft, doc, pairs)
}

fn website(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.required_pair(doc, pairs, "type", "type");
    draft.required_pair(doc, pairs, "description", "desc");
    draft.text(doc, "link", "link");
    draft.text(doc, "embed", "insert");
    draft.media(doc, "desktop", "desktopImg");
    draft.media(doc, "tablet", "tabletImg");
    draft.media(doc, "mobile", "mobileImg");
    finish(draft, doc, pairs)
}

/// Title, text, the four colours and the insertions a CV section and sub-section share.
fn cv_fields(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.required_pair(doc, pairs, "text", "text");
    colours(
        &mut draft,
        doc,
        &[("title_color", "titleColor"), ("text_color", "textColor"), ("link_color", "linkColor")],
    );
    draft.text(doc, "background_color", "bgColor");
    // A list of snippets in the Node service; one text (a snippet a line) in Folio.
    let insertions = doc.texts("insertions");
    if !insertions.is_empty() {
        draft.put("insertions", "insertions", Some(pairs.single(insertions.join("\n"))));
    }
    draft
}

fn cv_section(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let draft = cv_fields(doc, pairs);
    // The sub-sections' own `CVSection` says where they belong; this list is only a fallback.
    doc.skip("CVSubSections");
    finish(draft, doc, pairs)
}

fn cv_subsection(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = cv_fields(doc, pairs);
    draft.parent = doc.reference("CVSection");
    finish(draft, doc, pairs)
}

fn article_category(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    colours(&mut draft, doc, &[("title_color", "titleColor"), ("button_color", "buttonColor")]);
    draft.text(doc, "background_color", "bgColor");
    doc.skip("subcats");
    finish(draft, doc, pairs)
}

fn article_subcategory(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    colours(&mut draft, doc, &[("title_color", "titleColor"), ("button_color", "buttonColor")]);
    draft.parent = doc.reference("cat");
    finish(draft, doc, pairs)
}

fn article_section(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.required_pair(doc, pairs, "title", "title");
    draft.required_pair(doc, pairs, "text", "text");
    colours(
        &mut draft,
        doc,
        &[("title_color", "titleColor"), ("text_color", "textColor"), ("link_color", "linkColor")],
    );
    draft.text(doc, "background_color", "bgColor");
    draft.parent = doc.reference("article");
    draft.media(doc, "file", "principalFile");
    for reference in doc.references("files") {
        draft.media.push(super::MediaRef { slot: "files", field: "files", reference });
    }
    finish(draft, doc, pairs)
}

fn colours(draft: &mut Draft, doc: &mut Doc<'_>, fields: &[(&'static str, &'static str)]) {
    for (field, from) in fields {
        draft.text(doc, field, from);
    }
}

/// Visibility and the label, which every kind has; `order` is read for sorting only.
fn finish(mut draft: Draft, doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    draft.visibility(doc);
    doc.skip("order");
    draft.label = pairs.label(draft.body.get("title"));
    draft
}

/// A song's `duration`: seconds in the Node service (or already `m:ss` text); Folio keeps
/// `m:ss` or `h:mm:ss`.
fn track_length(doc: &mut Doc<'_>, notes: &mut Vec<String>) -> Option<String> {
    if let Some(text) = doc.text("duration").filter(|t| t.contains(':')) {
        return Some(text);
    }
    match doc.number("duration") {
        Number::Missing => None,
        Number::Value(seconds) if (0.0..100.0 * 3600.0).contains(&seconds) => {
            let total = seconds.round() as u64;
            let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
            Some(if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") })
        }
        Number::Value(seconds) => {
            notes.push(format!("duration {seconds} is not a length in seconds; left out"));
            None
        }
        Number::Invalid => {
            notes.push("duration is not a number of seconds; left out".to_owned());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use folio_domain::values::Languages;
    use mongodb::bson::{doc, oid::ObjectId};
    use serde_json::json;

    use super::*;
    use crate::document::Ref;
    use crate::mapping::MediaRef;

    fn map(spec: ItemSpec, stored: &mongodb::bson::Document) -> (Draft, Vec<String>) {
        let mut d = Doc::new(stored);
        let draft = (spec.map)(&mut d, &Pairs::new(&Languages::default()));
        (draft, d.unread())
    }

    #[test]
    fn a_website_maps_every_pair_link_and_image() {
        let desktop = ObjectId::new();
        let stored = doc! {
            "_id": ObjectId::new(), "title": "Tienda", "titleEng": "Shop", "type": "Comercio", "typeEng": "Commerce",
            "desc": "Una tienda", "descEng": "A shop", "link": "https://shop.example", "insert": "<iframe></iframe>",
            "desktopImg": desktop, "tabletImg": null, "order": 2, "__v": 0,
        };
        let (draft, unread) = map(WEBSITES, &stored);
        assert_eq!(
            serde_json::Value::Object(draft.body),
            json!({
                "title": {"es": "Tienda", "en": "Shop"}, "type": {"es": "Comercio", "en": "Commerce"},
                "description": {"es": "Una tienda", "en": "A shop"}, "link": "https://shop.example",
                "embed": "<iframe></iframe>", "visible": true,
            })
        );
        assert_eq!(
            draft.media,
            vec![MediaRef { slot: "desktop", field: "desktopImg", reference: Ref::Id(desktop.to_hex()) }]
        );
        assert!(unread.is_empty(), "{unread:?}");
        assert_eq!(draft.label.as_deref(), Some("Tienda"));
    }

    #[test]
    fn missing_optional_fields_are_simply_absent_and_a_missing_title_is_empty() {
        let (draft, _) = map(ALBUMS, &doc! { "_id": ObjectId::new(), "order": 1 });
        assert_eq!(serde_json::Value::Object(draft.body), json!({"title": {}, "visible": true}));
        assert!(draft.media.is_empty());
        assert_eq!(draft.notes, vec!["no title in the source; imported with an empty one".to_owned()]);
    }

    #[test]
    fn songs_get_their_seconds_as_a_track_length() {
        let length = |duration: mongodb::bson::Bson| {
            let (draft, _) = map(SONGS, &doc! { "title": "x", "duration": duration });
            (draft.body.get("duration").cloned(), draft.notes)
        };
        assert_eq!(length(225.into()), (Some(json!("3:45")), vec![]));
        assert_eq!(length("3725".into()), (Some(json!("1:02:05")), vec![]));
        assert_eq!(length("4:05".into()), (Some(json!("4:05")), vec![]));
        assert_eq!(length("long".into()).0, None);
        assert_eq!(length((-3).into()).0, None);
    }

    #[test]
    fn cv_sub_sections_keep_their_parent_colours_and_insertions() {
        let section = ObjectId::new();
        let stored = doc! {
            "title": "Experiencia", "text": "Texto", "textEng": "Text", "CVSection": section,
            "titleColor": "#ABC", "bgColor": "red", "insertions": ["2020", "", "2021"], "extra": 1,
        };
        let (draft, unread) = map(CV_SUBSECTIONS, &stored);
        assert_eq!(draft.parent, Some(Ref::Id(section.to_hex())));
        assert_eq!(draft.body["insertions"], json!({"es": "2020\n2021"}));
        assert_eq!(draft.body["background_color"], json!("red"), "validation decides, not the mapping");
        assert_eq!(draft.source_name("background_color"), "bgColor");
        assert_eq!(unread, vec!["extra".to_owned()]);
    }

    #[test]
    fn article_sections_take_their_principal_file_and_files_and_hidden_ones_stay_hidden() {
        let (principal, a, b) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let stored = doc! {
            "title": "Uno", "text": "Texto", "article": ObjectId::new(), "principalFile": principal,
            "files": [a, b.to_hex()], "show": false, "order": 1, "insertions": ["<hr>"],
        };
        let (draft, unread) = map(ARTICLE_SECTIONS, &stored);
        let slots: Vec<(&str, Ref)> = draft.media.iter().map(|m| (m.slot, m.reference.clone())).collect();
        assert_eq!(
            slots,
            vec![("file", Ref::Id(principal.to_hex())), ("files", Ref::Id(a.to_hex())), ("files", Ref::Id(b.to_hex()))]
        );
        assert_eq!(draft.body["visible"], json!(false));
        assert_eq!(unread, vec!["insertions".to_owned()], "Folio's sections have no insertions");
    }

    #[test]
    fn categories_leave_out_the_colours_folio_has_no_place_for() {
        let stored = doc! { "title": "Blog", "titleColor": "#111", "textColor2": "#222", "subcats": [], "show": true };
        let (draft, unread) = map(ARTICLE_CATEGORIES, &stored);
        assert_eq!(draft.body["title_color"], json!("#111"));
        assert_eq!(unread, vec!["textColor2".to_owned()]);
    }
}
