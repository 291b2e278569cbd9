use clap::{Parser, Subcommand};

/// Folio: a backend for portfolio and content sites.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply or inspect database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Generate secrets.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Create the first admin from FOLIO_ADMIN_EMAIL / FOLIO_ADMIN_PASSWORD (idempotent).
    Seed {
        /// Also load a bilingual demo site (every content kind, generated images), unless the
        /// site already has content.
        #[arg(long)]
        demo: bool,
    },
    /// Database backups: create, list, verify, restore, prune.
    Backup {
        /// No progress bars (they are drawn on stderr, and only when it is a terminal).
        #[arg(long, short, global = true)]
        quiet: bool,
        #[command(subcommand)]
        action: BackupAction,
    },
    /// Scheduled jobs: list them, or run one now.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
    /// Manage users.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Import content from another service into the configured database.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// The Lynx portfolio service's MongoDB, as its Mongoose models wrote it. Idempotent: what
    /// an earlier run imported is left alone. Files are not copied; their media records point
    /// at the object keys they already have.
    Lynx {
        /// The portfolio's MongoDB URI, e.g. mongodb://user:password@host/portfolio; `-` reads
        /// it from the first line of standard input (keeping its password out of `ps`).
        #[arg(long, value_name = "URI")]
        from: String,
        /// The database to read, when the URI names none (or another one).
        #[arg(long, value_name = "NAME")]
        database: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Create a user; without --password-stdin a password is generated and printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin or editor.
        #[arg(long, default_value = "editor")]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 100)]
        per_page: u32,
    },
    /// Change a user's role (admin or editor).
    SetRole { user: String, role: String },
    /// Ban a user: they cannot sign in, and their sessions stop working at once.
    Ban { user: String },
    /// Lift a ban (the user becomes active).
    Unban { user: String },
    /// Set a new password and end every session of the user.
    ResetPassword {
        user: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last `steps` migrations.
    Down {
        #[arg(short = 'n', long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
    /// Drop every table and apply all migrations again.
    Fresh {
        /// Required: this deletes all data.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the effective configuration (secrets redacted); exit 1 when invalid.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Print a new ECIES key pair and cookie secret as `.env` lines.
    Generate,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Back the database up: write locally, upload, confirm, then remove the local copy.
    /// Media files are listed (key, size, sha256), not copied: they stay in the object store.
    Create {
        /// Also put the media files into the archive, each with its size and sha256 in the
        /// manifest. Only with the disk object store (DATA_DIR/objects); with S3 the bucket
        /// keeps them, and this is refused. A file the records name but the store lacks is
        /// listed as missing, with a warning.
        #[arg(long)]
        with_media: bool,
    },
    /// The backups in the store: id, time, size, rows, encrypted, verified.
    List,
    /// Check a backup (an id, or `latest`) against its manifest by restoring it into a
    /// scratch SQLite database. Media files it carries are checked against the manifest;
    /// those it only lists are looked up in the object store, and missing ones reported.
    Verify { which: String },
    /// Restore a backup (an id, or `latest`) into the configured database. Media files it
    /// carries (--with-media) are written back into the configured object store, but for
    /// those already there with the same size and sha256.
    Restore {
        which: String,
        /// Replace what the database holds (after a safety backup of it).
        #[arg(long)]
        replace: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Delete old backups (BACKUP_KEEP, BACKUP_KEEP_DAYS), never the newest verified one.
    Prune,
}

#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// Every job with its schedule and next run.
    List,
    /// Run a job now (taking its lock, like a scheduled run).
    Run { name: String },
}
