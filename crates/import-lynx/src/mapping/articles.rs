//! An `articles` document onto an article: its texts, address, tags, languages, publication
//! time and visibility here; its category, sub-categories and cover are references the
//! importer translates.

use chrono::{DateTime, Utc};
use folio_domain::content::articles::Slug;
use folio_domain::values::Languages;
use serde_json::Value;

use super::profile::split_tags;
use super::{Draft, Pairs};
use crate::document::{quote, Doc, Ref};

/// An article before its references are translated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArticleDraft {
    /// Text fields, `tags`, `languages`, `visible`, `published_at` and `slug`.
    pub(crate) draft: Draft,
    /// The old address, which keeps resolving to the article.
    pub(crate) urltitle: Option<String>,
    pub(crate) category: Option<Ref>,
    pub(crate) sub_categories: Vec<Ref>,
    /// `coverImg`: a list in the model; the first is the cover.
    pub(crate) covers: Vec<Ref>,
}

/// The article, or why it cannot be one.
pub(crate) fn article(doc: &mut Doc<'_>, pairs: &Pairs, languages: &Languages) -> Result<ArticleDraft, String> {
    let mut draft = Draft::default();
    draft.pair(doc, pairs, "title", "title");
    draft.pair(doc, pairs, "subtitle", "subtitle");
    draft.pair(doc, pairs, "intro", "intro");
    draft.pair(doc, pairs, "outro", "outro");
    draft.text(doc, "title_color", "titleColor");
    draft.text(doc, "text_color", "textColor");
    draft.text(doc, "background_color", "bgColor");
    draft.label = pairs.label(draft.body.get("title"));

    let urltitle = doc.text("urltitle");
    let title = draft.label.clone();
    let (slug, note) = slug(urltitle.as_deref(), title.as_deref())
        .ok_or_else(|| "no urltitle, and no title to make an address from".to_owned())?;
    draft.notes.extend(note);
    draft.put("slug", "urltitle", Some(Value::String(slug.to_string())));
    if draft.label.is_none() {
        draft.label = urltitle.clone();
    }
    if !draft.body.contains_key("title") {
        draft.notes.push("no title in the source; imported with an empty one".to_owned());
        draft.put("title", "title", Some(Value::Object(serde_json::Map::new())));
    }

    if let Some(raw) = doc.text("tags") {
        let (tags, notes) = split_tags(&raw);
        draft.notes.extend(notes.into_iter().map(|n| format!("tags: {n}")));
        draft.put("tags", "tags", Some(Value::from(tags)));
    }
    let (langs, notes) = article_languages(doc.texts("langs"), languages);
    draft.notes.extend(notes);
    if !langs.is_empty() {
        draft.put("languages", "langs", Some(Value::from(langs)));
    }
    let published = match doc.date("create_at") {
        Ok(Some(time)) => Some(time),
        Ok(None) => doc.id_time(),
        Err(seen) => {
            draft.notes.push(format!("create_at {seen} is not a time; the id's time is used"));
            doc.id_time()
        }
    };
    draft.put("published_at", "create_at", published.map(|t: DateTime<Utc>| Value::String(t.to_rfc3339())));
    draft.visibility(doc);

    let category = doc.reference("cat");
    let sub_categories = doc.references("subCats");
    let covers = doc.references("coverImg");
    // The sections' own `article` says where they belong; this list is only a fallback.
    doc.skip("sections");
    Ok(ArticleDraft { draft, urltitle, category, sub_categories, covers })
}

/// The article's address: `urltitle` when it is a valid slug, else made from it (lower
/// case, accents dropped), else from the title; with a note when it is not `urltitle` as it
/// was (the old address then resolves through the legacy ids).
pub(crate) fn slug(urltitle: Option<&str>, title: Option<&str>) -> Option<(Slug, Option<String>)> {
    if let Some(raw) = urltitle {
        if let Ok(slug) = Slug::parse(raw) {
            return Some((slug, None));
        }
        if let Some(slug) = Slug::from_title(raw) {
            let note = format!("urltitle {} is not a Folio address; the article is at `{slug}`", quote(raw));
            return Some((slug, Some(note)));
        }
    }
    let slug = Slug::from_title(title?)?;
    let note = match urltitle {
        Some(raw) => {
            format!("urltitle {} gives no address; the article is at `{slug}`, made from its title", quote(raw))
        }
        None => format!("no urltitle; the article is at `{slug}`, made from its title"),
    };
    Some((slug, Some(note)))
}

/// `langs` as the site's language tags: `es`, `ES`, `esp`, `spa` and `español` are `es`,
/// and so on; languages the site does not take are left out, said so.
fn article_languages(raw: Vec<String>, languages: &Languages) -> (Vec<String>, Vec<String>) {
    let mut out: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    for lang in raw {
        let tag = match lang.trim().to_lowercase().as_str() {
            "es" | "esp" | "spa" | "español" | "espanol" | "spanish" => "es".to_owned(),
            "en" | "eng" | "english" | "inglés" | "ingles" => "en".to_owned(),
            other => other.to_owned(),
        };
        if !languages.supported.contains(&tag) {
            notes.push(format!("langs: {} is not one of this site's languages; left out", quote(&lang)));
        } else if !out.contains(&tag) {
            out.push(tag);
        }
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use mongodb::bson::{doc, oid::ObjectId};
    use serde_json::json;

    use super::*;

    fn map(stored: &mongodb::bson::Document) -> Result<ArticleDraft, String> {
        let languages = Languages::default();
        article(&mut Doc::new(stored), &Pairs::new(&languages), &languages)
    }

    #[test]
    fn an_article_keeps_its_address_texts_tags_and_date() {
        let (cat, sub, cover) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let stored = doc! {
            "_id": ObjectId::new(), "title": "Hola mundo", "titleEng": "Hello world", "introEng": "Intro",
            "urltitle": "hola-mundo", "tags": "rust, web", "langs": ["esp", "EN", "fr"], "show": false,
            "create_at": mongodb::bson::DateTime::from_millis(1_600_000_000_000), "cat": cat, "subCats": [sub],
            "coverImg": [cover], "sections": [], "linkColor": "#123", "insertions": ["x"],
        };
        let mut d = Doc::new(&stored);
        let languages = Languages::default();
        let mapped = article(&mut d, &Pairs::new(&languages), &languages).expect("an article");
        assert_eq!(
            Value::Object(mapped.draft.body),
            json!({
                "title": {"es": "Hola mundo", "en": "Hello world"}, "intro": {"en": "Intro"}, "slug": "hola-mundo",
                "tags": ["rust", "web"], "languages": ["es", "en"], "published_at": "2020-09-13T12:26:40+00:00",
                "visible": false,
            })
        );
        assert_eq!(mapped.draft.notes, vec!["langs: \"fr\" is not one of this site's languages; left out".to_owned()]);
        assert_eq!(
            (mapped.category, mapped.sub_categories),
            (Some(Ref::Id(cat.to_hex())), vec![Ref::Id(sub.to_hex())])
        );
        assert_eq!(mapped.covers, vec![Ref::Id(cover.to_hex())]);
        assert_eq!(mapped.urltitle.as_deref(), Some("hola-mundo"));
        assert_eq!(d.unread(), vec!["linkColor".to_owned(), "insertions".to_owned()]);
    }

    #[test]
    fn a_missing_date_is_the_ids_time() {
        let id = ObjectId::parse_str("5f5e0f40a1d3e4f5a6b7c8d9").expect("oid");
        let mapped = map(&doc! { "_id": id, "title": "x" }).expect("an article");
        assert_eq!(mapped.draft.body["published_at"], json!("2020-09-13T12:23:28+00:00"));
        assert_eq!(mapped.draft.body["visible"], json!(true));
    }

    #[test]
    fn addresses_come_from_the_urltitle_else_the_title() {
        let slug_of = |u: Option<&str>, t: Option<&str>| slug(u, t).map(|(s, note)| (s.to_string(), note.is_some()));
        assert_eq!(slug_of(Some("mi-post"), Some("Otro")), Some(("mi-post".into(), false)));
        assert_eq!(slug_of(Some("Mi Post Ñandú"), None), Some(("mi-post-nandu".into(), true)));
        assert_eq!(slug_of(Some("!!!"), Some("Título")), Some(("titulo".into(), true)));
        assert_eq!(slug_of(None, Some("Título")), Some(("titulo".into(), true)));
        assert_eq!(slug_of(None, None), None);
        assert!(map(&doc! { "urltitle": "???" }).is_err());
    }
}
