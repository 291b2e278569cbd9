use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::sources::Source;
use super::*;

fn layers_with(env: &[(&str, &str)], config_dir: &Path, dotenv: Option<PathBuf>) -> Layers {
    let inputs = LayerInputs {
        config_dir: config_dir.to_path_buf(),
        dotenv,
        environment: env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    Layers::load(&inputs).expect("layers")
}

/// Settings from the built-in files plus `env` (no config dir, no .env).
fn settings(env: &[(&str, &str)]) -> Result<Settings, Vec<String>> {
    let layers = layers_with(env, Path::new("/nonexistent/folio-config"), None);
    Settings::from_layers(&layers).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

fn error_for(env: &[(&str, &str)]) -> String {
    let errors = settings(env).expect_err("should be invalid");
    assert_eq!(errors.len(), 1, "one line per bad value: {errors:?}");
    errors[0].clone()
}

#[test]
fn defaults_run_the_embedded_default() {
    let s = settings(&[]).expect("defaults are valid");
    assert_eq!(s.env, AppEnv::Development);
    assert_eq!(s.http.host.to_string(), "127.0.0.1");
    assert_eq!(s.http.port, 3000);
    assert!(matches!(s.database.kind, DatabaseKind::Sqlite));
    assert_eq!(s.database.url.expose_secret(), "sqlite://./data/folio.db?mode=rwc");
    assert_eq!(s.log.filter, "info");
    assert_eq!(s.log.format, LogFormat::Pretty);
    assert_eq!(s.ids.epoch, folio_id::Epoch::DEFAULT);
    assert_eq!(s.throttle.default_limit, 60);
    assert_eq!(s.throttle.short_window, Duration::from_secs(10));
    assert!(s.secrets.cookie_secret.is_none());
}

#[test]
fn production_switches_to_json_logs_on_all_interfaces() {
    let key = folio_crypto::ecies::KeyPair::generate().secret.to_hex();
    let s = settings(&[
        ("APP_ENV", "production"),
        ("COOKIE_SECRET", "0123456789abcdef0123456789abcdef"),
        ("ECIES_PRIVATE_KEY", &key),
    ])
    .expect("valid");
    assert_eq!(s.env, AppEnv::Production);
    assert_eq!(s.log.format, LogFormat::Json);
    assert_eq!(s.http.host.to_string(), "0.0.0.0");
}

#[test]
fn production_requires_its_secrets() {
    let errors = settings(&[("APP_ENV", "production")]).expect_err("invalid");
    assert_eq!(errors.len(), 2);
    assert!(errors[0]
        .starts_with("invalid configuration: COOKIE_SECRET is not set: expected a value when APP_ENV=production"));
    assert!(errors[1].starts_with("invalid configuration: ECIES_PRIVATE_KEY is not set"));
}

#[test]
fn later_layers_win_file_then_env_file_then_dotenv_then_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("default.toml"),
        "[app]\nport = 1001\nhost = \"10.0.0.1\"\n[log]\nlevel = \"warn\"\n[http]\nworkers = 3\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("staging.toml"), "[app]\nport = 1002\n[log]\nlevel = \"debug\"\n").expect("write");
    let dotenv = dir.path().join(".env");
    std::fs::write(&dotenv, "APP_PORT=1003\nLOG_LEVEL=error\n").expect("write");

    let layers = layers_with(&[("APP_ENV", "staging"), ("APP_PORT", "1004")], dir.path(), Some(dotenv.clone()));
    // APP_ENV=staging is not a known environment: the error proves the file was still read.
    let errors = Settings::from_layers(&layers).expect_err("staging is not an environment");
    assert!(errors[0].to_string().starts_with("invalid configuration: APP_ENV=\"staging\""));

    let layers = layers_with(&[("APP_ENV", "test"), ("APP_PORT", "1004")], dir.path(), Some(dotenv));
    let s = Settings::from_layers(&layers).expect("valid");
    assert_eq!(s.http.port, 1004, "environment beats .env");
    assert_eq!(s.log.filter, "error", ".env beats config files");
    assert_eq!(s.http.host.to_string(), "10.0.0.1", "config dir default.toml replaces the built-in one");
    assert_eq!(s.http.workers, Some(3));
    assert_eq!(s.http.shutdown_grace, Duration::from_secs(10), "the built-in test.toml applies when the dir has none");
    assert_eq!(layers.get("APP_PORT").map(|v| v.source.clone()), Some(Source::Environment));
}

#[test]
fn every_seed_variable_name_is_read() {
    let secret = "0123456789abcdef0123456789abcdef-cookie";
    let keypair = folio_crypto::ecies::KeyPair::generate();
    let private_hex = keypair.secret.to_hex();
    let public_hex = keypair.public.to_hex_compressed();
    let s = settings(&[
        ("APP_HOST", "0.0.0.0"),
        ("APP_PORT", "8081"),
        ("LOG_LEVEL", "debug"),
        ("COOKIE_SECRET", secret),
        ("POSTGRE_HOST", "db.internal"),
        ("POSTGRE_PORT", "6543"),
        ("POSTGRE_USER", "folio"),
        ("POSTGRE_PASSWORD", "p@ss:word"),
        ("POSTGRE_NAME", "portfolio"),
        ("ECIES_PRIVATE_KEY", &private_hex),
        ("ECIES_PUBLIC_KEY", &public_hex),
        ("SNOWFLAKE_EPOCH", "1700000000000"),
        ("THROTTLE_TTL", "30000"),
        ("THROTTLE_LIMIT", "100"),
        ("SHORT_THROTTLE_TTL", "1000"),
        ("SHORT_THROTTLE_LIMIT", "5"),
    ])
    .expect("valid");
    assert_eq!(s.http.host.to_string(), "0.0.0.0");
    assert_eq!(s.http.port, 8081);
    assert_eq!(s.log.filter, "debug");
    assert_eq!(s.secrets.cookie_secret.as_ref().map(|c| c.expose_secret().to_owned()), Some(secret.to_owned()));
    assert!(matches!(s.database.kind, DatabaseKind::Postgres));
    assert_eq!(s.database.url.expose_secret(), "postgres://folio:p%40ss%3Aword@db.internal:6543/portfolio");
    assert_eq!(s.secrets.ecies_private_key.as_ref().map(|k| k.to_hex()), Some(private_hex));
    assert_eq!(s.ids.epoch, folio_id::Epoch::from_unix_ms(1_700_000_000_000));
    assert_eq!(s.throttle.default_window, Duration::from_secs(30));
    assert_eq!(s.throttle.default_limit, 100);
    assert_eq!(s.throttle.short_window, Duration::from_secs(1));
    assert_eq!(s.throttle.short_limit, 5);
}

#[test]
fn database_url_wins_and_is_classified() {
    let s = settings(&[("DATABASE_URL", "postgres://u@h/db"), ("MONGO_URI", "mongodb://m/x")]).expect("valid");
    assert!(matches!(s.database.kind, DatabaseKind::Postgres));
    let s = settings(&[("MONGO_URI", "mongodb://m:27017/x")]).expect("valid");
    assert!(matches!(s.database.kind, DatabaseKind::Mongo));
    let s = settings(&[("DATABASE_URL", "sqlite:/tmp/x.db")]).expect("valid");
    assert_eq!(s.database.url.expose_secret(), "sqlite:/tmp/x.db?mode=rwc");
}

#[test]
fn mongo_settings_have_the_node_services_defaults_and_names() {
    let s = settings(&[("MONGO_URI", "mongodb://m:27017/x")]).expect("valid");
    let mongo = &s.database.mongo;
    assert_eq!(mongo.auth_source, "admin");
    assert_eq!(mongo.max_retries, 10);
    assert_eq!(mongo.retry_delay, Duration::from_millis(3000));
    assert_eq!(mongo.server_selection_timeout, Duration::from_millis(5000));
    let s = settings(&[
        ("MONGO_URI", "mongodb://m:27017/x"),
        ("MONGO_AUTH_SOURCE", "users"),
        ("MONGO_MAX_RETRIES", "2"),
        ("MONGO_RETRY_DELAY_MS", "50"),
        ("MONGO_SERVER_SELECTION_TIMEOUT_MS", "700"),
        ("DATABASE_MAX_CONNECTIONS", "4"),
    ])
    .expect("valid");
    let mongo = &s.database.mongo;
    assert_eq!(
        (mongo.auth_source.as_str(), mongo.max_retries, mongo.retry_delay, mongo.server_selection_timeout),
        ("users", 2, Duration::from_millis(50), Duration::from_millis(700))
    );
    assert_eq!(s.database.max_connections, 4);
}

#[test]
fn rust_log_directives_override_log_level() {
    let s = settings(&[("LOG_LEVEL", "warn"), ("RUST_LOG", "info,folio_api=debug")]).expect("valid");
    assert_eq!(s.log.filter, "info,folio_api=debug");
}

#[test]
fn a_non_number_port_is_one_clear_line() {
    assert_eq!(
        error_for(&[("APP_PORT", "abc")]),
        "invalid configuration: APP_PORT=\"abc\" (from environment): expected a whole number from 0 to 65535"
    );
    assert!(error_for(&[("APP_PORT", "70000")]).contains("APP_PORT=\"70000\""));
}

#[test]
fn an_invalid_epoch_is_one_clear_line() {
    assert_eq!(
        error_for(&[("SNOWFLAKE_EPOCH", "yesterday")]),
        "invalid configuration: SNOWFLAKE_EPOCH=\"yesterday\" (from environment): expected an RFC 3339 time or Unix milliseconds, not in the future"
    );
}

#[test]
fn a_malformed_ecies_key_is_one_clear_line_without_the_key() {
    let line = error_for(&[("ECIES_PRIVATE_KEY", "not-hex-at-all")]);
    assert_eq!(
        line,
        "invalid configuration: ECIES_PRIVATE_KEY (from environment; value hidden): expected a secp256k1 private key as 64 hex characters"
    );
    assert!(!line.contains("not-hex"));
    assert!(error_for(&[("ECIES_PUBLIC_KEY", "04zz")]).starts_with("invalid configuration: ECIES_PUBLIC_KEY=\"04zz\""));
}

#[test]
fn a_public_key_must_belong_to_the_private_key() {
    let a = folio_crypto::ecies::KeyPair::generate();
    let b = folio_crypto::ecies::KeyPair::generate();
    let line =
        error_for(&[("ECIES_PRIVATE_KEY", &a.secret.to_hex()), ("ECIES_PUBLIC_KEY", &b.public.to_hex_compressed())]);
    assert!(line.contains("expected the public key of ECIES_PRIVATE_KEY"), "{line}");
}

#[test]
fn other_bad_values_each_name_their_variable() {
    for (key, value) in [
        ("APP_ENV", "staging"),
        ("APP_HOST", "not an ip"),
        ("LOG_LEVEL", "loud"),
        ("LOG_FORMAT", "xml"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,nonsense"),
        ("DATABASE_URL", "mysql://x"),
        ("COOKIE_SECRET", "short"),
        ("SNOWFLAKE_WORKER_ID", "32"),
        ("THROTTLE_LIMIT", "sixty"),
        ("METRICS_ENABLED", "maybe"),
        ("RUST_LOG", "info,[[["),
        ("MONGO_MAX_RETRIES", "0"),
        ("MONGO_AUTH_SOURCE", "admin?x=1"),
        ("FOLIO_COMPAT", "lynx,express"),
        ("FOLIO_COMPAT_AUTHOR_URL", "ftp://example.com"),
        ("APP_PUBLIC_URL", "api.example.com"),
    ] {
        let line = error_for(&[(key, value)]);
        assert!(line.starts_with(&format!("invalid configuration: {key}")), "{line}");
        assert!(line.contains("expected"), "{line}");
        if is_secret_key(key) {
            assert!(!line.contains(value), "secret shown: {line}");
        }
    }
}

#[test]
fn compatibility_routes_are_off_unless_named() {
    let off = settings(&[]).expect("valid").compat;
    assert!(!off.lynx && !off.nest);
    assert_eq!(off.describe(), "off");
    let both = settings(&[("FOLIO_COMPAT", " Nest , lynx ")]).expect("valid").compat;
    assert!(both.lynx && both.nest);
    assert_eq!(both.describe(), "lynx,nest");
    let lynx = settings(&[("FOLIO_COMPAT", "lynx"), ("FOLIO_COMPAT_AUTHOR", "Lynx Pardelle")]).expect("valid");
    assert!(lynx.compat.lynx && !lynx.compat.nest);
    assert_eq!(lynx.compat.author, "Lynx Pardelle");
    assert!(!settings(&[("FOLIO_COMPAT", "off")]).expect("valid").compat.lynx);
    let public = settings(&[("APP_PUBLIC_URL", "https://api.example.com/")]).expect("valid");
    assert_eq!(public.http.public_url.as_deref(), Some("https://api.example.com"));
}

#[test]
fn every_bad_value_is_reported_at_once() {
    let errors = settings(&[("APP_PORT", "x"), ("THROTTLE_TTL", "y")]).expect_err("invalid");
    assert_eq!(errors.len(), 2);
}

#[test]
fn env_sample_documents_every_variable() {
    let sample = include_str!("../../../../.env.sample");
    for (key, _, _) in KEYS {
        assert!(
            sample.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{key}="))),
            "{key} is missing from .env.sample"
        );
    }
}

fn is_secret_key(key: &str) -> bool {
    keys::is_secret(key)
}
