//! `folio seed --demo`: a realistic bilingual demo site (every content kind, with generated
//! images and audio) for trying Folio out and for benchmarks. Written through the same
//! services as the API, so it is validated like any editor's input.

use std::io::Cursor;

use anyhow::{anyhow, Context};
use bytes::Bytes;
use folio_domain::content::articles::ArticleQuery;
use folio_domain::content::{CollectionItem, CollectionKind};
use folio_domain::media::{Media, MediaCategory, UploadRequest};
use folio_domain::values::Localized;
use folio_domain::DomainError;
use serde_json::{json, Map, Value};

use crate::wiring::Services;

/// How much a demo site holds.
const ALBUMS: usize = 4;
const GALLERY: usize = 8;
const SONGS: usize = 4;
const ARTICLES: usize = 12;

/// Loads the demo site, unless the site already has content (then it changes nothing).
pub async fn load(services: &Services) -> anyhow::Result<()> {
    let existing = services.collections.singleton(CollectionKind::SiteProfile).await.map_err(domain)?;
    let everything = ArticleQuery { include_hidden: true, ..ArticleQuery::default() };
    let articles = services.articles.search(&everything).await.map_err(domain)?;
    if existing.is_some() || articles.total > 0 {
        println!("the site already has content; the demo was not loaded");
        return Ok(());
    }
    let demo = Demo { services };
    demo.profile().await?;
    demo.portfolio().await?;
    demo.cv().await?;
    let articles = demo.blog().await?;
    println!(
        "loaded the demo site: profile, {ALBUMS} albums, {GALLERY} gallery images, {SONGS} songs, 3 videos, \
         3 websites, 3 CV sections, {articles} articles"
    );
    Ok(())
}

fn domain(e: DomainError) -> anyhow::Error {
    anyhow!("{e}")
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn both(es: &str, en: &str) -> Value {
    json!({ "es": es, "en": en })
}

/// A PNG of a diagonal gradient in the colours of `seed`.
fn png(seed: usize, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let hue = u8::try_from(seed * 37 % 256).unwrap_or(0);
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let t = u8::try_from((x + y) * 255 / (width + height)).unwrap_or(255);
        image::Rgb([hue.wrapping_add(t / 2), t, 255 - hue / 2])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).context("encoding a demo image")?;
    Ok(out.into_inner())
}

/// A short mono 8 kHz WAV (a falling tone), so demo songs have a playing time.
fn wav(seconds: u32) -> Vec<u8> {
    let rate = 8_000u32;
    let samples = rate * seconds;
    let mut out = Vec::with_capacity(44 + samples as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + samples).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes()); // bytes per second
    out.extend_from_slice(&1u16.to_le_bytes()); // block align
    out.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&samples.to_le_bytes());
    for i in 0..samples {
        let period = 8 + i / rate; // the pitch falls each second
        out.push(if (i / period).is_multiple_of(2) { 160 } else { 96 });
    }
    out
}

struct Demo<'a> {
    services: &'a Services,
}

impl Demo<'_> {
    async fn upload(&self, bytes: Vec<u8>, name: &str, category: MediaCategory) -> anyhow::Result<Media> {
        let request = UploadRequest {
            category: Some(category),
            title: Localized::single("en", name),
            file_name: Some(name.to_owned()),
            uploaded_by: None,
        };
        let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(bytes)) });
        self.services.media.upload(request, Box::pin(body)).await.map_err(domain)
    }

    async fn image(&self, seed: usize, width: u32, height: u32) -> anyhow::Result<Media> {
        self.upload(png(seed, width, height)?, &format!("demo-{seed}.png"), MediaCategory::Image).await
    }

    async fn create(&self, kind: CollectionKind, body: Value) -> anyhow::Result<CollectionItem> {
        self.services.collections.create(kind, object(body)).await.map_err(domain)
    }

    async fn attach(&self, item: &CollectionItem, slot: &str, media: &Media) -> anyhow::Result<()> {
        self.services.collections.set_media(item.kind, item.id, slot, media.id).await.map_err(domain).map(drop)
    }

    async fn profile(&self) -> anyhow::Result<()> {
        let kind = CollectionKind::SiteProfile;
        let profile = self
            .services
            .collections
            .put_singleton(
                kind,
                object(json!({
                    "welcome": both("Bienvenido a mi portafolio", "Welcome to my portfolio"),
                    "cv_description": both("Músico y desarrollador.", "Musician and developer."),
                    "cv_description_extra": both("Vivo en Madrid.", "I live in Madrid."),
                    "error_message": both("Algo salió mal.", "Something went wrong."),
                    "seo_tags": ["music", "software", "portfolio"],
                })),
            )
            .await
            .map_err(domain)?;
        for (i, slot) in ["logo", "background", "cv_image", "cv_background", "seo_image"].into_iter().enumerate() {
            let media = self.image(100 + i, 320, 200).await?;
            self.attach(&profile, slot, &media).await?;
        }
        Ok(())
    }

    async fn portfolio(&self) -> anyhow::Result<()> {
        for i in 0..ALBUMS {
            let album = self
                .create(
                    CollectionKind::Albums,
                    json!({
                        "title": both(&format!("Álbum {}", i + 1), &format!("Album {}", i + 1)),
                        "spotify": format!("https://open.spotify.com/album/demo{i}"),
                        "tidal": format!("https://tidal.com/browse/album/{i}"),
                    }),
                )
                .await?;
            self.attach(&album, "image", &self.image(i, 400, 400).await?).await?;
        }
        for i in 0..GALLERY {
            let item = self
                .create(
                    CollectionKind::GalleryImages,
                    json!({"title": both(&format!("Foto {}", i + 1), &format!("Photo {}", i + 1))}),
                )
                .await?;
            self.attach(&item, "image", &self.image(20 + i, 640, 427).await?).await?;
        }
        for i in 0..SONGS {
            let seconds = u32::try_from(2 + i).unwrap_or(2);
            let song = self
                .create(
                    CollectionKind::Songs,
                    json!({
                        "title": both(&format!("Canción {}", i + 1), &format!("Song {}", i + 1)),
                        "duration": format!("0:{seconds:02}"),
                        "link": format!("https://example.com/songs/{i}"),
                    }),
                )
                .await?;
            let audio = self.upload(wav(seconds), &format!("song-{i}.wav"), MediaCategory::Audio).await?;
            self.attach(&song, "audio", &audio).await?;
            self.attach(&song, "cover", &self.image(40 + i, 300, 300).await?).await?;
        }
        for i in 0..3 {
            self.create(
                CollectionKind::Videos,
                json!({
                    "title": both(&format!("Vídeo {}", i + 1), &format!("Video {}", i + 1)),
                    "link": format!("https://www.youtube.com/watch?v=demo{i}"),
                    "embed": format!("<iframe src=\"https://www.youtube.com/embed/demo{i}\" allowfullscreen></iframe>"),
                }),
            )
            .await?;
        }
        for (i, (es, en)) in [("Tienda", "Shop"), ("Blog", "Blog"), ("Portafolio", "Portfolio")].into_iter().enumerate()
        {
            let site = self
                .create(
                    CollectionKind::Websites,
                    json!({
                        "title": both(&format!("Proyecto {}", i + 1), &format!("Project {}", i + 1)),
                        "type": both(es, en),
                        "description": both("Un sitio hecho con cariño.", "A site made with care."),
                        "link": format!("https://project{i}.example.com"),
                    }),
                )
                .await?;
            self.attach(&site, "desktop", &self.image(60 + i, 1280, 800).await?).await?;
            self.attach(&site, "tablet", &self.image(70 + i, 768, 1024).await?).await?;
            self.attach(&site, "mobile", &self.image(80 + i, 390, 844).await?).await?;
        }
        Ok(())
    }

    async fn cv(&self) -> anyhow::Result<()> {
        for (es, en) in [("Experiencia", "Experience"), ("Estudios", "Education"), ("Idiomas", "Languages")] {
            let section = self
                .create(
                    CollectionKind::CvSections,
                    json!({
                        "title": both(es, en),
                        "text": both("Resumen de la sección.", "What this section covers."),
                        "title_color": "#1a2b3c",
                        "background_color": "#fafafa",
                    }),
                )
                .await?;
            for j in 0..2 {
                self.create(
                    CollectionKind::CvSubsections,
                    json!({
                        "parent_id": section.id.to_string(),
                        "title": both(&format!("{es} {}", j + 1), &format!("{en} {}", j + 1)),
                        "text": both("Detalles.", "Details."),
                        "link_color": "#0a6",
                        "insertions": both("2020–2024", "2020–2024"),
                    }),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn blog(&self) -> anyhow::Result<usize> {
        let mut categories = Vec::new();
        for (es, en) in [("Música", "Music"), ("Código", "Code")] {
            let category = self
                .create(CollectionKind::ArticleCategories, json!({"title": both(es, en), "button_color": "#336699"}))
                .await?;
            let sub = self
                .create(
                    CollectionKind::ArticleSubcategories,
                    json!({"parent_id": category.id.to_string(), "title": both(&format!("{es} en vivo"), &format!("Live {en}"))}),
                )
                .await?;
            categories.push((category, sub));
        }
        let topics = ["rust", "jazz", "web", "guitar", "databases", "recording"];
        for i in 0..ARTICLES {
            let (category, sub) = &categories[i % categories.len()];
            let day = i % 28 + 1;
            let article = self
                .services
                .articles
                .create(object(json!({
                    "title": both(&format!("Artículo número {}", i + 1), &format!("Article number {}", i + 1)),
                    "subtitle": both("Un subtítulo", "A subtitle"),
                    "intro": both(&format!("Sobre {}.", topics[i % topics.len()]), &format!("About {}.", topics[i % topics.len()])),
                    "outro": both("Gracias por leer.", "Thanks for reading."),
                    "category_id": category.id.to_string(),
                    "sub_category_ids": [sub.id.to_string()],
                    "tags": [topics[i % topics.len()], topics[(i + 1) % topics.len()]],
                    "published_at": format!("2025-03-{day:02}T09:00:00Z"),
                    "visible": i % 6 != 5,
                })))
                .await
                .map_err(domain)?;
            self.services
                .articles
                .set_media(article.id, "cover", self.image(200 + i, 800, 450).await?.id)
                .await
                .map_err(domain)?;
            for s in 0..3 {
                let section = self
                    .create(
                        CollectionKind::ArticleSections,
                        json!({
                            "parent_id": article.id.to_string(),
                            "title": both(&format!("Parte {}", s + 1), &format!("Part {}", s + 1)),
                            "text": both("Texto de la sección.", "The section's text."),
                        }),
                    )
                    .await?;
                if s == 0 {
                    self.attach(&section, "file", &self.image(300 + i, 600, 400).await?).await?;
                }
            }
        }
        Ok(ARTICLES)
    }
}
