//! The simple collections end to end, generic over kinds: a table gives each kind a valid
//! body and bodies that must fail on a named field.

use serde_json::{json, Value};

use crate::media::{jpeg_with_exif, upload};
use crate::support::TestApp;

const KINDS: [&str; 10] = [
    "albums",
    "gallery-images",
    "songs",
    "videos",
    "websites",
    "cv-sections",
    "cv-subsections",
    "article-categories",
    "article-subcategories",
    "article-sections",
];

/// A valid create body for `kind`.
fn valid(kind: &str) -> Value {
    let title = json!({"es": "Título", "en": "Title"});
    match kind {
        "albums" => {
            json!({"title": title, "spotify": "https://open.spotify.com/album/1", "tidal": "https://tidal.com/album/2"})
        }
        "gallery-images" => json!({"title": title}),
        "songs" => json!({"title": title, "duration": "3:45", "link": "https://example.com/song"}),
        "videos" => {
            json!({"title": title, "link": "https://youtu.be/x", "embed": "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>"})
        }
        "websites" => {
            json!({"title": title, "type": {"en": "Shop"}, "description": {"en": "A shop", "es": "Una tienda"}, "link": "https://shop.example.com"})
        }
        "cv-sections" | "cv-subsections" => {
            json!({"title": title, "text": {"en": "Text"}, "title_color": "#abc", "background_color": "#A1B2C3", "insertions": {"es": "Más"}})
        }
        "article-categories" | "article-subcategories" => json!({"title": title, "button_color": "#123456"}),
        "article-sections" => json!({"title": title, "text": {"es": "Texto"}, "link_color": "#0af"}),
        _ => unreachable!("{kind}"),
    }
}

/// A valid create body for `kind`, with a freshly made parent for nested kinds.
async fn body_for(app: &TestApp, editor: &reqwest::Client, kind: &str) -> Value {
    let mut body = valid(kind);
    let parent = match kind {
        "cv-subsections" => Some(create(app, editor, "cv-sections", &valid("cv-sections")).await),
        "article-subcategories" => Some(create(app, editor, "article-categories", &valid("article-categories")).await),
        "article-sections" => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let article = json!({"title": {"en": "Host"}, "slug": format!("host-{nanos}")});
            Some(create(app, editor, "articles", &article).await)
        }
        _ => None,
    };
    if let Some(parent) = parent {
        body["parent_id"] = parent["id"].clone();
    }
    body
}

/// A patch for `kind` that changes a field, with the field and its new value.
fn patch(kind: &str) -> (Value, &'static str, Value) {
    match kind {
        "cv-sections" | "cv-subsections" => (json!({"text_color": "#fff"}), "text_color", json!("#fff")),
        "websites" => (json!({"type": {"es": "Tienda"}}), "type", json!({"es": "Tienda"})),
        _ => (json!({"title": {"en": "Renamed"}}), "title", json!({"en": "Renamed"})),
    }
}

/// Bodies that must be refused, with the field the error must name.
fn invalid(kind: &str, valid_body: &Value) -> Vec<(Value, &'static str)> {
    let with = |extra: Value| {
        let mut body = valid_body.clone();
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let mut cases = vec![
        (with(json!({"title": {"fr": "Titre"}})), "title.fr"),
        (with(json!({"colour": "red"})), "colour"),
        (with(json!({"title": "not localized"})), "title"),
    ];
    match kind {
        "albums" => {
            cases.push((with(json!({"spotify": "ftp://example.com/a"})), "spotify"));
            cases.push((with(json!({"tidal": "not a url"})), "tidal"));
        }
        "songs" => {
            cases.push((with(json!({"link": "javascript:alert(1)"})), "link"));
            cases.push((with(json!({"duration": "3:75"})), "duration"));
        }
        "videos" => cases.push((with(json!({"embed": "x".repeat(10 * 1024 + 1)})), "embed")),
        "websites" => cases.push((with(json!({"description": {"de": "Laden"}})), "description.de")),
        "article-sections" => cases.push((with(json!({"text": null})), "text")),
        "article-subcategories" => cases.push((with(json!({"parent_id": "12345"})), "parent_id")),
        "cv-subsections" => {
            let mut orphan = valid_body.clone();
            orphan.as_object_mut().expect("object").remove("parent_id");
            cases.push((orphan, "parent_id"));
        }
        "cv-sections" => {
            cases.push((with(json!({"title_color": "red"})), "title_color"));
            cases.push((with(json!({"link_color": "#abcd"})), "link_color"));
        }
        _ => {}
    }
    let mut missing_title = valid_body.clone();
    missing_title.as_object_mut().expect("object").remove("title");
    cases.push((missing_title, "title"));
    cases
}

async fn create(app: &TestApp, client: &reqwest::Client, kind: &str, body: &Value) -> Value {
    let response = client.post(app.url(&format!("/api/v1/{kind}"))).json(body).send().await.expect("post");
    assert_eq!(response.status(), 201, "{kind}: {}", response.text().await.unwrap_or_default());
    response.json().await.expect("json")
}

async fn list(app: &TestApp, client: &reqwest::Client, kind: &str, query: &str) -> Vec<Value> {
    let response = client.get(app.url(&format!("/api/v1/{kind}{query}"))).send().await.expect("get");
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    response.json().await.expect("json")
}

#[tokio::test]
async fn collections_support_create_read_update_and_delete_for_every_kind() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    for kind in KINDS {
        let body = body_for(&app, &editor, kind).await;
        let created = create(&app, &editor, kind, &body).await;
        let id = created["id"].as_str().expect("string id").to_owned();
        assert_eq!((created["position"].as_u64(), created["visible"].as_bool()), (Some(1), Some(true)), "{kind}");
        assert!(created["created_at"].is_string() && created["updated_at"].is_string());
        assert_eq!(created["media"], json!({}));
        assert_eq!(created["title"], json!({"es": "Título", "en": "Title"}), "{kind}: fields are flattened");

        let read: Value = app.get(&format!("/api/v1/{kind}/{id}")).await.json().await.expect("json");
        assert_eq!(read, created, "{kind}");
        let listed = list(&app, &app.client, kind, "").await;
        assert_eq!(listed, vec![created.clone()], "{kind}");

        let (patch_body, field, value) = patch(kind);
        let response =
            editor.patch(app.url(&format!("/api/v1/{kind}/{id}"))).json(&patch_body).send().await.expect("patch");
        assert_eq!(response.status(), 200, "{kind}: {}", response.text().await.unwrap_or_default());
        let updated: Value = response.json().await.expect("json");
        assert_eq!(updated[field], value, "{kind}");
        assert_eq!(updated["position"], 1);

        let response = editor.delete(app.url(&format!("/api/v1/{kind}/{id}"))).send().await.expect("delete");
        assert_eq!(response.status(), 204, "{kind}");
        assert_eq!(app.get(&format!("/api/v1/{kind}/{id}")).await.status(), 404, "{kind}");
        assert_eq!(editor.delete(app.url(&format!("/api/v1/{kind}/{id}"))).send().await.expect("delete").status(), 404);
    }
    // A patch may clear an optional field with null, but not a required one.
    let album = create(&app, &editor, "albums", &valid("albums")).await;
    let url = app.url(&format!("/api/v1/albums/{}", album["id"].as_str().expect("id")));
    let cleared: Value =
        editor.patch(&url).json(&json!({"tidal": null})).send().await.expect("patch").json().await.expect("json");
    assert!(cleared.get("tidal").is_none(), "{cleared}");
    assert_eq!(cleared["spotify"], "https://open.spotify.com/album/1");
    let response = editor.patch(&url).json(&json!({"title": null})).send().await.expect("patch");
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn invalid_fields_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    for kind in KINDS {
        let valid_body = body_for(&app, &editor, kind).await;
        for (body, field) in invalid(kind, &valid_body) {
            let response = editor.post(app.url(&format!("/api/v1/{kind}"))).json(&body).send().await.expect("post");
            assert_eq!(response.status(), 422, "{kind} {field}");
            let problem: Value = response.json().await.expect("json");
            assert_eq!(problem["errors"][0]["field"], field, "{kind}: {problem}");
        }
        // Patches are checked the same way.
        let created = create(&app, &editor, kind, &valid_body).await;
        let url = app.url(&format!("/api/v1/{kind}/{}", created["id"].as_str().expect("id")));
        let response = editor.patch(&url).json(&json!({"unknown": 1})).send().await.expect("patch");
        assert_eq!(response.status(), 422);
        let problem: Value = response.json().await.expect("json");
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some("unknown"), Some("unknown_field"))
        );
        let response = editor.patch(&url).json(&json!({"title": {"it": "Titolo"}})).send().await.expect("patch");
        let problem: Value = response.json().await.expect("json");
        assert_eq!(problem["errors"][0]["field"], "title.it", "{kind}");
    }
}

#[tokio::test]
async fn hidden_items_are_shown_only_to_signed_in_editors_who_ask() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let mut hidden_body = valid("songs");
    hidden_body["visible"] = json!(false);
    let shown = create(&app, &editor, "songs", &valid("songs")).await;
    let hidden = create(&app, &editor, "songs", &hidden_body).await;
    assert_eq!(hidden["visible"], false);
    let hidden_id = hidden["id"].as_str().expect("id");

    let public = list(&app, &app.client, "songs", "").await;
    assert_eq!(public.iter().map(|i| i["id"].clone()).collect::<Vec<_>>(), vec![shown["id"].clone()]);
    assert_eq!(app.get(&format!("/api/v1/songs/{hidden_id}")).await.status(), 404);
    assert_eq!(app.get("/api/v1/songs?include_hidden=true").await.status(), 401);
    assert_eq!(app.get(&format!("/api/v1/songs/{hidden_id}?include_hidden=true")).await.status(), 401);

    let all = list(&app, &editor, "songs", "?include_hidden=true").await;
    assert_eq!(all.len(), 2);
    let response = editor.get(app.url("/api/v1/songs?include_hidden=true")).send().await.expect("get");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let response =
        editor.get(app.url(&format!("/api/v1/songs/{hidden_id}?include_hidden=true"))).send().await.expect("get");
    assert_eq!(response.status(), 200);

    // Making it visible publishes it.
    let url = app.url(&format!("/api/v1/songs/{hidden_id}"));
    editor.patch(&url).json(&json!({"visible": true})).send().await.expect("patch");
    assert_eq!(list(&app, &app.client, "songs", "").await.len(), 2);
}

#[tokio::test]
async fn every_write_needs_a_signed_in_user_and_editors_may_write() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    for kind in KINDS {
        let created = create(&app, &editor, kind, &body_for(&app, &editor, kind).await).await;
        let id = created["id"].as_str().expect("id");
        let slot = match kind {
            "songs" => "audio",
            "videos" => "video",
            "websites" => "desktop",
            _ => "image",
        };
        let anonymous = &app.client;
        let requests = vec![
            anonymous.post(app.url(&format!("/api/v1/{kind}"))).json(&valid(kind)),
            anonymous.patch(app.url(&format!("/api/v1/{kind}/{id}"))).json(&json!({"title": {"en": "x"}})),
            anonymous.delete(app.url(&format!("/api/v1/{kind}/{id}"))),
            anonymous.post(app.url(&format!("/api/v1/{kind}/{id}/move"))).json(&json!({"position": 1})),
            anonymous.put(app.url(&format!("/api/v1/{kind}/{id}/media/{slot}"))).json(&json!({"media_id": "1"})),
            anonymous.delete(app.url(&format!("/api/v1/{kind}/{id}/media/{slot}"))),
        ];
        for request in requests {
            let response = request.send().await.expect("request");
            assert_eq!(response.status(), 401, "{kind} {}", response.url());
        }
        let moved = editor
            .post(app.url(&format!("/api/v1/{kind}/{id}/move")))
            .json(&json!({"position": 1}))
            .send()
            .await
            .expect("move");
        assert_eq!(moved.status(), 200, "{kind}");
        assert_eq!(app.get(&format!("/api/v1/{kind}/{id}")).await.status(), 200, "{kind}: nothing was deleted");
    }
    // Admins may do everything editors may: create, change, move and delete.
    let (_, admin) = app.login_as("admin").await;
    for kind in KINDS {
        let created = create(&app, &admin, kind, &body_for(&app, &admin, kind).await).await;
        let url = app.url(&format!("/api/v1/{kind}/{}", created["id"].as_str().expect("id")));
        let patched = admin.patch(&url).json(&json!({"visible": false})).send().await.expect("patch");
        assert_eq!(patched.status(), 200, "{kind}");
        let moved = admin.post(format!("{url}/move")).json(&json!({"position": 1})).send().await.expect("move");
        assert_eq!(moved.status(), 200, "{kind}");
        assert_eq!(admin.delete(&url).send().await.expect("delete").status(), 204, "{kind}");
    }
}

#[tokio::test]
async fn public_reads_carry_an_etag_that_changes_with_every_write() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let created = create(&app, &editor, "albums", &valid("albums")).await;
    let id = created["id"].as_str().expect("id");
    for path in ["/api/v1/albums".to_owned(), format!("/api/v1/albums/{id}")] {
        let response = app.get(&path).await;
        assert_eq!(response.headers()["cache-control"], "public, max-age=60");
        let etag = response.headers()["etag"].to_str().expect("etag").to_owned();
        let again = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.expect("get");
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"], etag.as_str());

        let patch = json!({"title": {"en": format!("Renamed {path}")}});
        editor.patch(app.url(&format!("/api/v1/albums/{id}"))).json(&patch).send().await.expect("patch");
        let changed = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.expect("get");
        assert_eq!(changed.status(), 200, "{path}");
        assert_ne!(changed.headers()["etag"], etag.as_str());
    }
}

#[tokio::test]
async fn moving_the_last_item_first_renumbers_the_collection() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let body = json!({"title": {"en": format!("Image {i}")}});
        let created = create(&app, &editor, "gallery-images", &body).await;
        assert_eq!(created["position"], i + 1);
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let moved = editor
        .post(app.url(&format!("/api/v1/gallery-images/{}/move", ids[3])))
        .json(&json!({"position": 1}))
        .send()
        .await
        .expect("move");
    assert_eq!(moved.status(), 200);
    let listed = list(&app, &app.client, "gallery-images", "").await;
    let order: Vec<(&str, u64)> =
        listed.iter().map(|i| (i["id"].as_str().expect("id"), i["position"].as_u64().expect("pos"))).collect();
    assert_eq!(order, vec![(ids[3].as_str(), 1), (ids[0].as_str(), 2), (ids[1].as_str(), 3), (ids[2].as_str(), 4)]);

    for bad in [0, 5] {
        let response = editor
            .post(app.url(&format!("/api/v1/gallery-images/{}/move", ids[0])))
            .json(&json!({"position": bad}))
            .send()
            .await
            .expect("move");
        assert_eq!(response.status(), 422, "position {bad}");
        let problem: Value = response.json().await.expect("json");
        assert_eq!(problem["errors"][0]["field"], "position");
    }
    // Deleting closes the gap.
    editor.delete(app.url(&format!("/api/v1/gallery-images/{}", ids[0]))).send().await.expect("delete");
    let positions: Vec<u64> = list(&app, &app.client, "gallery-images", "")
        .await
        .iter()
        .map(|i| i["position"].as_u64().expect("pos"))
        .collect();
    assert_eq!(positions, vec![1, 2, 3]);
}

#[tokio::test]
async fn media_slots_take_media_of_their_category_and_can_be_cleared() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let image = upload(&app, &editor, "?category=image", jpeg_with_exif(64, 32), "cover.jpg", "image/jpeg").await;
    assert_eq!(image.status(), 201);
    let image: Value = image.json().await.expect("json");
    let image_id = image["id"].as_str().expect("id");
    let song = create(&app, &editor, "songs", &valid("songs")).await;
    let song_url = app.url(&format!("/api/v1/songs/{}", song["id"].as_str().expect("id")));

    let wrong =
        editor.put(format!("{song_url}/media/audio")).json(&json!({"media_id": image_id})).send().await.expect("put");
    assert_eq!(wrong.status(), 422);
    let problem: Value = wrong.json().await.expect("json");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("media_id"), Some("wrong_category"))
    );
    let unknown =
        editor.put(format!("{song_url}/media/cover")).json(&json!({"media_id": "12345"})).send().await.expect("put");
    assert_eq!(unknown.status(), 422);
    let no_slot =
        editor.put(format!("{song_url}/media/poster")).json(&json!({"media_id": image_id})).send().await.expect("put");
    assert_eq!(no_slot.status(), 404);

    let set =
        editor.put(format!("{song_url}/media/cover")).json(&json!({"media_id": image_id})).send().await.expect("put");
    assert_eq!(set.status(), 200, "{}", set.text().await.unwrap_or_default());
    let expected = json!({
        "id": image_id,
        "url": format!("/api/v1/files/{image_id}"),
        "content_type": "image/jpeg",
        "width": 64,
        "height": 32,
        "duration_ms": null,
        "size": image["size"],
    });
    let body: Value = set.json().await.expect("json");
    assert_eq!(body["media"]["cover"], expected);
    let public: Value = app.client.get(&song_url).send().await.expect("get").json().await.expect("json");
    assert_eq!(public["media"]["cover"], expected);

    let cleared = editor.delete(format!("{song_url}/media/cover")).send().await.expect("delete");
    assert_eq!(cleared.status(), 200);
    let body: Value = cleared.json().await.expect("json");
    assert_eq!(body["media"], json!({}));
}

#[tokio::test]
async fn replaced_or_cleared_media_is_deleted_once_nothing_holds_it() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let mut images = Vec::new();
    for name in ["a.jpg", "b.jpg"] {
        let response = upload(&app, &editor, "?category=image", jpeg_with_exif(40, 30), name, "image/jpeg").await;
        let body: Value = response.json().await.expect("json");
        images.push(body["id"].as_str().expect("id").to_owned());
    }
    let (a, b) = (&images[0], &images[1]);
    let album = create(&app, &editor, "albums", &valid("albums")).await;
    let gallery = create(&app, &editor, "gallery-images", &valid("gallery-images")).await;
    let album_url = app.url(&format!("/api/v1/albums/{}", album["id"].as_str().expect("id")));
    let gallery_url = app.url(&format!("/api/v1/gallery-images/{}", gallery["id"].as_str().expect("id")));
    let put = |url: String, media: &str| editor.put(url).json(&json!({"media_id": media})).send();
    let media_status = |id: &str| editor.get(app.url(&format!("/api/v1/media/{id}"))).send();

    // A is held by both items; replacing it in one keeps it.
    assert_eq!(put(format!("{album_url}/media/image"), a).await.expect("put").status(), 200);
    assert_eq!(put(format!("{gallery_url}/media/image"), a).await.expect("put").status(), 200);
    assert_eq!(put(format!("{album_url}/media/image"), b).await.expect("put").status(), 200);
    assert_eq!(media_status(a).await.expect("get").status(), 200, "still held by the gallery image");
    // Replaced in the last item that held it: deleted, file and all.
    assert_eq!(put(format!("{gallery_url}/media/image"), b).await.expect("put").status(), 200);
    assert_eq!(media_status(a).await.expect("get").status(), 404);
    assert_eq!(app.get(&format!("/api/v1/files/{a}")).await.status(), 404);
    // Cleared in one item, still held by the other; then deleting the other item frees it.
    assert_eq!(editor.delete(format!("{album_url}/media/image")).send().await.expect("delete").status(), 200);
    assert_eq!(media_status(b).await.expect("get").status(), 200);
    assert_eq!(editor.delete(&gallery_url).send().await.expect("delete").status(), 204);
    assert_eq!(media_status(b).await.expect("get").status(), 404);
}

#[tokio::test]
async fn items_move_before_or_after_another_within_their_parent() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let section = create(&app, &editor, "cv-sections", &valid("cv-sections")).await;
    let other = create(&app, &editor, "cv-sections", &valid("cv-sections")).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let mut body = valid("cv-subsections");
        body["parent_id"] = section["id"].clone();
        body["title"] = json!({"en": format!("Sub {i}")});
        ids.push(create(&app, &editor, "cv-subsections", &body).await["id"].as_str().expect("id").to_owned());
    }
    let mut elsewhere = valid("cv-subsections");
    elsewhere["parent_id"] = other["id"].clone();
    let stranger = create(&app, &editor, "cv-subsections", &elsewhere).await;
    let move_to =
        |id: &str, body: Value| editor.post(app.url(&format!("/api/v1/cv-subsections/{id}/move"))).json(&body).send();
    let order = || async {
        let query = format!("?parent_id={}", section["id"].as_str().expect("id"));
        let items = list(&app, &app.client, "cv-subsections", &query).await;
        items.iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(move_to(&ids[0], json!({"after": ids[2]})).await.expect("move").status(), 200);
    assert_eq!(order().await, vec![ids[1].clone(), ids[2].clone(), ids[0].clone(), ids[3].clone()]);
    assert_eq!(move_to(&ids[3], json!({"before": ids[1]})).await.expect("move").status(), 200);
    assert_eq!(order().await, vec![ids[3].clone(), ids[1].clone(), ids[2].clone(), ids[0].clone()]);
    for body in [
        json!({"after": stranger["id"]}),
        json!({"before": ids[0], "position": 1}),
        json!({}),
        json!({"after": "not-an-id"}),
    ] {
        let response = move_to(&ids[0], body.clone()).await.expect("move");
        assert_eq!(response.status(), 422, "{body}");
    }
}
