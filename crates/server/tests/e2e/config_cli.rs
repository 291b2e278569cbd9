use std::process::Output;

use crate::support::folio;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    folio(dir.path()).args(args).envs(env.iter().copied()).output().expect("run folio")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn serve_with_a_bad_value_exits_2_with_one_line() {
    let output = run(&["serve"], &[("APP_PORT", "http")]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        "invalid configuration: APP_PORT=\"http\" (from environment): expected a whole number from 0 to 65535"
    );
}

#[test]
fn serve_with_several_bad_values_names_each_on_its_own_line() {
    let output = run(&[], &[("SNOWFLAKE_EPOCH", "soon"), ("ECIES_PRIVATE_KEY", "zz")]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines.iter().any(|l| l.starts_with("invalid configuration: SNOWFLAKE_EPOCH=\"soon\"")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("invalid configuration: ECIES_PRIVATE_KEY (from environment; value hidden)")));
}

#[test]
fn production_refuses_to_start_without_secrets() {
    let output = run(&["serve"], &[("APP_ENV", "production"), ("APP_HOST", "127.0.0.1")]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "invalid configuration: COOKIE_SECRET is not set: expected a value when APP_ENV=production (generate one with `folio keys generate`)",
            "invalid configuration: ECIES_PRIVATE_KEY is not set: expected a value when APP_ENV=production (generate one with `folio keys generate`)",
        ]
    );
}

#[test]
fn config_check_shows_which_compatibility_routes_are_on() {
    let text = |output: Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let off = text(run(&["config", "check"], &[]));
    assert!(off.contains("# FOLIO_COMPAT is not set") && off.contains("(FOLIO_COMPAT): off"), "{off}");
    let on = text(run(&["config", "check"], &[("FOLIO_COMPAT", "nest,lynx")]));
    assert!(on.contains("FOLIO_COMPAT=nest,lynx  # environment"), "{on}");
    assert!(on.contains("# compatibility routes (FOLIO_COMPAT): lynx,nest"), "{on}");
    let bad = run(&["config", "check"], &[("FOLIO_COMPAT", "express")]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("FOLIO_COMPAT=\"express\""), "{}", stderr(&bad));
}

#[test]
fn config_check_prints_the_effective_configuration_with_secrets_redacted() {
    let output = run(
        &["config", "check"],
        &[
            ("COOKIE_SECRET", "a-very-secret-cookie-key-of-at-least-32-chars"),
            ("DATABASE_URL", "postgres://folio:hunter2@127.0.0.1:5432/folio"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("APP_PORT=0  # environment"), "{text}");
    assert!(text.contains("LOG_LEVEL=info  # environment"), "{text}");
    assert!(text.contains("COOKIE_SECRET=<redacted>"), "{text}");
    assert!(text.contains("postgres://folio:*****@127.0.0.1:5432/folio"), "{text}");
    assert!(!text.contains("hunter2") && !text.contains("a-very-secret"), "{text}");
    assert!(text.contains("HEALTH_TIMEOUT_MS=2000  # "), "{text}");
}

#[test]
fn config_check_exits_1_on_an_invalid_value() {
    let output = run(&["config", "check"], &[("THROTTLE_LIMIT", "lots")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("invalid configuration: THROTTLE_LIMIT=\"lots\""));
}

#[test]
fn keys_generate_prints_env_lines_that_configure_a_production_start() {
    let output = run(&["keys", "generate"], &[]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} missing in {text}"))
            .to_owned()
    };
    let (cookie, private, public) = (value("COOKIE_SECRET"), value("ECIES_PRIVATE_KEY"), value("ECIES_PUBLIC_KEY"));
    assert!(cookie.len() >= 32);
    assert_eq!(private.len(), 64);
    let output = run(
        &["config", "check"],
        &[
            ("APP_ENV", "production"),
            ("COOKIE_SECRET", &cookie),
            ("ECIES_PRIVATE_KEY", &private),
            ("ECIES_PUBLIC_KEY", &public),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn version_is_printed() {
    let output = run(&["--version"], &[]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("folio "));
}

#[test]
fn migrate_up_then_status_lists_every_migration_as_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = folio(dir.path()).args(["migrate", "up"]).output().expect("run");
    assert!(up.status.success(), "{}", stderr(&up));
    let status = folio(dir.path()).args(["migrate", "status"]).output().expect("run");
    let text = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(text.contains("applied  m20250101_000001_users"), "{text}");
    assert!(!text.contains("pending"), "{text}");
    let down = folio(dir.path()).args(["migrate", "down"]).output().expect("run");
    assert!(down.status.success(), "{}", stderr(&down));
    let status = folio(dir.path()).args(["migrate", "status"]).output().expect("run");
    let text = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(text.contains("applied  m20250101_000001_users"), "{text}");
    assert!(text.contains("applied  m20250102_000001_media"), "{text}");
    assert!(text.contains("applied  m20250104_000001_articles"), "{text}");
    assert!(text.contains("pending  m20250106_000001_article_sort_indexes"), "down rolls back the last one: {text}");
    let fresh = folio(dir.path()).args(["migrate", "fresh"]).output().expect("run");
    assert!(!fresh.status.success(), "fresh without --yes refuses");
}
