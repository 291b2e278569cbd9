//! The floor of the load benchmarks: a bare actix-web server that answers the benchmarked
//! routes with the very bytes Folio answered them with, straight from memory. Whatever Folio
//! does beyond that (routing through middleware, logging, storage) shows as the ratio of its
//! throughput to this one's, measured in the same run on the same machine.
//!
//! Usage: `folio-bench-floor ADDR ROUTES_JSON` where ROUTES_JSON is
//! `[{"path": "/health/live", "content_type": "application/json", "body": "…"}]`.
//! Prints `listening ADDR` once bound.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

#[derive(serde::Deserialize)]
struct Route {
    path: String,
    content_type: String,
    body: String,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(routes_file)) = (args.next(), args.next()) else {
        eprintln!("usage: folio-bench-floor ADDR ROUTES_JSON");
        std::process::exit(2);
    };
    let routes: Vec<Route> = serde_json::from_str(&std::fs::read_to_string(&routes_file)?)
        .map_err(|e| std::io::Error::other(format!("{routes_file}: {e}")))?;
    let table: Arc<HashMap<String, (String, web::Bytes)>> =
        Arc::new(routes.into_iter().map(|r| (r.path, (r.content_type, web::Bytes::from(r.body)))).collect());
    let server = HttpServer::new(move || {
        let table = table.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let table = table.clone();
            async move {
                let key = match req.query_string() {
                    "" => req.path().to_owned(),
                    q => format!("{}?{q}", req.path()),
                };
                match table.get(&key) {
                    Some((content_type, body)) => {
                        HttpResponse::Ok().content_type(content_type.as_str()).body(body.clone())
                    }
                    None => HttpResponse::NotFound().finish(),
                }
            }
        }))
    })
    .bind(&addr)?;
    for bound in server.addrs() {
        println!("listening {bound}");
    }
    server.run().await
}
