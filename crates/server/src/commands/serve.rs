use actix_web::HttpServer;
use anyhow::Context;
use folio_api::{build_app, ApiConfig, AppState, CompatConfig, RateLimitTiers, SessionCookie};
use folio_domain::limits::Quota;
use metrics_exporter_prometheus::PrometheusBuilder;
use secrecy::ExposeSecret;

use super::starting;
use crate::settings::{DatabaseKind, Settings};
use crate::{secrets, wiring};

/// `folio serve`: wire the adapters, serve until SIGTERM or SIGINT, then drain.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let secrets = secrets::resolve(&settings).map_err(anyhow::Error::msg)?;
    let (services, listener) = match settings.database.kind {
        // MongoDB may still be starting next to Folio, and reaching it may take a while of
        // retries: listen at once, and answer liveness (and 503 to the rest) meanwhile.
        DatabaseKind::Mongo => {
            let listener = std::net::TcpListener::bind((settings.http.host, settings.http.port))
                .with_context(|| format!("cannot listen on {}:{}", settings.http.host, settings.http.port))?;
            let services = starting::answer_while(&listener, wiring::build(&settings)).await??;
            (services, Some(listener))
        }
        DatabaseKind::Sqlite | DatabaseKind::Postgres => (wiring::build(&settings).await?, None),
    };
    services.keep_alive();
    // A restart must not hide a stale backup: the newest one counts as the last success.
    match services.backups.list().await {
        Ok(entries) => {
            if let Some(newest) = entries.iter().filter(|e| e.uploaded).map(|e| e.created_at).max() {
                services.scheduler.seed_last_success(folio_jobs::names::BACKUP, newest);
            }
        }
        Err(error) => tracing::warn!(error = %error, "could not list backups"),
    }
    let jobs = services.scheduler.start();

    let metrics = if settings.metrics_enabled {
        Some(PrometheusBuilder::new().install_recorder().context("installing the metrics recorder")?)
    } else {
        None
    };
    let state = AppState {
        health: services.health.clone(),
        auth: services.auth.clone(),
        users: services.users.clone(),
        media: services.media.clone(),
        collections: services.collections.clone(),
        articles: services.articles.clone(),
        legacy: Some(services.legacy.clone()),
        cache: services.cache.clone(),
        session_cookie: SessionCookie::new(
            settings.sessions.cookie_name.clone(),
            secrets.cookie_secret.expose_secret().as_bytes(),
            settings.sessions.cookie_secure,
            settings.sessions.absolute_ttl,
        ),
        open_registration: settings.auth.open_registration,
        metrics,
        version: env!("CARGO_PKG_VERSION"),
    };
    let api_config = ApiConfig {
        trusted_proxies: settings.http.trusted_proxies.clone(),
        json_limit: settings.http.json_limit,
        allowed_origins: settings.auth.allowed_origins.clone(),
        public_max_age: settings.http.cache_max_age,
        compat: CompatConfig {
            lynx: settings.compat.lynx,
            nest: settings.compat.nest,
            author: settings.compat.author.clone(),
            author_url: settings.compat.author_url.clone(),
            public_url: settings.http.public_url.clone(),
            s3: settings.objects.s3.is_some(),
            cdn: settings.objects.cdn_domain.is_some(),
        },
    };

    if settings.compat.lynx || settings.compat.nest {
        tracing::info!(compat = %settings.compat.describe(), "serving the old services' routes beside /api/v1");
    }

    let throttle = &settings.throttle;
    let limits = RateLimitTiers {
        limiter: services.limiter.clone(),
        tiers: vec![
            ("default", Quota { limit: throttle.default_limit, window: throttle.default_window }),
            ("short", Quota { limit: throttle.short_limit, window: throttle.short_window }),
        ],
        upload: Quota { limit: throttle.upload_limit, window: throttle.upload_window },
    };

    // Object deletions that failed before (S3 down during a delete) are retried at start.
    let media = services.media.clone();
    tokio::spawn(async move {
        match media.retry_pending_deletions().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "retried pending object deletions"),
            Err(error) => tracing::warn!(error = %error, "pending object deletions could not be retried"),
        }
    });

    let mut server = HttpServer::new(move || build_app(state.clone(), api_config.clone(), limits.clone()))
        // Signals are handled below so that SIGINT drains like SIGTERM (actix forces it).
        .disable_signals()
        .shutdown_timeout(settings.http.shutdown_grace.as_secs());
    if let Some(workers) = settings.http.workers {
        server = server.workers(workers);
    }
    let server = match listener {
        Some(listener) => server.listen(listener).context("serving on the listening socket")?,
        None => server
            .bind((settings.http.host, settings.http.port))
            .with_context(|| format!("cannot listen on {}:{}", settings.http.host, settings.http.port))?,
    };
    let signals = ShutdownSignals::register()?;
    for addr in server.addrs() {
        tracing::info!(addr = %addr, version = env!("CARGO_PKG_VERSION"), "listening");
    }
    let server = server.run();
    let handle = server.handle();
    let grace = settings.http.shutdown_grace;
    tokio::spawn(async move {
        let signal = signals.recv().await;
        tracing::info!(signal, grace_secs = grace.as_secs(), "shutting down: draining in-flight requests");
        handle.stop(true).await;
    });
    server.await.context("HTTP server")?;
    jobs.stop().await;
    services.shutdown().await?;
    tracing::info!("stopped");
    Ok(())
}

/// The signals that stop the server. Registered before the server announces that it listens,
/// so that a signal sent right after that announcement is never left to its default action.
struct ShutdownSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn register() -> anyhow::Result<ShutdownSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(ShutdownSignals {
                terminate: signal(SignalKind::terminate()).context("handling SIGTERM")?,
                interrupt: signal(SignalKind::interrupt()).context("handling SIGINT")?,
            })
        }
        #[cfg(not(unix))]
        Ok(ShutdownSignals {})
    }

    async fn recv(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}
