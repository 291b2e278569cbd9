//! Whether the deployment can run multi-document transactions: replica sets and sharded
//! clusters can, a standalone `mongod` cannot.

use mongodb::bson::{doc, Document};
use mongodb::Database;

/// Whether to use transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transactions {
    /// Ask the server (`hello`) at connect time.
    #[default]
    Detect,
    /// Use them without asking (a server known to support them).
    Enabled,
    /// Never use them, e.g. to test the path adapters take on a standalone server.
    Disabled,
}

/// Asks the server with `hello`.
pub async fn detect(db: &Database) -> Result<bool, mongodb::error::Error> {
    let reply = db.run_command(doc! { "hello": 1 }).await?;
    Ok(hello_supports_transactions(&reply))
}

/// A replica set member names its set (`setName`); a `mongos` says `msg: "isdbgrid"`.
/// Anything else is a standalone server, where transactions are refused.
pub fn hello_supports_transactions(reply: &Document) -> bool {
    reply.contains_key("setName") || reply.get_str("msg").is_ok_and(|msg| msg == "isdbgrid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replica_sets_and_mongos_support_transactions_standalones_do_not() {
        let cases = [
            (doc! { "isWritablePrimary": true, "setName": "rs0" }, true),
            (doc! { "isWritablePrimary": true, "msg": "isdbgrid" }, true),
            (doc! { "isWritablePrimary": true }, false),
            (doc! { "isWritablePrimary": true, "msg": "something else" }, false),
            (doc! { "msg": 1 }, false),
        ];
        for (reply, expected) in cases {
            assert_eq!(hello_supports_transactions(&reply), expected, "{reply}");
        }
    }
}
