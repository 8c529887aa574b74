//! Seed files: pools (a CreateUserPool request plus a fixed `Id`), their resource servers and domains
//! (CreateResourceServer / CreateUserPoolDomain requests), app clients (a CreateUserPoolClient request
//! plus a fixed `ClientId` and optional `ClientSecret`), groups and users,
//! applied at start through the same operations and checks as the API (`import`). Idempotent: what
//! exists is kept. `export` writes the current state in the same format (password hashes instead of
//! passwords).

mod export;
mod import;
mod users;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use export::export;
pub use import::{apply, apply_file};

/// A seed document.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SeedFile {
    /// The pools.
    #[serde(default)]
    pub user_pools: Vec<Value>,
    /// Where Lambda functions run (as `--lambda-function` does).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lambda_functions: Vec<SeedLambdaFunction>,
}

/// One `LambdaFunctions` entry: where a function named in a LambdaConfig runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SeedLambdaFunction {
    /// The ARN (or name) the pools' LambdaConfig uses.
    pub function: String,
    /// Base URL of the host (the Lambda Invoke API).
    pub endpoint: String,
    /// The name to invoke on that host, when it differs.
    pub invoke_as: Option<String>,
}

/// One pool of a seed document.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SeedPool {
    /// The fixed pool id (`<region>_<alphanumerics>`).
    pub id: Option<String>,
    /// Identity providers: CreateIdentityProvider requests without `UserPoolId` (before the clients,
    /// which may name them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_providers: Vec<Map<String, Value>>,
    /// App clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<SeedClient>,
    /// Groups: CreateGroup requests without `UserPoolId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Map<String, Value>>,
    /// Users ([`SeedUser`] entries, read one by one so an error names the user).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<Value>,
    /// A SetUserPoolMfaConfig request without `UserPoolId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_config: Option<Map<String, Value>>,
    /// Resource servers: CreateResourceServer requests without `UserPoolId` (created before the
    /// clients, whose AllowedOAuthScopes may name their scopes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_servers: Vec<Map<String, Value>>,
    /// Domains (a prefix domain, a custom domain): CreateUserPoolDomain requests without `UserPoolId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Map<String, Value>>,
    /// The CreateUserPool request (PoolName and the settings).
    #[serde(flatten)]
    pub create: Map<String, Value>,
}

/// One app client of a seed pool.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SeedClient {
    /// The fixed client id.
    pub client_id: Option<String>,
    /// The CreateUserPoolClient request without `UserPoolId` (ClientSecret included).
    #[serde(flatten)]
    pub create: Map<String, Value>,
}

/// One user of a seed pool.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SeedUser {
    /// The name the user signs in with (the email or phone number in pools that sign in with those).
    pub username: Option<String>,
    /// The fixed `sub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// A password (checked against the pool's policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// An exported argon2id hash, with `SrpSalt` and `SrpVerifier` (base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// SRP salt (base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srp_salt: Option<String>,
    /// SRP verifier (base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srp_verifier: Option<String>,
    /// `AttributeType` list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
    /// CONFIRMED (default), FORCE_CHANGE_PASSWORD or UNCONFIRMED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// False for a disabled user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Group names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// External identities linked to the user: AdminLinkProviderForUser `SourceUser`s
    /// (`ProviderName`, `ProviderAttributeName`, `ProviderAttributeValue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_providers: Vec<Map<String, Value>>,
}

/// What a seed created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Pools created.
    pub pools: usize,
    /// Identity providers created.
    pub identity_providers: usize,
    /// Clients created.
    pub clients: usize,
    /// Groups created.
    pub groups: usize,
    /// Users created.
    pub users: usize,
    /// Resource servers created.
    pub resource_servers: usize,
    /// Domains created.
    pub domains: usize,
    /// Entries that already existed and were kept.
    pub kept: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pools, {} clients, {} groups, {} users",
            self.pools, self.clients, self.groups, self.users
        )?;
        if self.resource_servers > 0 || self.domains > 0 || self.identity_providers > 0 {
            write!(
                f,
                ", {} resource servers, {} domains, {} identity providers",
                self.resource_servers, self.domains, self.identity_providers
            )?;
        }
        write!(f, " created; {} kept", self.kept)
    }
}

/// A seed entry that cannot be applied: where it is and why.
#[derive(Debug, thiserror::Error)]
#[error("seed {path}: {problem}")]
pub struct SeedError {
    /// e.g. `UserPools[0] (us-east-1_Example01).Users[2] (alice)`.
    pub path: String,
    /// The problem, as the API would answer it.
    pub problem: String,
}

fn fail(path: &str, problem: impl std::fmt::Display) -> SeedError {
    SeedError {
        path: path.to_string(),
        problem: problem.to_string(),
    }
}
