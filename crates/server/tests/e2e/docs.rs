//! The OpenAPI document the server serves is valid OpenAPI (checked by an independent
//! validator) and documents every route (see `folio_api::served_routes`).

use crate::support::TestApp;

#[tokio::test]
async fn the_served_openapi_document_passes_an_openapi_validator() {
    let Some(validator) = std::env::var_os("FOLIO_TEST_OPENAPI_VALIDATOR") else {
        assert!(std::env::var_os("CI").is_none(), "CI must set FOLIO_TEST_OPENAPI_VALIDATOR (scripts/test does)");
        eprintln!("skipped: FOLIO_TEST_OPENAPI_VALIDATOR is unset (scripts/test sets it)");
        return;
    };
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    for (method, path) in folio_api::served_routes() {
        assert!(doc["paths"][&path][method].is_object(), "{method} {path} is documented");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, text).expect("write");
    let output = std::process::Command::new(validator).arg(&file).output().expect("run the validator");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("text").contains("openapi.json"));
}
