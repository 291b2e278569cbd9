//! The kinds of simple collection and the fields each accepts. Adding a kind is one line in
//! [`CollectionKind`], one `fields!` block and one arm in each `match` below.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::values::{Embed, HexColor, HttpUrl, Tags, TrackLength};
use crate::media::MediaCategory;
use crate::values::{Languages, Localized};
use crate::{DomainError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollectionKind {
    Albums,
    GalleryImages,
    Songs,
    Videos,
    Websites,
    CvSections,
    CvSubsections,
    ArticleCategories,
    ArticleSubcategories,
    ArticleSections,
    /// The site profile: a collection of exactly one item (see [`CollectionKind::is_singleton`]).
    SiteProfile,
}

/// What the items of a nested kind belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentKind {
    Collection(CollectionKind),
    Article,
}

/// One media slot of a kind: its name, the category of media it takes, and whether it holds
/// a list (`files`) rather than one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub name: &'static str,
    pub category: MediaCategory,
    pub many: bool,
}

const fn one(name: &'static str, category: MediaCategory) -> Slot {
    Slot { name, category, many: false }
}

impl CollectionKind {
    pub const ALL: [CollectionKind; 11] = [
        CollectionKind::Albums,
        CollectionKind::GalleryImages,
        CollectionKind::Songs,
        CollectionKind::Videos,
        CollectionKind::Websites,
        CollectionKind::CvSections,
        CollectionKind::CvSubsections,
        CollectionKind::ArticleCategories,
        CollectionKind::ArticleSubcategories,
        CollectionKind::ArticleSections,
        CollectionKind::SiteProfile,
    ];

    /// The kind's name in paths and in storage (`gallery-images`).
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionKind::Albums => "albums",
            CollectionKind::GalleryImages => "gallery-images",
            CollectionKind::Songs => "songs",
            CollectionKind::Videos => "videos",
            CollectionKind::Websites => "websites",
            CollectionKind::CvSections => "cv-sections",
            CollectionKind::CvSubsections => "cv-subsections",
            CollectionKind::ArticleCategories => "article-categories",
            CollectionKind::ArticleSubcategories => "article-subcategories",
            CollectionKind::ArticleSections => "article-sections",
            CollectionKind::SiteProfile => "site-profile",
        }
    }

    /// Nested kinds are ordered within their parent, need a `parent_id` when created, and
    /// are deleted with it.
    pub fn parent(self) -> Option<ParentKind> {
        match self {
            CollectionKind::CvSubsections => Some(ParentKind::Collection(CollectionKind::CvSections)),
            CollectionKind::ArticleSubcategories => Some(ParentKind::Collection(CollectionKind::ArticleCategories)),
            CollectionKind::ArticleSections => Some(ParentKind::Article),
            _ => None,
        }
    }

    /// The kinds nested in this one.
    pub fn children(self) -> impl Iterator<Item = CollectionKind> {
        CollectionKind::ALL.into_iter().filter(move |k| k.parent() == Some(ParentKind::Collection(self)))
    }

    /// A singleton kind has one item at most, served at its own path rather than as a list.
    pub fn is_singleton(self) -> bool {
        self == CollectionKind::SiteProfile
    }

    /// The media slots an item of this kind has.
    pub fn slots(self) -> &'static [Slot] {
        use MediaCategory::{Audio, Image, Video};
        const IMAGE: &[Slot] = &[one("image", Image)];
        const SONG: &[Slot] = &[one("audio", Audio), one("cover", Image)];
        const VIDEO: &[Slot] = &[one("video", Video)];
        const WEBSITE: &[Slot] = &[one("desktop", Image), one("tablet", Image), one("mobile", Image)];
        const SECTION: &[Slot] = &[one("file", Image), Slot { name: "files", category: Image, many: true }];
        const PROFILE: &[Slot] = &[
            one("logo", Image),
            one("background", Image),
            one("cv_image", Image),
            one("cv_background", Image),
            one("seo_image", Image),
        ];
        match self {
            CollectionKind::Albums | CollectionKind::GalleryImages => IMAGE,
            CollectionKind::Songs => SONG,
            CollectionKind::Videos => VIDEO,
            CollectionKind::Websites => WEBSITE,
            CollectionKind::ArticleSections => SECTION,
            CollectionKind::SiteProfile => PROFILE,
            CollectionKind::CvSections
            | CollectionKind::CvSubsections
            | CollectionKind::ArticleCategories
            | CollectionKind::ArticleSubcategories => &[],
        }
    }

    pub fn slot(self, name: &str) -> Option<Slot> {
        self.slots().iter().find(|slot| slot.name == name).copied()
    }

    /// Validates a complete set of fields (a create body, or a patch merged onto the stored
    /// fields) into their stored form: normalized, and only the fields the kind knows.
    pub fn validate(
        self,
        fields: Map<String, Value>,
        languages: &Languages,
    ) -> Result<Map<String, Value>, DomainError> {
        match self {
            CollectionKind::Albums => validate::<AlbumFields>(fields, languages),
            CollectionKind::GalleryImages => validate::<GalleryImageFields>(fields, languages),
            CollectionKind::Songs => validate::<SongFields>(fields, languages),
            CollectionKind::Videos => validate::<VideoFields>(fields, languages),
            CollectionKind::Websites => validate::<WebsiteFields>(fields, languages),
            CollectionKind::CvSections | CollectionKind::CvSubsections => {
                validate::<CvSectionFields>(fields, languages)
            }
            CollectionKind::ArticleCategories | CollectionKind::ArticleSubcategories => {
                validate::<CategoryFields>(fields, languages)
            }
            CollectionKind::ArticleSections => validate::<ArticleSectionFields>(fields, languages),
            CollectionKind::SiteProfile => validate::<ProfileFields>(fields, languages),
        }
    }

    /// Checks the shape of a patch (known fields, right types and values; `null` clears).
    pub fn validate_patch(self, patch: &Map<String, Value>) -> Result<(), DomainError> {
        let patch = Value::Object(patch.clone());
        match self {
            CollectionKind::Albums => parse::<AlbumPatch>(patch).map(drop),
            CollectionKind::GalleryImages => parse::<GalleryImagePatch>(patch).map(drop),
            CollectionKind::Songs => parse::<SongPatch>(patch).map(drop),
            CollectionKind::Videos => parse::<VideoPatch>(patch).map(drop),
            CollectionKind::Websites => parse::<WebsitePatch>(patch).map(drop),
            CollectionKind::CvSections | CollectionKind::CvSubsections => parse::<CvSectionPatch>(patch).map(drop),
            CollectionKind::ArticleCategories | CollectionKind::ArticleSubcategories => {
                parse::<CategoryPatch>(patch).map(drop)
            }
            CollectionKind::ArticleSections => parse::<ArticleSectionPatch>(patch).map(drop),
            CollectionKind::SiteProfile => parse::<ProfilePatch>(patch).map(drop),
        }
    }
}

impl fmt::Display for CollectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CollectionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CollectionKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("`{s}` is not a collection"))
    }
}

/// A kind's fields as one typed value.
trait KindFields: DeserializeOwned + Serialize {
    /// The same fields, each optional: parsing one field at a time with it names every bad
    /// field, where parsing the whole would stop at the first.
    type Patch: DeserializeOwned;
    const REQUIRED: &'static [&'static str];
    fn check_languages(&self, languages: &Languages, errors: &mut Vec<FieldError>);
}

/// Field types that may hold localized text.
trait LanguageChecked {
    fn check(&self, field: &str, languages: &Languages, errors: &mut Vec<FieldError>);
}

impl LanguageChecked for Localized {
    fn check(&self, field: &str, languages: &Languages, errors: &mut Vec<FieldError>) {
        if let Err(e) = languages.check(field, self) {
            errors.push(e);
        }
    }
}

impl<T: LanguageChecked> LanguageChecked for Option<T> {
    fn check(&self, field: &str, languages: &Languages, errors: &mut Vec<FieldError>) {
        if let Some(value) = self {
            value.check(field, languages, errors);
        }
    }
}

macro_rules! not_localized {
    ($($ty:ty),*) => {
        $(impl LanguageChecked for $ty {
            fn check(&self, _: &str, _: &Languages, _: &mut Vec<FieldError>) {}
        })*
    };
}
not_localized!(HttpUrl, HexColor, Embed, TrackLength, Tags);

/// One struct for whole items (required fields must be there) and one for patches (every
/// field optional), both refusing unknown fields.
macro_rules! fields {
    ($create:ident, $patch:ident { $($req:ident : $rty:ty),* $(,)? } optional { $($opt:ident : $oty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $create {
            $(pub $req: $rty,)*
            $(#[serde(default, skip_serializing_if = "Option::is_none")] pub $opt: Option<$oty>,)*
        }

        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $patch {
            $(#[serde(default)] pub $req: Option<$rty>,)*
            $(#[serde(default)] pub $opt: Option<$oty>,)*
        }

        impl KindFields for $create {
            type Patch = $patch;
            const REQUIRED: &'static [&'static str] = &[$(stringify!($req)),*];
            fn check_languages(&self, languages: &Languages, errors: &mut Vec<FieldError>) {
                $(LanguageChecked::check(&self.$req, stringify!($req).trim_start_matches("r#"), languages, errors);)*
                $(LanguageChecked::check(&self.$opt, stringify!($opt).trim_start_matches("r#"), languages, errors);)*
            }
        }
    };
}

fields!(AlbumFields, AlbumPatch { title: Localized } optional { spotify: HttpUrl, tidal: HttpUrl });
fields!(GalleryImageFields, GalleryImagePatch { title: Localized } optional {});
fields!(SongFields, SongPatch { title: Localized } optional { duration: TrackLength, link: HttpUrl });
fields!(VideoFields, VideoPatch { title: Localized } optional { link: HttpUrl, embed: Embed });
fields!(WebsiteFields, WebsitePatch { title: Localized, r#type: Localized, description: Localized } optional {
    link: HttpUrl,
    embed: Embed,
});
fields!(CvSectionFields, CvSectionPatch { title: Localized, text: Localized } optional {
    title_color: HexColor,
    text_color: HexColor,
    link_color: HexColor,
    background_color: HexColor,
    insertions: Localized,
});
fields!(CategoryFields, CategoryPatch { title: Localized } optional {
    title_color: HexColor,
    button_color: HexColor,
    background_color: HexColor,
});
fields!(ArticleSectionFields, ArticleSectionPatch { title: Localized, text: Localized } optional {
    title_color: HexColor,
    text_color: HexColor,
    link_color: HexColor,
    background_color: HexColor,
});
fields!(ArticleFields, ArticlePatch { title: Localized } optional {
    subtitle: Localized,
    intro: Localized,
    outro: Localized,
    title_color: HexColor,
    text_color: HexColor,
    link_color: HexColor,
    background_color: HexColor,
});
fields!(ProfileFields, ProfilePatch {} optional {
    welcome: Localized,
    cv_description: Localized,
    cv_description_extra: Localized,
    error_message: Localized,
    seo_tags: Tags,
});

/// Validates an article's text fields (see [`ArticleFields`]).
pub(crate) fn validate_article_fields(
    fields: Map<String, Value>,
    languages: &Languages,
) -> Result<Map<String, Value>, DomainError> {
    validate::<ArticleFields>(fields, languages)
}

fn validate<T: KindFields>(
    fields: Map<String, Value>,
    languages: &Languages,
) -> Result<Map<String, Value>, DomainError> {
    let mut errors = Vec::new();
    for (name, value) in &fields {
        let mut one = Map::new();
        one.insert(name.clone(), value.clone());
        if let Err(DomainError::Invalid(found)) = parse::<T::Patch>(Value::Object(one)) {
            errors.extend(found);
        }
    }
    for required in T::REQUIRED {
        let name = required.trim_start_matches("r#");
        if fields.get(name).is_none_or(Value::is_null) {
            errors.push(FieldError::new(name, "required", format!("missing field `{name}`")));
        }
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let typed: T = parse(Value::Object(fields))?;
    typed.check_languages(languages, &mut errors);
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    match serde_json::to_value(&typed) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) | Err(_) => Err(DomainError::Internal("collection fields did not serialize to an object".to_owned())),
    }
}

/// Deserializes with the path of the first bad field in the error, as the API's JSON
/// extractor does for fixed bodies.
pub(crate) fn parse<T: DeserializeOwned>(value: Value) -> Result<T, DomainError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        let lifted = |prefix: &str| {
            message
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('`'))
                .and_then(|r| r.split('`').next())
                .map(str::to_owned)
        };
        let (field, code) = if let Some(name) = lifted("missing field ") {
            (name, "required")
        } else if let Some(name) = lifted("unknown field ") {
            (name, "unknown_field")
        } else if message.starts_with("invalid type") {
            (path, "invalid_type")
        } else {
            (path, "invalid")
        };
        let field = if field == "." { String::new() } else { field };
        DomainError::Invalid(vec![FieldError::new(field, code, message)])
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn field_of(result: Result<Map<String, Value>, DomainError>) -> (String, String) {
        match result {
            Err(DomainError::Invalid(errors)) => (errors[0].field.clone(), errors[0].code.clone()),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn valid_fields_are_normalized() {
        let fields = CollectionKind::CvSections
            .validate(
                object(json!({"title": {"EN": " About "}, "text": {"es": "Hola"}, "title_color": "#ABC"})),
                &Languages::default(),
            )
            .expect("valid");
        assert_eq!(
            Value::Object(fields),
            json!({"title": {"en": "About"}, "text": {"es": "Hola"}, "title_color": "#abc"})
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let langs = Languages::default();
        let albums = CollectionKind::Albums;
        assert_eq!(
            field_of(albums.validate(object(json!({"title": {"en": "A"}, "spotify": "ftp://x"})), &langs)).0,
            "spotify"
        );
        assert_eq!(
            field_of(albums.validate(object(json!({"title": {"en": "A"}, "extra": 1})), &langs)),
            ("extra".into(), "unknown_field".into())
        );
        assert_eq!(field_of(albums.validate(object(json!({})), &langs)), ("title".into(), "required".into()));
        assert_eq!(field_of(albums.validate(object(json!({"title": {"fr": "A"}})), &langs)).0, "title.fr");
        assert!(CollectionKind::Websites.validate_patch(&object(json!({"type": {"en": "Shop"}}))).is_ok());
        assert!(CollectionKind::Websites.validate_patch(&object(json!({"colour": "#fff"}))).is_err());
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let result = CollectionKind::Songs
            .validate(object(json!({"duration": "9:99", "link": "ftp://x", "colour": "red"})), &Languages::default());
        let Err(DomainError::Invalid(errors)) = result else { panic!("invalid") };
        let mut named: Vec<(String, String)> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        named.sort();
        assert_eq!(
            named,
            vec![
                ("colour".to_owned(), "unknown_field".to_owned()),
                ("duration".to_owned(), "invalid".to_owned()),
                ("link".to_owned(), "invalid".to_owned()),
                ("title".to_owned(), "required".to_owned()),
            ]
        );
    }

    #[test]
    fn articles_take_a_link_colour_like_their_sections() {
        let fields =
            validate_article_fields(object(json!({"title": {"en": "A"}, "link_color": "#0AF"})), &Languages::default())
                .expect("valid");
        assert_eq!(fields.get("link_color"), Some(&json!("#0af")));
        let bad =
            validate_article_fields(object(json!({"title": {"en": "A"}, "link_color": "blue"})), &Languages::default());
        assert_eq!(field_of(bad).0, "link_color");
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in CollectionKind::ALL {
            assert_eq!(kind.as_str().parse::<CollectionKind>(), Ok(kind));
        }
        assert_eq!(CollectionKind::Songs.slot("cover").map(|s| s.category), Some(MediaCategory::Image));
        assert_eq!(CollectionKind::CvSections.children().collect::<Vec<_>>(), vec![CollectionKind::CvSubsections]);
        assert_eq!(CollectionKind::ArticleSections.parent(), Some(ParentKind::Article));
        assert_eq!(CollectionKind::Songs.slot("image"), None);
    }
}
