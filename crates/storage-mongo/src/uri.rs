//! What Folio does to a `MONGO_URI` before handing it to the driver, and how it shows one in
//! a log line. Plain string work: a MongoDB URI may list several hosts, which no URL parser
//! accepts, and only the user info, the path and the query matter here.

/// The parts of a `mongodb://` or `mongodb+srv://` URI this module looks at, as byte ranges.
struct Parts<'a> {
    /// `mongodb://`, or everything up to and including `://`.
    scheme: &'a str,
    /// `user[:password]`, without the `@`; `None` when the URI carries no credentials.
    userinfo: Option<&'a str>,
    /// Hosts, then the optional `/database`, then the optional `?query`.
    rest: &'a str,
}

fn split(uri: &str) -> Option<Parts<'_>> {
    let start = uri.find("://")? + 3;
    let (scheme, after) = uri.split_at(start);
    // Passwords should be percent-encoded, but raw `@` and `/` are common in the wild: the
    // user info runs to the last `@` before the query.
    let query_at = after.find('?').unwrap_or(after.len());
    match after[..query_at].rfind('@') {
        Some(at) => Some(Parts { scheme, userinfo: Some(&after[..at]), rest: &after[at + 1..] }),
        None => Some(Parts { scheme, userinfo: None, rest: after }),
    }
}

/// `(database, query)` of the part after the user info; either may be empty.
fn path_and_query(rest: &str) -> (&str, &str) {
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let database = before_query.split_once('/').map_or("", |(_, db)| db);
    (database, query)
}

/// Adds `authSource=<default_source>` to a URI that names credentials and a database but no
/// `authSource`, and says whether it did.
///
/// Without `authSource` the driver authenticates against the database in the path, while the
/// old Node service's users live in `admin` (`MONGO_AUTH_SOURCE`): a URI such as
/// `mongodb://folio:pw@db/portfolio` worked there only because it appended this option. URIs
/// without credentials, or without a database (whose authentication database already is
/// `admin`), and URIs that choose their own `authSource` are returned unchanged.
/// `mongodb+srv://` URIs are treated alike; the option then overrides any `authSource` that
/// the DNS TXT record would supply, which is what naming it in the configuration means.
pub fn apply_auth_source(uri: &str, default_source: &str) -> (String, bool) {
    let unchanged = (uri.to_owned(), false);
    let Some(parts) = split(uri) else { return unchanged };
    if parts.userinfo.is_none_or(str::is_empty) {
        return unchanged;
    }
    let (database, query) = path_and_query(parts.rest);
    if database.is_empty() {
        return unchanged;
    }
    let names_source =
        query.split('&').any(|pair| pair.split('=').next().is_some_and(|key| key.eq_ignore_ascii_case("authSource")));
    if names_source {
        return unchanged;
    }
    let separator = if !uri.contains('?') {
        "?"
    } else if uri.ends_with('?') || uri.ends_with('&') {
        ""
    } else {
        "&"
    };
    (format!("{uri}{separator}authSource={default_source}"), true)
}

/// The URI with its password replaced by `****`, for log lines and error messages:
/// `mongodb://folio:****@db.internal/portfolio`. The user name is kept, since it tells an
/// operator which account failed and is not a secret; the hosts, database and options are
/// kept as they are. Text that is not a URI at all is shown as a placeholder, since it may
/// be a password pasted in the wrong place.
pub fn mask_uri(uri: &str) -> String {
    let Some(parts) = split(uri) else { return "<not a MongoDB URI>".to_owned() };
    match parts.userinfo {
        None => uri.to_owned(),
        Some(userinfo) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let shown = if user.len() == userinfo.len() { user.to_owned() } else { format!("{user}:****") };
            format!("{}{shown}@{}", parts.scheme, parts.rest)
        }
    }
}

/// The database a URI names in its path (`portfolio` in `mongodb://db/portfolio?w=1`), if any.
pub fn uri_database(uri: &str) -> Option<&str> {
    let (database, _) = path_and_query(split(uri)?.rest);
    (!database.is_empty()).then_some(database)
}

/// The host list of a URI, lower-cased and without credentials (`a:1,b:2`), to tell whether
/// two URIs name the same deployment.
pub fn uri_hosts(uri: &str) -> Option<String> {
    let rest = split(uri)?.rest;
    let hosts = rest.split(['/', '?']).next().unwrap_or_default();
    (!hosts.is_empty()).then(|| hosts.to_ascii_lowercase())
}

/// The password in the URI as written (percent-encoded or not), to scrub it from messages.
pub(crate) fn password(uri: &str) -> Option<&str> {
    split(uri)?.userinfo?.split_once(':').map(|(_, password)| password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_and_hosts_are_read_from_the_uri() {
        assert_eq!(uri_database("mongodb://u:p@db:27017/portfolio?authSource=admin"), Some("portfolio"));
        assert_eq!(uri_database("mongodb://db:27017/?replicaSet=rs"), None);
        assert_eq!(uri_database("mongodb://db:27017"), None);
        assert_eq!(uri_hosts("mongodb://u:p@A:1,b:2/portfolio").as_deref(), Some("a:1,b:2"));
        assert_eq!(uri_hosts("mongodb+srv://cluster.example?x=1").as_deref(), Some("cluster.example"));
        assert_eq!(uri_hosts("not a uri"), None);
    }

    #[test]
    fn auth_source_is_added_only_to_credentials_with_a_database() {
        let cases: &[(&str, &str, bool)] = &[
            // no credentials
            ("mongodb://db.internal:27017/portfolio", "mongodb://db.internal:27017/portfolio", false),
            // credentials, no database
            ("mongodb://folio:pw@db.internal:27017", "mongodb://folio:pw@db.internal:27017", false),
            ("mongodb://folio:pw@db.internal:27017/", "mongodb://folio:pw@db.internal:27017/", false),
            ("mongodb://folio:pw@db/?replicaSet=rs0", "mongodb://folio:pw@db/?replicaSet=rs0", false),
            // credentials and a database
            (
                "mongodb://folio:pw@db.internal/portfolio",
                "mongodb://folio:pw@db.internal/portfolio?authSource=admin",
                true,
            ),
            ("mongodb://folio:pw@a:1,b:2/portfolio", "mongodb://folio:pw@a:1,b:2/portfolio?authSource=admin", true),
            // ... with options already there
            (
                "mongodb://folio:pw@db/portfolio?retryWrites=true",
                "mongodb://folio:pw@db/portfolio?retryWrites=true&authSource=admin",
                true,
            ),
            ("mongodb://folio:pw@db/portfolio?", "mongodb://folio:pw@db/portfolio?authSource=admin", true),
            ("mongodb://folio:pw@db/portfolio?w=1&", "mongodb://folio:pw@db/portfolio?w=1&authSource=admin", true),
            // an authSource of its own, in any case
            (
                "mongodb://folio:pw@db/portfolio?authSource=other",
                "mongodb://folio:pw@db/portfolio?authSource=other",
                false,
            ),
            (
                "mongodb://folio:pw@db/portfolio?w=1&authsource=x",
                "mongodb://folio:pw@db/portfolio?w=1&authsource=x",
                false,
            ),
            // SRV
            (
                "mongodb+srv://folio:pw@cluster0.example.net/portfolio?retryWrites=true",
                "mongodb+srv://folio:pw@cluster0.example.net/portfolio?retryWrites=true&authSource=admin",
                true,
            ),
            ("mongodb+srv://cluster0.example.net/portfolio", "mongodb+srv://cluster0.example.net/portfolio", false),
            // a raw `@` and `/` in the password
            ("mongodb://folio:p@ss/w@db/portfolio", "mongodb://folio:p@ss/w@db/portfolio?authSource=admin", true),
            // a user name alone (X.509 style) is still credentials
            ("mongodb://CN=folio@db/portfolio", "mongodb://CN=folio@db/portfolio?authSource=admin", true),
            // not a URI
            ("portfolio", "portfolio", false),
        ];
        for &(uri, expected, appended) in cases {
            assert_eq!(apply_auth_source(uri, "admin"), (expected.to_owned(), appended), "{uri}");
        }
    }

    #[test]
    fn the_default_source_is_configurable() {
        let (uri, appended) = apply_auth_source("mongodb://u:p@db/site", "users");
        assert_eq!(uri, "mongodb://u:p@db/site?authSource=users");
        assert!(appended);
    }

    #[test]
    fn the_password_is_found_for_scrubbing() {
        assert_eq!(password("mongodb://folio:p@ss@db/x"), Some("p@ss"));
        assert_eq!(password("mongodb://folio@db/x"), None);
        assert_eq!(password("mongodb://db/x"), None);
    }

    #[test]
    fn only_the_password_is_masked() {
        let cases: &[(&str, &str)] = &[
            ("mongodb://folio:hunter2@db.internal/portfolio", "mongodb://folio:****@db.internal/portfolio"),
            ("mongodb://folio:p@ss/w@a:1,b:2/db?authSource=admin", "mongodb://folio:****@a:1,b:2/db?authSource=admin"),
            ("mongodb+srv://folio:hunter2@cluster0.example.net", "mongodb+srv://folio:****@cluster0.example.net"),
            ("mongodb://folio@db/portfolio", "mongodb://folio@db/portfolio"),
            ("mongodb://127.0.0.1:27017", "mongodb://127.0.0.1:27017"),
            ("hunter2", "<not a MongoDB URI>"),
        ];
        for &(uri, expected) in cases {
            assert_eq!(mask_uri(uri), expected, "{uri}");
        }
    }
}
