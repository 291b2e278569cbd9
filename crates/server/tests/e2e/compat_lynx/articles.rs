//! The Lynx blog routes (`/api/article/*`): categories, sub-categories, articles and their
//! sections with the old field names; lookups by id or urltitle; the path-segment list;
//! both spellings of the deletes; uploads.

use reqwest::Method;
use serde_json::{json, Value};

use super::uploads::{form, numbered, upload};
use super::{call, failure, id, success, Lynx};
use crate::media::jpeg_with_exif;

/// A category, one of its sub-categories, and a visible article in both.
async fn blog(lynx: &Lynx) -> (Value, Value, Value) {
    let cat = lynx
        .ok(
            Method::POST,
            "/api/article/articleCat",
            Some(&json!({"title": "Música", "titleEng": "Music", "titleColor": "#111", "buttonColor": "#222222", "bgColor": "#333", "textColor2": "#444", "show": true})),
            "articleCat",
        )
        .await;
    assert_eq!(
        (&cat["titleEng"], &cat["buttonColor"], &cat["bgColor"]),
        (&json!("Music"), &json!("#222222"), &json!("#333"))
    );
    let sub = lynx
        .ok(
            Method::POST,
            "/api/article/articleSubCat",
            Some(&json!({"cat": cat["_id"], "title": "Jazz", "titleEng": "Jazz", "titleColor": "#555", "buttonColor": "#666"})),
            "articleSubCat",
        )
        .await;
    assert_eq!(sub["cat"], cat["_id"]);
    let article = lynx
        .ok(
            Method::POST,
            "/api/article/article",
            Some(&json!({
                "_id": "",
                "title": "¡Hola, Mundo!", "titleEng": "Hello, world",
                "subtitle": "Sub", "subtitleEng": "Sub EN",
                "intro": "Intro", "introEng": "Intro EN",
                "outro": "Fin", "outroEng": "End",
                "cat": cat.clone(), "subCats": [sub["_id"]],
                "tags": "rust, web", "urltitle": "hola-mundo", "langs": ["es", "en"], "show": true,
                "titleColor": "#abcdef", "linkColor": "#0af", "bgColor": "#fff",
                "create_at": "2024-05-01T10:00:00.000Z", "insertions": [], "sections": [],
            })),
            "article",
        )
        .await;
    (cat, sub, article)
}

#[tokio::test]
async fn the_blog_reads_and_writes_with_the_old_field_names() {
    let lynx = Lynx::start().await;
    let (cat, sub, article) = blog(&lynx).await;
    assert_eq!(
        (&article["urltitle"], &article["tags"], &article["langs"], &article["create_at"], &article["linkColor"]),
        (
            &json!("hola-mundo"),
            &json!("rust, web"),
            &json!(["es", "en"]),
            &json!("2024-05-01T10:00:00.000Z"),
            &json!("#0af")
        )
    );
    assert_eq!(article["cat"]["_id"], cat["_id"], "populated");
    assert_eq!(article["cat"]["subcats"][0]["_id"], sub["_id"], "with its sub-categories");
    assert_eq!(article["subCats"][0]["title"], "Jazz");
    assert_eq!((&article["coverImg"], &article["sections"]), (&json!([]), &json!([])));
    let article_id = id(&article);

    let section = |title: &str, show: bool| json!({"article": article_id, "title": title, "titleEng": title, "text": "t", "textEng": "t", "show": show, "linkColor": "#123"});
    let first =
        lynx.ok(Method::POST, "/api/article/articleSection", Some(&section("Uno", true)), "articleSection").await;
    assert_eq!(
        (&first["article"], &first["order"], &first["principalFile"], &first["files"]),
        (&json!(article_id), &json!(1), &Value::Null, &json!([]))
    );
    lynx.ok(Method::POST, "/api/article/articleSection", Some(&section("Oculta", false)), "articleSection").await;

    // By id and by urltitle; the hidden section only for an editor's token.
    for key in [article_id.as_str(), "hola-mundo"] {
        let (status, answer) = call(&lynx.app, Method::GET, &format!("/api/article/article/{key}"), None, None).await;
        let found = success(status, &answer, "article", key);
        assert_eq!(found["_id"], article["_id"]);
        assert_eq!(found["sections"].as_array().map(Vec::len), Some(1), "{key}: public sections");
    }
    let (_, answer) = lynx.get("/api/article/article/hola-mundo").await;
    assert_eq!(answer["article"]["sections"].as_array().map(Vec::len), Some(2));
    let (status, answer) = lynx.get("/api/article/article/no-such-article").await;
    failure(status, &answer, 404, "unknown urltitle");

    let (status, answer) = call(&lynx.app, Method::GET, "/api/article/article-cats", None, None).await;
    let cats = success(status, &answer, "articleCats", "categories");
    assert_eq!(cats[0]["subcats"][0]["title"], "Jazz");
    let (status, answer) = call(&lynx.app, Method::GET, "/api/article/article-sub-cats", None, None).await;
    assert_eq!(success(status, &answer, "articleSubCats", "sub-categories")[0]["cat"], cat["_id"]);

    // Updates take the whole document back, populated parts and all.
    let mut whole = answer_article(&lynx, &article_id).await;
    whole["title"] = json!("Hola de nuevo");
    let (status, answer) = lynx.send(Method::PUT, &format!("/api/article/article/{article_id}"), Some(&whole)).await;
    let updated = success(status, &answer, "articleUpdated", "article update");
    assert_eq!(answer["article"], updated);
    assert_eq!(
        (&updated["title"], &updated["titleEng"], &updated["cat"]["_id"]),
        (&json!("Hola de nuevo"), &json!("Hello, world"), &cat["_id"])
    );
    assert_eq!(updated["urltitle"], "hola-mundo");

    let mut changed = first.clone();
    changed["textEng"] = json!("New text");
    let (status, answer) =
        lynx.send(Method::PUT, &format!("/api/article/article-section/{}", id(&first)), Some(&changed)).await;
    assert_eq!(success(status, &answer, "articleSectionUpdated", "section")["textEng"], "New text");
    assert_eq!(answer["articleSection"]["textEng"], "New text");

    let mut changed = cat.clone();
    changed["buttonColor"] = json!("#999");
    let (status, answer) =
        lynx.send(Method::PUT, &format!("/api/article/article-cat/{}", id(&cat)), Some(&changed)).await;
    let updated = success(status, &answer, "articleCatUpdated", "category");
    assert_eq!(updated["buttonColor"], "#999");
    assert_eq!(
        (&answer["articleCat"], &answer["articleUpdated"]),
        (&updated, &updated),
        "and where the old API put it"
    );

    let mut changed = sub.clone();
    changed["titleEng"] = json!("Bebop");
    let (status, answer) =
        lynx.send(Method::PUT, &format!("/api/article/article-sub-cat/{}", id(&sub)), Some(&changed)).await;
    assert_eq!(success(status, &answer, "articleSubCatUpdated", "sub-category")["titleEng"], "Bebop");

    // Bad values are named the old way.
    let (status, answer) = lynx
        .send(Method::PUT, &format!("/api/article/article/{article_id}"), Some(&json!({"urltitle": "Not A Slug"})))
        .await;
    assert!(failure(status, &answer, 422, "bad urltitle").starts_with("urltitle: "));
    let (status, answer) = lynx
        .send(Method::POST, "/api/article/article", Some(&json!({"title": "Otro", "urltitle": "hola-mundo"})))
        .await;
    assert!(failure(status, &answer, 409, "taken urltitle").starts_with("urltitle: "));
    let (status, answer) =
        lynx.send(Method::POST, "/api/article/article", Some(&json!({"title": "Otro", "cat": "12345"}))).await;
    assert!(failure(status, &answer, 422, "unknown category").starts_with("cat: "));
}

async fn answer_article(lynx: &Lynx, id: &str) -> Value {
    let (status, answer) = lynx.get(&format!("/api/article/article/{id}")).await;
    success(status, &answer, "article", "article")
}

#[tokio::test]
async fn hidden_articles_show_only_to_an_editors_token() {
    let lynx = Lynx::start().await;
    let hidden = lynx
        .ok(Method::POST, "/api/article/article", Some(&json!({"title": "Borrador", "show": false})), "article")
        .await;
    let path = format!("/api/article/article/{}", id(&hidden));
    let (status, answer) = call(&lynx.app, Method::GET, &path, None, None).await;
    failure(status, &answer, 404, "public");
    let (status, answer) = call(&lynx.app, Method::GET, &path, Some("garbage"), None).await;
    failure(status, &answer, 404, "a bad token on a read is the public view");
    assert_eq!(lynx.get(&path).await.0, 200);
    let (_, public) = call(&lynx.app, Method::GET, "/api/article/articles", None, None).await;
    assert_eq!(public["total_items"], 0);
    let (_, editors) = lynx.get("/api/article/articles").await;
    assert_eq!(editors["total_items"], 1);
}

#[tokio::test]
async fn the_article_list_pages_sorts_filters_and_searches_through_path_segments() {
    let lynx = Lynx::start().await;
    let (cat, _, _) = blog(&lynx).await;
    for (title, date) in [("Beta", "2024-01-01T00:00:00.000Z"), ("Alfa Rust", "2024-02-01T00:00:00.000Z")] {
        lynx.ok(Method::POST, "/api/article/article", Some(&json!({"title": title, "create_at": date})), "article")
            .await;
    }
    let list = |path: &str| {
        let path = format!("/api/article/articles{path}");
        let app = &lynx.app;
        async move {
            let (status, answer) = call(app, Method::GET, &path, None, None).await;
            success(status, &answer, "articles", &path);
            answer
        }
    };
    let titles = |answer: &Value| -> Vec<String> {
        answer["articles"]
            .as_array()
            .expect("articles")
            .iter()
            .map(|a| a["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };

    let all = list("").await;
    assert_eq!((&all["total_items"], &all["pages"], &all["itemsPerPage"]), (&json!(3), &json!(1), &json!(3)));
    assert_eq!(titles(&all), vec!["¡Hola, Mundo!", "Alfa Rust", "Beta"], "newest first by default");
    assert_eq!(all["articles"][0]["cat"]["_id"], cat["_id"], "populated in lists too");

    let page = list("/1/2/title").await;
    assert_eq!((&page["total_items"], &page["pages"], &page["itemsPerPage"]), (&json!(3), &json!(2), &json!(2)));
    // Titles compare as stored text: `¡` sorts after the letters.
    assert_eq!(titles(&page), vec!["Alfa Rust", "Beta"]);
    assert_eq!(titles(&list("/2/2/title").await), vec!["¡Hola, Mundo!"]);
    assert_eq!(titles(&list("/1/0/-title").await), vec!["¡Hola, Mundo!", "Beta", "Alfa Rust"]);
    assert_eq!(titles(&list("/1/500/create_at").await), vec!["Beta", "Alfa Rust", "¡Hola, Mundo!"]);
    assert_eq!(titles(&list(&format!("/1/10/title/all/{}", id(&cat))).await), vec!["¡Hola, Mundo!"]);
    assert_eq!(titles(&list("/1/10/title/all/all/rust").await), vec!["Alfa Rust", "¡Hola, Mundo!"], "tags and titles");
    assert_eq!(titles(&list("/1/10/title/all/all/hello,%20world").await), vec!["¡Hola, Mundo!"], "any language");
    let nothing = list("/1/10/title/all/all/zzz").await;
    assert_eq!((&nothing["total_items"], &nothing["pages"], &nothing["articles"]), (&json!(0), &json!(0), &json!([])));
    assert_eq!(list("/1/10/title/all/999").await["total_items"], 0, "an unknown category matches nothing");

    for bad in ["/1/10/password", "/x/10", "/1/ten"] {
        let (status, answer) = call(&lynx.app, Method::GET, &format!("/api/article/articles{bad}"), None, None).await;
        failure(status, &answer, 400, bad);
    }
}

#[tokio::test]
async fn both_delete_spellings_remove_blog_items_with_folios_cascades() {
    let lynx = Lynx::start().await;
    let (cat, sub, article) = blog(&lynx).await;
    let article_id = id(&article);
    let section = |title: &str| json!({"article": article_id, "title": title, "text": "t"});
    let mut sections = Vec::new();
    for title in ["Uno", "Dos", "Tres"] {
        sections
            .push(lynx.ok(Method::POST, "/api/article/articleSection", Some(&section(title)), "articleSection").await);
    }
    let deleted = lynx
        .ok(Method::DELETE, &format!("/api/article/articleSection/{}", id(&sections[0])), None, "articleSection")
        .await;
    assert_eq!(deleted["title"], "Uno");
    lynx.ok(Method::DELETE, &format!("/api/article/article-section/{}", id(&sections[1])), None, "articleSection")
        .await;
    assert_eq!(answer_article(&lynx, &article_id).await["sections"][0]["order"], 1, "renumbered");

    // A second category and sub-category to delete by the other spelling.
    let other = lynx.ok(Method::POST, "/api/article/articleCat", Some(&json!({"title": "Otra"})), "articleCat").await;
    let other_sub = lynx
        .ok(
            Method::POST,
            "/api/article/articleSubCat",
            Some(&json!({"title": "S", "cat": other["_id"]})),
            "articleSubCat",
        )
        .await;
    lynx.ok(Method::DELETE, &format!("/api/article/article-sub-cat/{}", id(&other_sub)), None, "articleSubCat").await;
    lynx.ok(Method::DELETE, &format!("/api/article/article-cat/{}", id(&other)), None, "articleCat").await;
    lynx.ok(Method::DELETE, &format!("/api/article/articleSubCat/{}", id(&sub)), None, "articleSubCat").await;
    let deleted = lynx.ok(Method::DELETE, &format!("/api/article/articleCat/{}", id(&cat)), None, "articleCat").await;
    assert_eq!(deleted["_id"], cat["_id"]);
    let detached = answer_article(&lynx, &article_id).await;
    assert_eq!((&detached["cat"], &detached["subCats"]), (&Value::Null, &json!([])), "articles are detached");

    let deleted = lynx.ok(Method::DELETE, &format!("/api/article/article/{article_id}"), None, "article").await;
    assert_eq!(deleted["sections"].as_array().map(Vec::len), Some(1), "the deleted document, as it was");
    let (status, _) = lynx.get(&format!("/api/article/article/{article_id}")).await;
    assert_eq!(status, 404);
    let (status, answer) =
        lynx.send(Method::DELETE, &format!("/api/article/article-section/{}", id(&sections[2])), None).await;
    failure(status, &answer, 404, "its sections went with it");
}

#[tokio::test]
async fn articles_and_their_sections_take_uploads() {
    let lynx = Lynx::start().await;
    let article = lynx.ok(Method::POST, "/api/article/article", Some(&json!({"title": "Con fotos"})), "article").await;
    let (status, answer) = upload(
        &lynx,
        &format!("/api/article/upload-file-article/{}", id(&article)),
        form(vec![(jpeg_with_exif(30, 30), "portada.jpg")]),
    )
    .await;
    let cover = success(status, &answer, "file", "cover");
    assert_eq!(answer["article"]["coverImg"], json!([cover]));

    let section = lynx
        .ok(
            Method::POST,
            "/api/article/articleSection",
            Some(&json!({"article": article["_id"], "title": "S", "text": "t"})),
            "articleSection",
        )
        .await;
    let (status, answer) = upload(
        &lynx,
        &format!("/api/article/upload-file-articleSection/{}", id(&section)),
        form(vec![(jpeg_with_exif(10, 10), "principal.jpg")]),
    )
    .await;
    let principal = success(status, &answer, "file", "principal file");
    assert_eq!(answer["articleSection"]["principalFile"], principal);

    let (status, answer) = upload(
        &lynx,
        &format!("/api/article/upload-files-articleSection/{}", id(&section)),
        numbered(vec![(jpeg_with_exif(12, 12), "a.jpg"), (jpeg_with_exif(14, 14), "b.jpg")]),
    )
    .await;
    let files = success(status, &answer, "files", "several files");
    assert_eq!(files.as_array().map(Vec::len), Some(2));
    assert_eq!(answer["articleSection"]["files"].as_array().map(Vec::len), Some(2));
    let page = answer_article(&lynx, &id(&article)).await;
    assert_eq!(page["sections"][0]["files"].as_array().map(Vec::len), Some(2), "{page}");
    assert_eq!(page["coverImg"][0]["_id"], cover["_id"]);
}
