//! Who is asking. Every [`crate::FeatureQuery`] carries an identity so that access policies are
//! enforced inside the query core, whatever protocol the request came through.

use serde::{Deserialize, Serialize};

/// The caller of a query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Identity {
    /// no credentials were presented
    #[default]
    Anonymous,
    /// an authenticated caller with the roles its credentials grant
    User {
        /// stable user name (token subject or API-key owner)
        name: String,
        /// role names granted to the user
        roles: Vec<String>,
    },
    /// the server itself (ingest, correlation engine, seeding): sees everything
    System,
}
