//! The outermost middleware: gives every request an id and a tracing span, records metrics,
//! and turns any bare error response into problem details.

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use ipnet::IpNet;
use rand::Rng;
use tracing::Instrument;

use super::problem::{Problem, CONTENT_TYPE as PROBLEM_CONTENT_TYPE};

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled on this task, for error bodies.
pub(crate) fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

/// Peers whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

pub(crate) async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = request_id_for(&req);
    let method = req.method().clone();
    let span = tracing::info_span!(
        "request",
        method = %method,
        path = %req.path(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        request_id = %request_id,
    );
    let outcome = CURRENT_REQUEST_ID
        .scope(request_id.clone(), async move {
            next.call(req).await.map(|response| problemize(response.map_into_boxed_body()))
        })
        .instrument(span.clone())
        .await;

    // An error raised by middleware further in is rendered by actix after this returns;
    // record it here all the same.
    let mut response = match outcome {
        Ok(response) => response,
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            record(&span, &method, "unmatched".to_owned(), status, started.elapsed());
            return Err(error);
        }
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let status = response.status().as_u16();
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    record(&span, &method, route, status, started.elapsed());
    Ok(response)
}

/// One log line and the metrics of a finished request.
fn record(
    span: &tracing::Span,
    method: &actix_web::http::Method,
    route: String,
    status: u16,
    latency: std::time::Duration,
) {
    span.record("route", route.as_str());
    span.record("status", status);
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!("request failed");
        } else {
            tracing::info!("request completed");
        }
    });
    let labels = [("method", method.to_string()), ("route", route), ("status", status.to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(latency.as_secs_f64());
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest
/// untrusted address in `Forwarded` (RFC 7239) or else `X-Forwarded-For`, read right to left
/// since each proxy appends the address it received the request from.
pub(crate) fn client_ip(req: &actix_web::HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let Some(proxies) = req.app_data::<web::Data<TrustedProxies>>() else {
        return Some(peer);
    };
    if !proxies.contains(peer) {
        return Some(peer);
    }
    let values = |name: &'static str| -> Vec<String> {
        req.headers()
            .get_all(HeaderName::from_static(name))
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    };
    let standard = values("forwarded");
    let hops: Vec<String> = if standard.is_empty() {
        values("x-forwarded-for").iter().flat_map(|v| v.split(',')).map(|h| h.trim().to_owned()).collect()
    } else {
        standard.iter().flat_map(|v| forwarded_for(v)).collect()
    };
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                nearest = ip;
                if !proxies.contains(ip) {
                    break;
                }
            }
            // A malformed entry: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    Some(nearest)
}

/// The `for=` addresses of a `Forwarded` header, without quotes, brackets or ports
/// (`for="[2001:db8::1]:4711"` → `2001:db8::1`). An obfuscated or unknown node stays as
/// written and stops the walk, as a malformed entry does.
fn forwarded_for(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, node) = pair.trim().split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| {
                    let node = node.trim().trim_matches('"');
                    match node.strip_prefix('[') {
                        Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
                        None if node.matches(':').count() == 1 => node.split(':').next().unwrap_or_default().to_owned(),
                        None => node.to_owned(),
                    }
                })
            })
        })
        .collect()
}

/// The request id: the proxy's when the peer is a trusted proxy and the value is sane,
/// otherwise a fresh random one.
fn request_id_for(req: &ServiceRequest) -> String {
    let trusted = req
        .app_data::<web::Data<TrustedProxies>>()
        .zip(req.peer_addr())
        .is_some_and(|(proxies, peer)| proxies.contains(peer.ip()));
    if trusted {
        let forwarded =
            req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|v| is_acceptable_request_id(v));
        if let Some(id) = forwarded {
            return id.to_owned();
        }
    }
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_acceptable_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Replaces the body of an error response that is not already JSON (actix's own 404, 405,
/// 413, 415 answers, or an empty body) with problem details, so clients see one error shape.
fn problemize(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with(PROBLEM_CONTENT_TYPE));
    if is_json {
        return response;
    }
    let (request, original) = response.into_parts();
    let mut replacement = Problem::for_status(status).error_response();
    // Keep headers such as `Allow` on a 405.
    for (name, value) in original.headers() {
        if ![header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING].contains(name) {
            replacement.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, replacement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_headers_yield_bare_addresses() {
        assert_eq!(
            forwarded_for(
                r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711", for=198.51.100.7:8080"#
            ),
            vec!["192.0.2.60", "2001:db8:cafe::17", "198.51.100.7"]
        );
        assert_eq!(forwarded_for("proto=https"), Vec::<String>::new());
        assert_eq!(forwarded_for("for=_hidden"), vec!["_hidden"]);
    }

    #[test]
    fn forwarded_request_ids_are_checked() {
        assert!(is_acceptable_request_id("abc-123_x.y:z"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("has space"));
        assert!(!is_acceptable_request_id(&"a".repeat(129)));
        assert!(!is_acceptable_request_id("new\nline"));
    }
}
