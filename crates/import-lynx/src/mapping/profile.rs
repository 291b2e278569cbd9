//! The `mains` document (the site's one set of texts and images) onto the site profile.

use folio_domain::legacy::is_object_id;
use serde_json::Value;

use super::{Draft, MediaRef, Pairs};
use crate::document::{quote, Doc, Ref};

/// The profile's fields and images. `key` and `keyOld` (the old service's admin keys) are
/// credentials, which the profile never holds: they are read by nothing and so reported as
/// left out.
pub(crate) fn profile(doc: &mut Doc<'_>, pairs: &Pairs) -> Draft {
    let mut draft = Draft::default();
    draft.pair(doc, pairs, "welcome", "welcome");
    draft.pair(doc, pairs, "cv_description", "CVDesc");
    draft.pair(doc, pairs, "cv_description_extra", "CVDesc2");
    draft.pair(doc, pairs, "error_message", "errorMessage");
    if let Some(raw) = doc.text("seoTags") {
        let (tags, notes) = split_tags(&raw);
        draft.notes.extend(notes.into_iter().map(|n| format!("seoTags: {n}")));
        draft.put("seo_tags", "seoTags", Some(Value::from(tags)));
    }
    draft.media(doc, "logo", "logo");
    draft.media(doc, "background", "backgroundImg");
    draft.media(doc, "cv_image", "CVImage");
    draft.media(doc, "cv_background", "CVBackground");
    // `seoImg` is a plain string in the model: a file id when it is one.
    if let Some(raw) = doc.text("seoImg") {
        if is_object_id(&raw) {
            draft.media.push(MediaRef {
                slot: "seo_image",
                field: "seoImg",
                reference: Ref::Id(raw.to_ascii_lowercase()),
            });
        } else {
            draft.notes.push(format!("seoImg {} is not a file id; left out", quote(&raw)));
        }
    }
    draft.label = pairs.label(draft.body.get("welcome"));
    draft
}

/// Comma-separated labels (`"lynx pardelle, web developer"`) as a list, without blanks and
/// without the ones Folio's tags refuse (over 60 characters, or holding `|`), at most 50.
pub(crate) fn split_tags(raw: &str) -> (Vec<String>, Vec<String>) {
    let mut notes = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split([',', ';']).map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > folio_domain::content::Tags::MAX_CHARS || tag.contains('|') {
            notes.push(format!("the tag {} is too long or holds `|`; left out", quote(tag)));
        } else if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > folio_domain::content::Tags::MAX {
        notes.push(format!("{} tags; the first {} are kept", tags.len(), folio_domain::content::Tags::MAX));
        tags.truncate(folio_domain::content::Tags::MAX);
    }
    (tags, notes)
}

#[cfg(test)]
mod tests {
    use folio_domain::values::Languages;
    use mongodb::bson::{doc, oid::ObjectId};
    use serde_json::json;

    use super::*;

    #[test]
    fn the_profile_takes_its_texts_images_and_tags_but_never_the_keys() {
        let (logo, seo) = (ObjectId::new(), ObjectId::new());
        let stored = doc! {
            "_id": ObjectId::new(), "welcome": "Bienvenido", "welcomeEng": "Welcome", "CVDesc": "Desarrollador",
            "CVDesc2Eng": "More", "errorMessage": "Ups", "seoTags": "lynx pardelle, web developer, , Web Developer",
            "logo": logo, "backgroundImg": null, "seoImg": seo.to_hex(), "key": "s3cr3t", "keyOld": "old",
        };
        let mut d = Doc::new(&stored);
        let draft = profile(&mut d, &Pairs::new(&Languages::default()));
        assert_eq!(
            Value::Object(draft.body),
            json!({
                "welcome": {"es": "Bienvenido", "en": "Welcome"}, "cv_description": {"es": "Desarrollador"},
                "cv_description_extra": {"en": "More"}, "error_message": {"es": "Ups"},
                "seo_tags": ["lynx pardelle", "web developer"],
            })
        );
        let slots: Vec<&str> = draft.media.iter().map(|m| m.slot).collect();
        assert_eq!(slots, ["logo", "seo_image"]);
        assert_eq!(d.unread(), vec!["key".to_owned(), "keyOld".to_owned()]);
    }

    #[test]
    fn a_seo_image_that_is_a_url_is_left_out_with_a_note() {
        let stored = doc! { "seoImg": "https://cdn.example/seo.png" };
        let draft = profile(&mut Doc::new(&stored), &Pairs::new(&Languages::default()));
        assert!(draft.media.is_empty());
        assert_eq!(draft.notes, vec!["seoImg \"https://cdn.example/seo.png\" is not a file id; left out".to_owned()]);
    }

    #[test]
    fn tags_are_split_on_commas_and_the_unusable_ones_named() {
        let long = "x".repeat(61);
        let (tags, notes) = split_tags(&format!("rust; web,a|b, {long}"));
        assert_eq!(tags, ["rust", "web"]);
        assert_eq!(notes.len(), 2);
    }
}
