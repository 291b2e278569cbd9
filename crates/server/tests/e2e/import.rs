//! `folio import lynx`: a portfolio database in the Node service's shape
//! (`tests/fixtures/lynx-portfolio.json`, see PROVENANCE.md there) imported into Folio on
//! SQLite and on MongoDB, run twice, and then served by the API; and the sources it refuses.

use std::path::Path;
use std::time::Duration;

use folio_domain::legacy::lynx::ARTICLE_URLTITLES;
use folio_domain::legacy::LegacyIds;
use folio_storage_mongo::testing::TestDatabase;
use folio_storage_mongo::MongoLegacyIdRepository;
use folio_storage_sql::{PoolOptions, SqlLegacyIdRepository};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId, Bson, Document};
use serde_json::{json, Value};

use crate::support::{folio, TestApp};

const FIXTURE: &str = include_str!("../fixtures/lynx-portfolio.json");

/// The fixture's ids (24 hex digits) by their last four.
fn old(suffix: &str) -> String {
    format!("60000000000000000000{suffix}")
}

/// MongoDB extended JSON (`$oid`, `$date`) as BSON; integers that fit are Int32, as the
/// Node driver stores them.
fn bson(value: &Value) -> Bson {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$oid") => {
            Bson::ObjectId(ObjectId::parse_str(map["$oid"].as_str().expect("hex")).expect("an ObjectId"))
        }
        Value::Object(map) if map.len() == 1 && map.contains_key("$date") => Bson::DateTime(
            mongodb::bson::DateTime::parse_rfc3339_str(map["$date"].as_str().expect("a date")).expect("RFC 3339"),
        ),
        Value::Object(map) => Bson::Document(map.iter().map(|(k, v)| (k.clone(), bson(v))).collect()),
        Value::Array(items) => Bson::Array(items.iter().map(bson).collect()),
        Value::String(s) => Bson::String(s.clone()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i32::try_from(i).map_or(Bson::Int64(i), Bson::Int32),
            None => Bson::Double(n.as_f64().expect("a number")),
        },
        Value::Bool(b) => Bson::Boolean(*b),
        Value::Null => Bson::Null,
    }
}

/// A database of its own holding the fixture, as the Node service would have left it.
async fn portfolio_database() -> TestDatabase {
    let test = TestDatabase::empty().await;
    let fixture: serde_json::Map<String, Value> = serde_json::from_str(FIXTURE).expect("fixture");
    for (collection, documents) in fixture {
        let documents: Vec<Document> = documents
            .as_array()
            .expect("a list")
            .iter()
            .map(|d| match bson(d) {
                Bson::Document(d) => d,
                other => panic!("not a document: {other:?}"),
            })
            .collect();
        test.db().collection::<Document>(&collection).insert_many(documents).await.expect("write the fixture");
    }
    test
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

async fn import(app: &TestApp, args: &[&str]) -> Run {
    import_with_input(app, args, "").await
}

/// `folio import lynx ARGS…` with `input` on its standard input.
async fn import_with_input(app: &TestApp, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut all = vec!["import", "lynx"];
    all.extend_from_slice(args);
    let all: Vec<String> = all.into_iter().map(str::to_owned).collect();
    let (dir, env, input) = (app.data_dir.path().to_path_buf(), app.env.clone(), input.to_owned());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = folio(&dir)
            .envs(env)
            .args(&all)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run folio");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes());
        }
        child.wait_with_output().expect("folio output")
    })
    .await
    .expect("join");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code(),
    }
}

/// The summary lines of a first import of the fixture.
const FIRST_RUN: [&str; 14] = [
    "files → media: 12 read, 10 imported, 0 already imported, 2 skipped",
    "mains → profile: 1 read, 1 imported, 0 already imported, 0 skipped",
    "albums → albums: 4 read, 4 imported, 0 already imported, 0 skipped",
    "bookimgs → gallery-images: 2 read, 2 imported, 0 already imported, 0 skipped",
    "songs → songs: 1 read, 1 imported, 0 already imported, 0 skipped",
    "videos → videos: 1 read, 1 imported, 0 already imported, 0 skipped",
    "websites → websites: 2 read, 2 imported, 0 already imported, 0 skipped",
    "cvsections → cv-sections: 2 read, 2 imported, 0 already imported, 0 skipped",
    "cvsubsections → cv-subsections: 4 read, 3 imported, 0 already imported, 1 skipped",
    "articlecats → article-categories: 2 read, 2 imported, 0 already imported, 0 skipped",
    "articlesubcats → article-subcategories: 2 read, 1 imported, 0 already imported, 1 skipped",
    "articles → articles: 3 read, 3 imported, 0 already imported, 0 skipped",
    "articlesections → article-sections: 4 read, 3 imported, 0 already imported, 1 skipped",
    "total: 35 imported, 0 already imported, 5 skipped",
];

/// The same after a second run: everything is found imported; the same five are skipped.
const SECOND_RUN: [&str; 14] = [
    "files → media: 12 read, 0 imported, 10 already imported, 2 skipped",
    "mains → profile: 1 read, 0 imported, 1 already imported, 0 skipped",
    "albums → albums: 4 read, 0 imported, 4 already imported, 0 skipped",
    "bookimgs → gallery-images: 2 read, 0 imported, 2 already imported, 0 skipped",
    "songs → songs: 1 read, 0 imported, 1 already imported, 0 skipped",
    "videos → videos: 1 read, 0 imported, 1 already imported, 0 skipped",
    "websites → websites: 2 read, 0 imported, 2 already imported, 0 skipped",
    "cvsections → cv-sections: 2 read, 0 imported, 2 already imported, 0 skipped",
    "cvsubsections → cv-subsections: 4 read, 0 imported, 3 already imported, 1 skipped",
    "articlecats → article-categories: 2 read, 0 imported, 2 already imported, 0 skipped",
    "articlesubcats → article-subcategories: 2 read, 0 imported, 1 already imported, 1 skipped",
    "articles → articles: 3 read, 0 imported, 3 already imported, 0 skipped",
    "articlesections → article-sections: 4 read, 0 imported, 3 already imported, 1 skipped",
    "total: 0 imported, 35 already imported, 5 skipped",
];

fn assert_lines(run: &Run, expected: &[&str]) {
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    for line in expected {
        assert!(lines.contains(line), "missing `{line}` in:\n{}", run.stdout);
    }
}

/// The line of the summary about `old_id` that starts with `kind` (`skipped`, `note`) and
/// says `says`.
fn assert_said(run: &Run, kind: &str, old_id: &str, says: &str) {
    let prefix = format!("  {kind} {old_id}");
    assert!(
        run.stdout.lines().any(|l| l.starts_with(&prefix) && l.contains(says)),
        "no `{kind}` line for {old_id} saying `{says}` in:\n{}",
        run.stdout
    );
}

/// What the first run must say about the fixture's quirks.
fn assert_reasons(run: &Run) {
    assert_said(run, "skipped", &old("f011"), "no object key: s3Key, location and cdnUrl are all missing");
    assert_said(run, "skipped", &old("f012"), "is not one Folio serves");
    assert_said(run, "note", &old("f002"), "no size; recorded as 0");
    assert_said(run, "note", &old("f010"), "size \"12kb\" is not a number of bytes");
    assert_said(
        run,
        "note",
        &old("a001"),
        &format!("backgroundImg refers to {}, which is not in `files`", old("ffff")),
    );
    assert_said(run, "note", &old("b002"), "tidal \"www.tidal.com/album/1\" left out");
    assert_said(
        run,
        "note",
        &old("b003"),
        &format!("img refers to {}, which is not in `files`; left out", old("ffff")),
    );
    assert_said(
        run,
        "note",
        &old("b004"),
        &format!("img refers to {} in `files`, which was not imported", old("f011")),
    );
    assert_said(run, "note", &old("b102"), "img left out");
    assert_said(run, "note", &old("d001"), "bgColor \"red\" left out");
    assert_said(run, "note", &old("d102"), &format!("no CVSection; placed in {}", old("d001")));
    assert_said(
        run,
        "skipped",
        &old("d103"),
        &format!("CVSection refers to {}, which is not in `cvsections`", old("fffe")),
    );
    assert_said(run, "skipped", &old("e102"), "no cat, and no document in `articlecats` lists it");
    assert_said(run, "note", &old("e202"), "urltitle \"Mi Segundo Post\" is not a Folio address");
    assert_said(run, "note", &old("e203"), "the address `hola-mundo` is taken; the article is at `hola-mundo-2`");
    assert_said(
        run,
        "skipped",
        &old("e303"),
        &format!("article refers to {}, which is not in `articles`", old("fffc")),
    );
    assert!(run.stdout.contains("left out (Folio has no place for them): key, keyOld"), "{}", run.stdout);
    assert!(!run.stdout.contains("super-secret") && !run.stderr.contains("super-secret"), "the old keys never show");
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect("get");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("json")
}

fn es_titles(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|i| i["title"]["es"].as_str().unwrap_or_default().to_owned()).collect()
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// What the imported site looks like through the API; returns (albums, the first article).
async fn assert_served(app: &TestApp, editor: &reqwest::Client) -> (Value, Value) {
    let public = &app.client;
    let albums = get_json(public, app.url("/api/v1/albums")).await;
    assert_eq!(es_titles(&albums), ["Primero", "Segundo", "Tercero", "Cuarto"], "in `order`");
    assert_eq!(albums[0]["title"], json!({"es": "Primero"}));
    assert!(albums[0]["media"]["image"]["id"].is_string(), "{}", albums[0]);
    assert_eq!(albums[0]["media"]["image"]["size"], 48213, "size was the string \"48213\"");
    assert_eq!(albums[0].get("tidal"), None, "the link without a scheme was left out");
    assert_eq!(albums[1]["spotify"], "https://open.spotify.com/album/2");
    assert_eq!(albums[1]["media"]["image"]["content_type"], "image/jpeg", "the legacy file, by its location");
    assert_eq!(albums[2]["media"], json!({}), "a dangling image is left out");
    // Created when the source made them: the fixture's ObjectIds start 0x60000000.
    for album in albums.as_array().expect("albums") {
        assert_eq!(album["created_at"], "2021-01-14T08:25:36Z", "{album}");
        assert_ne!(album["updated_at"], album["created_at"], "updated by the import");
    }

    let gallery = get_json(public, app.url("/api/v1/gallery-images")).await;
    assert_eq!(gallery[0]["title"], json!({"es": "Página", "en": "Page"}));
    assert_eq!(gallery[1]["media"], json!({}), "an audio file does not go in an image slot");

    let songs = get_json(public, app.url("/api/v1/songs")).await;
    assert_eq!(songs[0]["duration"], "3:45");
    assert_eq!(songs[0]["media"]["audio"]["content_type"], "audio/mpeg");
    assert_eq!(songs[0]["media"]["cover"]["content_type"], "image/png");
    let videos = get_json(public, app.url("/api/v1/videos")).await;
    assert_eq!(videos[0]["embed"], "<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>");
    assert_eq!(videos[0]["media"]["video"]["duration_ms"], 12500);
    let websites = get_json(public, app.url("/api/v1/websites")).await;
    assert_eq!(websites[0]["type"], json!({"es": "Comercio", "en": "E-commerce"}));
    assert_eq!(websites[1]["description"], json!({}), "a missing required text is empty");

    let profile = get_json(public, app.url("/api/v1/profile")).await;
    assert_eq!(profile["welcome"], json!({"es": "Bienvenido a mi portafolio", "en": "Welcome to my portfolio"}));
    assert_eq!(profile["cv_description"], json!({"es": "Desarrollador web", "en": "Web developer"}));
    assert_eq!(profile["seo_tags"], json!(["lynx pardelle", "web developer", "web designer"]));
    assert!(profile["media"]["logo"]["id"].is_string(), "{profile}");
    assert!(!profile.to_string().contains("secret"), "{profile}");

    let sections = get_json(public, app.url("/api/v1/cv-sections")).await;
    assert_eq!(es_titles(&sections), ["Experiencia", "Educación"]);
    assert_eq!(sections[0]["title_color"], "#abc");
    assert_eq!(sections[0].get("background_color"), None);
    assert_eq!(sections[0]["insertions"], json!({"es": "2019\n2021"}));
    let (experience, education) = (id_of(&sections[0]), id_of(&sections[1]));
    let subsections = get_json(public, app.url("/api/v1/cv-subsections")).await;
    let placed: Vec<(String, String)> = subsections
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["parent_id"].as_str().unwrap_or_default().to_owned(),
                s["title"]["es"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            (experience.clone(), "Empresa B".to_owned()),
            (experience, "Empresa A".to_owned()),
            (education, "Universidad".to_owned())
        ],
        "by parent, then `order`"
    );
    assert_eq!(subsections[2]["text"], json!({"en": "University"}));

    let categories = get_json(public, app.url("/api/v1/article-categories")).await;
    assert_eq!(es_titles(&categories), ["Tecnología"], "the hidden one is hidden");

    let article = get_json(public, app.url("/api/v1/articles/hola-mundo")).await;
    assert_eq!(article["title"], json!({"es": "Hola mundo", "en": "Hello world"}));
    assert_eq!(article["intro"], json!({"es": "Introducción", "en": "Introduction"}));
    assert_eq!(article["published_at"], "2021-01-02T10:00:00Z", "create_at");
    assert_eq!(article["created_at"], "2021-01-14T08:25:36Z", "the ObjectId's time");
    assert_eq!(article["tags"], json!(["rust", "web"]));
    assert_eq!(article["category"]["title"]["en"], "Technology");
    assert_eq!(article["sub_categories"][0]["title"]["es"], "Rust");
    assert_eq!(es_titles(&article["sections"]), ["Uno", "Tres"], "in `order`, the hidden one left out");
    assert_eq!(article["sections"][0]["media"]["file"]["size"], 0, "\"12kb\" is no size");
    assert_eq!(article["sections"][0]["media"]["files"].as_array().map(Vec::len), Some(1));
    assert!(article["media"]["cover"]["id"].is_string(), "{article}");
    let all_sections = get_json(
        editor,
        app.url(&format!("/api/v1/article-sections?parent_id={}&include_hidden=true", id_of(&article))),
    )
    .await;
    assert_eq!(es_titles(&all_sections), ["Oculta", "Uno", "Tres"]);
    assert_eq!(all_sections[0]["visible"], false);

    assert_eq!(app.get("/api/v1/articles/mi-segundo-post").await.status(), 404, "hidden");
    let hidden = get_json(editor, app.url("/api/v1/articles/mi-segundo-post?include_hidden=true")).await;
    assert_eq!(hidden["visible"], false);
    let again = get_json(public, app.url("/api/v1/articles/hola-mundo-2")).await;
    assert_eq!(again["category_id"], Value::Null, "its category was missing");
    (albums, article)
}

/// How many items each list serves (to show a second run changed nothing).
async fn counts(app: &TestApp, editor: &reqwest::Client) -> Vec<usize> {
    let mut out = Vec::new();
    for path in [
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
    ] {
        let list = get_json(editor, app.url(&format!("/api/v1/{path}?include_hidden=true"))).await;
        out.push(list.as_array().expect("a list").len());
    }
    let articles = get_json(editor, app.url("/api/v1/articles?include_hidden=true")).await;
    out.push(articles["total"].as_u64().expect("total") as usize);
    let media = get_json(editor, app.url("/api/v1/media?per_page=100")).await;
    out.push(media["total"].as_u64().expect("total") as usize);
    out
}

/// Writes an object where the old bucket had it, as copying the bucket would.
fn put_object(objects: &Path, key: &str, bytes: &[u8]) {
    let path = objects.join(key);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

const COVER_KEY: &str = "uploads/albums/1610612736001_60000000000000000000f001_portada.png";

#[tokio::test]
async fn a_portfolio_database_imports_into_sqlite_once_and_is_served() {
    let source = portfolio_database().await;
    let app = TestApp::spawn_with(&[("FOLIO_COMPAT", "lynx")]).await;
    let (_, editor) = app.login_as("editor").await;

    let first = import(&app, &["--from", source.uri()]).await;
    assert_lines(&first, &FIRST_RUN);
    assert_reasons(&first);
    assert!(first.stdout.starts_with("importing the Lynx portfolio from mongodb://"), "{}", first.stdout);

    let (albums, article) = assert_served(&app, &editor).await;
    let before = counts(&app, &editor).await;
    assert_eq!(before, [4, 2, 1, 1, 2, 2, 3, 2, 1, 3, 3, 10]);

    let second = import(&app, &["--from", source.uri()]).await;
    assert_lines(&second, &SECOND_RUN);
    assert!(!second.stdout.contains("  note "), "nothing new to say: {}", second.stdout);
    assert_eq!(counts(&app, &editor).await, before, "a second run changes nothing");

    // The media record points at the old key: the bytes found there are served.
    put_object(&app.data_dir.path().join("objects"), COVER_KEY, b"the old cover's bytes");
    let cover = albums[0]["media"]["image"]["id"].as_str().expect("id");
    let served = app.get(&format!("/api/v1/files/{cover}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.expect("body").as_ref(), b"the old cover's bytes");

    // Old ids resolve: ObjectIds (in either case) and old article addresses.
    let url = format!("sqlite://{}/folio.db", app.data_dir.path().display());
    let db = folio_storage_sql::connect(&url, &PoolOptions::default()).await.expect("the SQLite file");
    let legacy = LegacyIds::new(std::sync::Arc::new(SqlLegacyIdRepository::new(db)));
    let resolve = |source: &'static str, raw: String| {
        let legacy = legacy.clone();
        async move { legacy.resolve_legacy_id(source, &raw).await.expect("resolve").map(|id| id.to_string()) }
    };
    assert_eq!(resolve("albums", old("B002").to_uppercase()).await.as_deref(), Some(id_of(&albums[0]).as_str()));
    assert_eq!(resolve("articles", old("e201")).await.as_deref(), Some(id_of(&article).as_str()));
    assert_eq!(resolve("files", old("f001")).await.as_deref(), Some(cover));
    let hidden = get_json(&editor, app.url("/api/v1/articles/mi-segundo-post?include_hidden=true")).await;
    assert_eq!(resolve(ARTICLE_URLTITLES, "Mi Segundo Post".into()).await, Some(id_of(&hidden)));
    assert_eq!(resolve(ARTICLE_URLTITLES, "hola-mundo".into()).await, Some(id_of(&article)), "the first keeps it");
    assert_eq!(resolve("albums", old("ffff")).await, None);

    // The compatibility routes take the old ids and addresses the old clients hold.
    let by_old_id = get_json(&app.client, app.url(&format!("/api/article/article/{}", old("e201")))).await;
    assert_eq!(by_old_id["article"]["_id"], json!(id_of(&article)), "{by_old_id}");
    let by_old_address = get_json(&app.client, app.url("/api/article/article/hola-mundo")).await;
    assert_eq!(by_old_address["article"]["_id"], json!(id_of(&article)));
    let file = get_json(&app.client, app.url(&format!("/api/main/file-info/{}", old("F001")))).await;
    assert_eq!(file["file"]["_id"], json!(cover), "{file}");
    let unknown = app.get(&format!("/api/article/article/{}", old("eeee"))).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_same_import_works_on_a_mongodb_backed_folio() {
    let source = portfolio_database().await;
    let target = TestDatabase::empty().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let migrate = folio(dir.path()).env("DATABASE_URL", target.uri()).args(["migrate", "up"]).output().expect("run");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let app = TestApp::spawn_with(&[("DATABASE_URL", target.uri())]).await;
    let (_, editor) = app.login_as("editor").await;

    let first = import(&app, &["--from", source.uri()]).await;
    assert_lines(&first, &FIRST_RUN);
    assert_reasons(&first);
    let (albums, article) = assert_served(&app, &editor).await;
    let before = counts(&app, &editor).await;
    // The URI on standard input, where `ps` does not show it.
    let second = import_with_input(&app, &["--from", "-"], &format!("{}\n", source.uri())).await;
    assert_lines(&second, &SECOND_RUN);
    assert_eq!(counts(&app, &editor).await, before, "a second run changes nothing");
    let empty = import_with_input(&app, &["--from", "-"], "").await;
    assert_eq!(empty.code, Some(1), "{}", empty.stderr);
    assert!(empty.stderr.contains("standard input"), "{}", empty.stderr);

    // Media records hold the old keys; old ids resolve.
    let media: Vec<Document> = target
        .db()
        .collection::<Document>("media")
        .find(doc! {})
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("media");
    let mut keys: Vec<&str> = media.iter().filter_map(|m| m.get_str("key").ok()).collect();
    keys.sort_unstable();
    assert_eq!(keys.len(), 10);
    assert!(keys.contains(&COVER_KEY), "{keys:?}");
    assert!(
        keys.contains(&"uploads/albums/1610612736002_60000000000000000000f002_disco.jpg"),
        "from location: {keys:?}"
    );
    let legacy = LegacyIds::new(std::sync::Arc::new(MongoLegacyIdRepository::new(target.db())));
    let album = legacy.resolve_legacy_id("albums", &old("b002")).await.expect("resolve").expect("imported");
    assert_eq!(album.to_string(), id_of(&albums[0]));
    let resolved = legacy.resolve_legacy_id("articles", &old("e201")).await.expect("resolve").expect("imported");
    assert_eq!(resolved.to_string(), id_of(&article));
}

#[tokio::test]
async fn a_source_that_cannot_be_read_fails_with_one_line_and_imports_nothing() {
    let app = TestApp::spawn_with(&[("MONGO_SERVER_SELECTION_TIMEOUT_MS", "300")]).await;

    let base = folio_storage_mongo::testing::test_uri();
    let unnamed = import(&app, &["--from", &base]).await;
    assert_eq!(unnamed.code, Some(1), "{}", unnamed.stderr);
    assert!(unnamed.stderr.contains("name the portfolio's database"), "{}", unnamed.stderr);

    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let started = std::time::Instant::now();
    let unreachable =
        import(&app, &["--from", &format!("mongodb://lynx:hunter2@127.0.0.1:{port}/portfolio?authSource=admin")]).await;
    assert_eq!(unreachable.code, Some(1), "{}", unreachable.stderr);
    assert!(unreachable.stderr.contains("did not answer after 3 attempts"), "{}", unreachable.stderr);
    assert!(!unreachable.stderr.contains("hunter2") && !unreachable.stdout.contains("hunter2"), "masked");
    assert!(started.elapsed() < Duration::from_secs(30), "gives up soon: {:?}", started.elapsed());

    let empty = TestDatabase::empty().await;
    empty.db().collection::<Document>("unrelated").insert_one(doc! { "x": 1 }).await.expect("insert");
    let wrong = import(&app, &["--from", empty.uri()]).await;
    assert_eq!(wrong.code, Some(1), "{}", wrong.stderr);
    assert!(wrong.stderr.contains("holds none of the portfolio's collections"), "{}", wrong.stderr);

    let source = portfolio_database().await;
    let elsewhere = source.uri().replace(&source.name, "nothing-here");
    let other_name = import(&app, &["--from", &elsewhere, "--database", &source.name]).await;
    assert_eq!(other_name.code, Some(0), "--database wins over the URI's: {}", other_name.stderr);
    let (_, editor) = app.login_as("editor").await;
    assert_eq!(counts(&app, &editor).await[0], 4, "only the readable source was imported");
}
