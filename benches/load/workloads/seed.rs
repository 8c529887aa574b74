//! Workload 6: a seed file of many users applied at start (the time from spawning the emulator to its
//! ready line, against an empty start).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::PASSWORD;
use crate::server::Server;
use crate::settings::Settings;

pub struct SeedRun {
    pub users: usize,
    /// Spawn to ready line with the seed, and without (same keys, empty data directory).
    pub with_seed: Duration,
    pub empty: Duration,
    pub rss_after: Option<u64>,
    pub db_bytes: Option<u64>,
}

/// Writes a seed file of `users` confirmed users with passwords and emails (one pool, one client).
fn seed_file(path: &Path, users: usize) {
    let list: Vec<_> = (0..users)
        .map(|i| {
            json!({
                "Username": format!("seed{i:07}"),
                "Password": PASSWORD,
                "Attributes": [
                    {"Name": "email", "Value": format!("seed{i:07}@example.com")},
                    {"Name": "email_verified", "Value": "true"},
                ],
            })
        })
        .collect();
    let doc = json!({"UserPools": [{
        "Id": "us-east-1_LoadSeed01",
        "PoolName": "seeded",
        "Clients": [{"ClientId": "loadseedclient00000000001", "ClientName": "web",
                     "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
        "Users": list,
    }]});
    std::fs::write(path, doc.to_string()).expect("write the seed file");
}

pub fn seed_start(s: &Settings, keys: &Path) -> SeedRun {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("seed.json");
    seed_file(&file, s.seed_users);
    let t = Instant::now();
    let empty = Server::start(&s.bin, &dir.path().join("empty"), keys, &[], "empty-start");
    let empty_time = t.elapsed();
    empty.stop();
    let seed_arg = file.display().to_string();
    let t = Instant::now();
    let seeded = Server::start(
        &s.bin,
        &dir.path().join("seeded"),
        keys,
        &["--seed", &seed_arg],
        "seeded-start",
    );
    let with_seed = t.elapsed();
    let run = SeedRun {
        users: s.seed_users,
        with_seed,
        empty: empty_time,
        rss_after: seeded.rss_kib(),
        db_bytes: seeded.database_bytes(),
    };
    seeded.stop();
    run
}
