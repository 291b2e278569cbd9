//! The blog and the site profile end to end: articles with their categories, sections and
//! media; search, pages and sorting; cascades; and the profile singleton.

use serde_json::{json, Value};

use crate::media::{jpeg_with_exif, upload};
use crate::support::TestApp;

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: &Value) -> Value {
    let response = client.post(app.url(path)).json(body).send().await.expect("post");
    assert_eq!(response.status(), 201, "{path}: {}", response.text().await.unwrap_or_default());
    response.json().await.expect("json")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

fn first_error(problem: &Value) -> (String, String) {
    let error = &problem["errors"][0];
    (error["field"].as_str().unwrap_or_default().to_owned(), error["code"].as_str().unwrap_or_default().to_owned())
}

async fn image(app: &TestApp, editor: &reqwest::Client) -> String {
    let response = upload(app, editor, "?category=image", jpeg_with_exif(16, 8), "a.jpg", "image/jpeg").await;
    let body = json_of(response, 201).await;
    body["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn an_article_is_served_with_its_category_sections_and_media_in_one_response() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let category = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "Music"}})).await;
    let sub = post(
        &app,
        &editor,
        "/api/v1/article-subcategories",
        &json!({"title": {"en": "Jazz"}, "parent_id": category["id"]}),
    )
    .await;
    let article = post(
        &app,
        &editor,
        "/api/v1/articles",
        &json!({
            "title": {"es": "¡Hola, Mundo!", "en": "Hello, world"},
            "intro": {"en": "First"},
            "category_id": category["id"],
            "sub_category_ids": [sub["id"]],
            "tags": ["Rust", "rust", "web"],
        }),
    )
    .await;
    assert_eq!(article["slug"], "hola-mundo", "made from the default language's title");
    assert_eq!(article["tags"], json!(["Rust", "web"]));
    assert_eq!(article["languages"], json!(["es", "en"]));
    let id = article["id"].as_str().expect("id").to_owned();

    let cover = image(&app, &editor).await;
    let response =
        editor.put(app.url(&format!("/api/v1/articles/{id}/media/cover"))).json(&json!({"media_id": cover})).send();
    json_of(response.await.expect("put"), 200).await;
    let first = post(
        &app,
        &editor,
        "/api/v1/article-sections",
        &json!({"parent_id": id, "title": {"en": "One"}, "text": {"en": "1"}}),
    )
    .await;
    let hidden = post(
        &app,
        &editor,
        "/api/v1/article-sections",
        &json!({"parent_id": id, "title": {"en": "Two"}, "text": {"en": "2"}, "visible": false}),
    )
    .await;
    let (a, b) = (image(&app, &editor).await, image(&app, &editor).await);
    let section_url = app.url(&format!("/api/v1/article-sections/{}", first["id"].as_str().expect("id")));
    for media in [&a, &b] {
        let response = editor.put(format!("{section_url}/media/files")).json(&json!({"media_id": media})).send();
        json_of(response.await.expect("put"), 200).await;
    }
    let response = editor.delete(format!("{section_url}/media/files/{a}")).send().await.expect("delete");
    let section = json_of(response, 200).await;
    assert_eq!(section["media"]["files"].as_array().map(Vec::len), Some(1), "one of the list slot's files removed");
    assert_eq!(section["media"]["files"][0]["id"], json!(b));

    for key in ["hola-mundo", id.as_str()] {
        let detail = json_of(app.get(&format!("/api/v1/articles/{key}")).await, 200).await;
        assert_eq!(detail["id"], json!(id));
        assert_eq!(detail["category"]["id"], category["id"]);
        assert_eq!(detail["sub_categories"][0]["id"], sub["id"]);
        assert_eq!(detail["sections"].as_array().map(Vec::len), Some(1), "the public sees visible sections");
        assert_eq!(detail["sections"][0]["media"]["files"][0]["content_type"], "image/jpeg");
        assert_eq!(detail["media"]["cover"]["id"], json!(cover));
        assert_eq!(detail["media"]["cover"]["width"], 16);
    }
    let all = editor.get(app.url(&format!("/api/v1/articles/{id}?include_hidden=true"))).send();
    let all = json_of(all.await.expect("get"), 200).await;
    let titles: Vec<&Value> = all["sections"].as_array().expect("sections").iter().map(|s| &s["title"]).collect();
    assert_eq!(titles, vec![&json!({"en": "One"}), &json!({"en": "Two"})]);
    assert_eq!(json_of(app.get("/api/v1/articles/no-such-post").await, 404).await["status"], 404);

    // A visible section is public while its article is, and not found once the article is hidden.
    let first_path = format!("/api/v1/article-sections/{}", first["id"].as_str().expect("id"));
    assert_eq!(app.get(&first_path).await.status(), 200);
    let hide = editor.patch(app.url(&format!("/api/v1/articles/{id}"))).json(&json!({"visible": false})).send();
    json_of(hide.await.expect("patch"), 200).await;
    assert_eq!(app.get(&first_path).await.status(), 404, "its article is hidden");
    let show = editor.patch(app.url(&format!("/api/v1/articles/{id}"))).json(&json!({"visible": true})).send();
    json_of(show.await.expect("patch"), 200).await;
    assert_eq!(app.get(&first_path).await.status(), 200);

    // Deleting the article deletes its sections and the media only they held.
    let response = editor.delete(app.url(&format!("/api/v1/articles/{id}"))).send().await.expect("delete");
    assert_eq!(response.status(), 204);
    let hidden_url = format!("/api/v1/article-sections/{}?include_hidden=true", hidden["id"].as_str().expect("id"));
    assert_eq!(editor.get(app.url(&hidden_url)).send().await.expect("get").status(), 404);
    for media in [&cover, &b] {
        let response = editor.get(app.url(&format!("/api/v1/media/{media}"))).send().await.expect("get");
        assert_eq!(response.status(), 404, "unreferenced media is deleted");
    }
}

#[tokio::test]
async fn article_bodies_are_validated_field_by_field_and_slugs_are_unique() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let category = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "A"}})).await;
    let other = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "B"}})).await;
    let foreign_sub =
        post(&app, &editor, "/api/v1/article-subcategories", &json!({"title": {"en": "B1"}, "parent_id": other["id"]}))
            .await;
    let title = json!({"en": "Post"});
    let cases = [
        (json!({"title": title, "slug": "Bad Slug"}), "slug", "invalid"),
        (json!({"title": title, "slug": "2025"}), "slug", "invalid"),
        (json!({"title": title, "password": "x"}), "password", "unknown_field"),
        (json!({"intro": {"en": "no title"}}), "title", "required"),
        (json!({"title": {"de": "Post"}}), "title.de", "unsupported_language"),
        (json!({"title": title, "title_color": "blue"}), "title_color", "invalid"),
        (json!({"title": title, "category_id": "12345"}), "category_id", "not_found"),
        (
            json!({"title": title, "category_id": category["id"], "sub_category_ids": [foreign_sub["id"]]}),
            "sub_category_ids[0]",
            "wrong_category",
        ),
        (json!({"title": title, "published_at": "yesterday"}), "published_at", "invalid"),
        (json!({"title": title, "languages": ["es", "xx"]}), "languages[1]", "unsupported_language"),
    ];
    for (body, field, code) in cases {
        let response = editor.post(app.url("/api/v1/articles")).json(&body).send().await.expect("post");
        let problem = json_of(response, 422).await;
        assert_eq!(first_error(&problem), (field.to_owned(), code.to_owned()), "{body}");
    }
    post(&app, &editor, "/api/v1/articles", &json!({"title": title, "slug": "taken"})).await;
    let response = editor.post(app.url("/api/v1/articles")).json(&json!({"title": title, "slug": "taken"})).send();
    let problem = json_of(response.await.expect("post"), 409).await;
    assert_eq!(problem["code"], "conflict");
    let second = post(&app, &editor, "/api/v1/articles", &json!({"title": title, "slug": "free"})).await;
    let url = app.url(&format!("/api/v1/articles/{}", second["id"].as_str().expect("id")));
    let response = editor.patch(&url).json(&json!({"slug": "taken"})).send().await.expect("patch");
    json_of(response, 409).await;
    let response = editor.patch(&url).json(&json!({"title": {"en": "Renamed"}, "visible": false})).send();
    let patched = json_of(response.await.expect("patch"), 200).await;
    assert_eq!((patched["slug"].as_str(), patched["visible"].as_bool()), (Some("free"), Some(false)));
    assert_eq!(app.get("/api/v1/articles/free").await.status(), 404, "hidden from the public");
}

#[tokio::test]
async fn article_lists_page_search_filter_and_sort() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let category = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "C"}})).await;
    let titles = ["Regex .*( literal", "Percent 100%", "Under_score", "Plain one", "Plain two"];
    for (i, title) in titles.iter().enumerate() {
        let mut body = json!({
            "title": {"en": title},
            "published_at": format!("2025-01-0{}T00:00:00Z", i + 1),
            "tags": if i == 1 { json!(["Rust"]) } else { json!([]) },
        });
        if i % 2 == 0 {
            body["category_id"] = category["id"].clone();
        }
        if i == 4 {
            body["visible"] = json!(false);
        }
        post(&app, &editor, "/api/v1/articles", &body).await;
    }
    let list = |query: &str| {
        let url = app.url(&format!("/api/v1/articles{query}"));
        let client = app.client.clone();
        async move { json_of(client.get(url).send().await.expect("get"), 200).await }
    };
    let titles_of = |page: &Value| {
        page["items"].as_array().expect("items").iter().map(|a| a["title"]["en"].clone()).collect::<Vec<_>>()
    };

    let all = list("").await;
    assert_eq!((all["total"].as_u64(), all["pages"].as_u64()), (Some(4), Some(1)), "hidden ones are left out");
    assert_eq!(titles_of(&all)[0], "Plain one", "newest first");
    let last = list("?per_page=3&page=2&sort=published_at").await;
    assert_eq!((last["total"].as_u64(), last["pages"].as_u64(), last["page"].as_u64()), (Some(4), Some(2), Some(2)));
    assert_eq!(titles_of(&last), vec![json!("Plain one")], "the last page holds the rest");
    let past_end = list("?per_page=3&page=3").await;
    assert_eq!(past_end["items"], json!([]));
    assert_eq!(titles_of(&list("?q=.*(").await), vec![json!("Regex .*( literal")], "metacharacters are plain text");
    assert_eq!(titles_of(&list("?q=100%25").await), vec![json!("Percent 100%")]);
    assert_eq!(list("?q=p_ain").await["total"], 0, "`_` is not a wildcard");
    assert_eq!(titles_of(&list("?q=UNDER").await), vec![json!("Under_score")], "case-insensitive");
    assert_eq!(titles_of(&list("?tag=rust").await), vec![json!("Percent 100%")]);
    assert_eq!(list(&format!("?category={}", category["id"].as_str().expect("id"))).await["total"], 2);
    assert_eq!(list("?lang=en").await["total"], 4);
    assert_eq!(list("?lang=es").await["total"], 0);
    let by_title = list("?sort=title").await;
    assert_eq!(titles_of(&by_title)[0], "Percent 100%");

    for (query, field) in [
        ("?per_page=101", "per_page"),
        ("?page=0", "page"),
        ("?sort=password", "sort"),
        ("?category=abc", "category"),
        ("?colour=red", "colour"),
    ] {
        let problem = json_of(app.get(&format!("/api/v1/articles{query}")).await, 422).await;
        assert_eq!(first_error(&problem).0, field, "{query}");
    }
    assert_eq!(app.get("/api/v1/articles?include_hidden=true").await.status(), 401);
    let hidden = json_of(editor.get(app.url("/api/v1/articles?include_hidden=true")).send().await.expect("get"), 200);
    assert_eq!(hidden.await["total"], 5);
}

#[tokio::test]
async fn deleting_a_category_detaches_articles_and_deletes_sub_categories() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let category = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "C"}})).await;
    let sub = post(
        &app,
        &editor,
        "/api/v1/article-subcategories",
        &json!({"title": {"en": "S"}, "parent_id": category["id"]}),
    )
    .await;
    let article = post(
        &app,
        &editor,
        "/api/v1/articles",
        &json!({"title": {"en": "T"}, "category_id": category["id"], "sub_category_ids": [sub["id"]]}),
    )
    .await;
    let url = app.url(&format!("/api/v1/article-categories/{}", category["id"].as_str().expect("id")));
    assert_eq!(editor.delete(&url).send().await.expect("delete").status(), 204);
    let read = json_of(app.get(&format!("/api/v1/articles/{}", article["slug"].as_str().expect("slug"))).await, 200);
    let read = read.await;
    assert_eq!((read["category_id"].clone(), read["sub_category_ids"].clone()), (Value::Null, json!([])));
    let sub_url = format!("/api/v1/article-subcategories/{}", sub["id"].as_str().expect("id"));
    assert_eq!(app.get(&sub_url).await.status(), 404);
}

#[tokio::test]
async fn every_blog_and_profile_write_needs_a_signed_in_editor() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let article = post(&app, &editor, "/api/v1/articles", &json!({"title": {"en": "T"}})).await;
    let id = article["id"].as_str().expect("id");
    let anonymous = &app.client;
    let requests = vec![
        anonymous.post(app.url("/api/v1/articles")).json(&json!({"title": {"en": "x"}})),
        anonymous.patch(app.url(&format!("/api/v1/articles/{id}"))).json(&json!({"visible": false})),
        anonymous.delete(app.url(&format!("/api/v1/articles/{id}"))),
        anonymous.put(app.url(&format!("/api/v1/articles/{id}/media/cover"))).json(&json!({"media_id": "1"})),
        anonymous.delete(app.url(&format!("/api/v1/articles/{id}/media/cover"))),
        anonymous.put(app.url("/api/v1/profile")).json(&json!({})),
        anonymous.patch(app.url("/api/v1/profile")).json(&json!({})),
        anonymous.put(app.url("/api/v1/profile/media/logo")).json(&json!({"media_id": "1"})),
        anonymous.delete(app.url("/api/v1/profile/media/logo")),
    ];
    for request in requests {
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 401, "{}", response.url());
    }
    assert_eq!(app.get(&format!("/api/v1/articles/{id}")).await.status(), 200, "nothing was changed");
    // A banned editor's session no longer writes.
    let (credentials, banned) = app.login_as("editor").await;
    let admin = app.login_as("admin").await.1;
    let response = admin
        .patch(app.url(&format!("/api/v1/users/{}", credentials.id)))
        .json(&json!({"status": "banned"}))
        .send()
        .await
        .expect("ban");
    assert_eq!(response.status(), 200);
    let response = banned.delete(app.url(&format!("/api/v1/articles/{id}"))).send().await.expect("delete");
    assert!(matches!(response.status().as_u16(), 401 | 403), "{}", response.status());
    // Admins write like editors.
    let response = admin.put(app.url("/api/v1/profile")).json(&json!({"welcome": {"en": "Hi"}})).send().await;
    assert_eq!(response.expect("put").status(), 200);
    let response = admin.patch(app.url(&format!("/api/v1/articles/{id}"))).json(&json!({"visible": false})).send();
    assert_eq!(response.await.expect("patch").status(), 200);
    let response = admin.delete(app.url(&format!("/api/v1/articles/{id}"))).send().await.expect("delete");
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn public_blog_and_profile_reads_carry_etags_that_writes_change() {
    let app = TestApp::spawn_with(&[("HTTP_CACHE_MAX_AGE", "30")]).await;
    let (_, editor) = app.login_as("editor").await;
    let article = post(&app, &editor, "/api/v1/articles", &json!({"title": {"en": "T"}, "slug": "t"})).await;
    let article_url = app.url(&format!("/api/v1/articles/{}", article["id"].as_str().expect("id")));
    for path in ["/api/v1/articles", "/api/v1/articles/t", "/api/v1/profile"] {
        let first = app.get(path).await;
        assert_eq!(first.headers()["cache-control"], "public, max-age=30", "{path}");
        let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
        let again = app.client.get(app.url(path)).header("if-none-match", &etag).send().await.expect("get");
        assert_eq!(again.status(), 304, "{path}");
        let response = editor.patch(app.url("/api/v1/profile")).json(&json!({"welcome": {"en": path}})).send();
        json_of(response.await.expect("patch"), 200).await;
        let response = editor.patch(&article_url).json(&json!({"intro": {"en": path}})).send();
        json_of(response.await.expect("patch"), 200).await;
        let after = app.client.get(app.url(path)).header("if-none-match", &etag).send().await.expect("get");
        assert_eq!(after.status(), 200, "{path}: a write changes the ETag");
    }
}

#[tokio::test]
async fn the_profile_is_one_document_with_texts_and_images_and_no_credentials() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let empty = json_of(app.get("/api/v1/profile").await, 200).await;
    assert_eq!(empty, json!({"updated_at": null, "media": {}}));
    let body = json!({
        "welcome": {"es": "Hola", "en": "Hello"},
        "cv_description": {"en": "About me"},
        "cv_description_extra": {"en": "More"},
        "error_message": {"en": "Oops"},
        "seo_tags": ["music", "Music", "design"],
    });
    let response = editor.put(app.url("/api/v1/profile")).json(&body).send().await.expect("put");
    let profile = json_of(response, 200).await;
    assert_eq!(profile["seo_tags"], json!(["music", "design"]));
    let logo = image(&app, &editor).await;
    let response = editor.put(app.url("/api/v1/profile/media/logo")).json(&json!({"media_id": logo})).send();
    json_of(response.await.expect("put"), 200).await;
    // PUT replaces the texts (left out means cleared) but keeps the images.
    let response = editor.put(app.url("/api/v1/profile")).json(&json!({"welcome": {"en": "Hi"}})).send();
    let profile = json_of(response.await.expect("put"), 200).await;
    assert_eq!(profile["welcome"], json!({"en": "Hi"}));
    assert!(profile.get("cv_description").is_none());
    assert_eq!(profile["media"]["logo"]["id"], json!(logo));
    let public = json_of(app.get("/api/v1/profile").await, 200).await;
    assert_eq!(public, profile);
    for (body, field) in [
        (json!({"password": "x"}), "password"),
        (json!({"welcome": {"xx": "?"}}), "welcome.xx"),
        (json!({"seo_tags": "music"}), "seo_tags"),
    ] {
        let response = editor.patch(app.url("/api/v1/profile")).json(&body).send().await.expect("patch");
        assert_eq!(first_error(&json_of(response, 422).await).0, field);
    }
    let response = editor.put(app.url("/api/v1/profile/media/nope")).json(&json!({"media_id": logo})).send();
    assert_eq!(response.await.expect("put").status(), 404);
    let text = app.get("/api/v1/profile").await.text().await.expect("text");
    for secret in ["password", "hash", "token", "secret"] {
        assert!(!text.contains(secret), "the profile never carries {secret}");
    }
}
