//! Whether the bucket answers, for `/health` and readiness.

use folio_domain::health::HealthCheck;
use s3::error::S3Error;
use s3::Bucket;

use crate::error::error_code;
use crate::S3ObjectStore;

/// Lists at most one key of the bucket: cheap, and it proves at once that the service
/// answers, the credentials are accepted and the bucket exists. (`Bucket::exists` and
/// `list_buckets` need an `<Owner>` some compatible services, s3s-fs among them, omit.)
#[derive(Debug, Clone)]
pub struct S3Health {
    bucket: Bucket,
    required: bool,
}

impl S3Health {
    /// `required` when Folio cannot serve without its objects (media on S3); not when the
    /// bucket only receives backups, so an outage degrades `/health` without failing readiness.
    pub fn new(store: &S3ObjectStore, required: bool) -> Self {
        Self { bucket: store.bucket.clone(), required }
    }
}

#[async_trait::async_trait]
impl HealthCheck for S3Health {
    fn name(&self) -> &'static str {
        "objects"
    }

    fn required(&self) -> bool {
        self.required
    }

    async fn check(&self) -> Result<(), String> {
        match self.bucket.list_page(String::new(), None, None, None, Some(1)).await {
            Ok(_) => Ok(()),
            // The status and S3's error code say what is wrong; the body may echo request
            // details, so it goes no further.
            Err(S3Error::HttpFailWithBody(status, body)) => {
                Err(format!("object storage answered {status} {}", error_code(&body).unwrap_or(""))
                    .trim_end()
                    .to_owned())
            }
            Err(err) => Err(format!("object storage did not answer: {err}")),
        }
    }
}
