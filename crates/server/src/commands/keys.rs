use std::process::ExitCode;

/// `folio keys generate`: fresh secrets as `.env` lines, for production deployments.
pub fn generate() -> ExitCode {
    print!("{}", crate::secrets::env_lines(&crate::secrets::generate()));
    ExitCode::SUCCESS
}
