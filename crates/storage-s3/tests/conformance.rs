//! The `ObjectStore` conformance suite, against the test S3 (s3s-fs by default).

mod support;

folio_domain::object_store_tests!(support::store());
