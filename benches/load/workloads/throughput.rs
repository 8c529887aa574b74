//! Workload 2: throughput.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant as TokioInstant;

use crate::bodies::{get_user_body, password_auth_body, refresh_body, sign_up_body};
use crate::hashing;
use crate::http::Conn;
use crate::measure::{Samples, lookup_outcome, outcome};
use crate::server::{CpuMeter, CpuUse, Server, wait_quiet};
use crate::settings::Settings;
use crate::srp::Srp;
use crate::workloads::sequential::SignedIn;

type MakeRequest = Arc<dyn Fn(usize, usize) -> (&'static str, Vec<u8>) + Send + Sync>;

/// (operation, body, the username the answer must name alone).
type MakeLookup = Arc<dyn Fn(usize, usize) -> (&'static str, Vec<u8>, String) + Send + Sync>;

/// What one closed-loop iteration does.
#[derive(Clone)]
pub enum Work {
    /// One request; a 200 answer counts.
    Request(MakeRequest),
    /// One AdminGetUser or ListUsers; a 200 answer naming the user asked for counts.
    Lookup(MakeLookup),
    /// A complete SRP sign-in (two requests) of these users, round-robin.
    Srp(Arc<Srp>, Arc<Vec<String>>),
    /// A new user: SignUp then AdminConfirmSignUp (pool id, client id); counts when both succeed.
    NewUser(Arc<(String, String)>),
}

pub struct Throughput {
    pub op: &'static str,
    /// Connections (closed loops) of the run.
    pub connections: usize,
    pub what: String,
    pub measured: Samples,
    pub warmup_errors: BTreeMap<String, u64>,
    pub elapsed: f64,
    pub cpu: CpuUse,
    /// Emulator RSS (KiB) right after the run.
    pub rss_after: Option<u64>,
    /// Said under the table (SRP: what the client precomputed and computed).
    pub note: String,
}

impl Throughput {
    pub fn rate(&self) -> f64 {
        self.measured.latencies.len() as f64 / self.elapsed
    }

    /// Server CPU per answer (successful or not) in the window.
    pub fn server_cpu_per_request_ms(&self) -> f64 {
        self.cpu.server * 1e3 * self.elapsed / (self.answers().max(1) as f64)
    }

    /// Load-generator CPU per answer (successful or not) in the window.
    fn client_cpu_per_request_ms(&self) -> f64 {
        self.cpu.client * 1e3 * self.elapsed / (self.answers().max(1) as f64)
    }

    pub fn answers(&self) -> u64 {
        self.measured.latencies.len() as u64 + self.measured.error_count()
    }
}

/// `connections` closed-loop clients; requests started during the warm-up are not measured, requests
/// started during the window are (answers that arrive after it included), and the rate is measured
/// answers over the time from the window's start to the last answer.
pub async fn throughput(
    server: &Server,
    s: &Settings,
    op: &'static str,
    what: String,
    work: Work,
) -> Throughput {
    throughput_with(server, s, s.connections, op, what, work).await
}

/// [`throughput`] at `conns` connections.
pub async fn throughput_with(
    server: &Server,
    s: &Settings,
    conns: usize,
    op: &'static str,
    what: String,
    work: Work,
) -> Throughput {
    wait_quiet(server, s).await;
    let start = TokioInstant::now() + Duration::from_millis(300);
    let window = start + Duration::from_secs_f64(s.warmup);
    let end = window + Duration::from_secs_f64(s.seconds);
    let mut tasks = Vec::new();
    for c in 0..conns {
        let work = work.clone();
        let addr = server.addr.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let (mut measured, mut warm) = (Samples::default(), Samples::default());
            let mut last = window;
            tokio::time::sleep_until(start).await;
            let mut i = 0;
            loop {
                let t = TokioInstant::now();
                if t >= end {
                    break;
                }
                let r = match &work {
                    Work::Request(make) => {
                        let (op, body) = make(c, i);
                        outcome(&conn.call(op, &body).await)
                    }
                    Work::Lookup(make) => {
                        let (op, body, username) = make(c, i);
                        lookup_outcome(&conn.call(op, &body).await, &username)
                    }
                    Work::Srp(srp, users) => {
                        let user = &users[(c + i * conns) % users.len()];
                        srp.sign_in(&mut conn, user).await.0
                    }
                    Work::NewUser(ids) => {
                        let (pool, client) = (&ids.0, &ids.1);
                        let username = format!("bulk{c:03}-{i:07}");
                        match outcome(&conn.call("SignUp", &sign_up_body(client, &username)).await)
                        {
                            Ok(()) => {
                                let body =
                                    serde_json::json!({"UserPoolId": pool, "Username": username});
                                outcome(
                                    &conn
                                        .call("AdminConfirmSignUp", body.to_string().as_bytes())
                                        .await,
                                )
                            }
                            e => e,
                        }
                    }
                };
                i += 1;
                let done = TokioInstant::now();
                if t >= window {
                    measured.record_outcome(done - t, r);
                    last = last.max(done);
                } else {
                    warm.record_outcome(done - t, r);
                }
            }
            (measured, warm.errors, last)
        }));
    }
    tokio::time::sleep_until(window).await;
    let meter = CpuMeter::start(server);
    tokio::time::sleep_until(end).await;
    let cpu = meter.stop(server);
    let mut measured = Samples::default();
    let mut warmup_errors = BTreeMap::new();
    let mut last = window;
    for t in tasks {
        let (m, w, l) = t.await.expect("load task");
        measured.merge(m);
        for (k, v) in w {
            *warmup_errors.entry(k).or_insert(0) += v;
        }
        last = last.max(l);
    }
    Throughput {
        op,
        connections: conns,
        what,
        measured,
        warmup_errors,
        elapsed: (last - window).as_secs_f64().max(1e-9),
        cpu,
        rss_after: server.rss_kib(),
        note: String::new(),
    }
}

pub async fn throughput_all(
    server: &Server,
    pool: &str,
    client: &str,
    users: &[SignedIn],
    srp: &Arc<Srp>,
    s: &Settings,
) -> Vec<Throughput> {
    let n = users.len();
    let passwords: Arc<Vec<Vec<u8>>> = Arc::new(
        users
            .iter()
            .map(|u| password_auth_body(client, &u.username))
            .collect(),
    );
    let refreshes: Arc<Vec<Vec<u8>>> = Arc::new(
        users
            .iter()
            .map(|u| refresh_body(client, &u.refresh))
            .collect(),
    );
    let accesses: Arc<Vec<Vec<u8>>> =
        Arc::new(users.iter().map(|u| get_user_body(&u.access)).collect());
    let conns = s.connections;
    let pick = move |bodies: &Arc<Vec<Vec<u8>>>, c: usize, i: usize| {
        bodies[(c + i * conns) % bodies.len()].clone()
    };
    let mut out = Vec::new();

    let b = passwords.clone();
    out.push(
        throughput(
            server,
            s,
            "InitiateAuth USER_PASSWORD_AUTH",
            format!("repeated sign-ins of {n} signed-in users (credential cached), round-robin"),
            Work::Request(Arc::new(move |c, i| ("InitiateAuth", pick(&b, c, i)))),
        )
        .await,
    );
    let b = refreshes.clone();
    out.push(
        throughput(
            server,
            s,
            "InitiateAuth REFRESH_TOKEN_AUTH",
            format!("{n} refresh tokens, round-robin"),
            Work::Request(Arc::new(move |c, i| ("InitiateAuth", pick(&b, c, i)))),
        )
        .await,
    );
    let b = accesses.clone();
    out.push(
        throughput(
            server,
            s,
            "GetUser",
            format!("{n} access tokens, round-robin"),
            Work::Request(Arc::new(move |c, i| ("GetUser", pick(&b, c, i)))),
        )
        .await,
    );

    // Enough ephemerals for `srp_max_rate` sign-ins/s over the warm-up and the window; any that run out
    // are computed in the loop (and counted).
    let want = (s.srp_max_rate * (s.warmup + s.seconds + 1.0)) as usize + s.connections;
    let pre = srp.precompute(want);
    eprintln!("load: {want} SRP ephemerals precomputed in {pre:.1} s");
    let late = (
        srp.late_ephemerals.load(Ordering::Relaxed),
        srp.late_secrets.load(Ordering::Relaxed),
    );
    let names: Arc<Vec<String>> = Arc::new(users.iter().map(|u| u.username.clone()).collect());
    let mut t = throughput(
        server,
        s,
        "SRP sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER)",
        format!(
            "complete sign-ins/s (2 requests each; latency of the pair, client proof included; CPU / req is per sign-in), {n} users round-robin"
        ),
        Work::Srp(srp.clone(), names),
    )
    .await;
    let late_ephemerals = srp.late_ephemerals.load(Ordering::Relaxed) - late.0;
    let late_secrets = srp.late_secrets.load(Ordering::Relaxed) - late.1;
    srp.ephemerals.lock().expect("lock").clear();
    t.note = format!(
        "SRP client: {want} ephemerals (256-bit a, A = g^a) precomputed before the run in {pre:.1} s (untimed), g^x cached per user; \
         during the run the client computed {late_ephemerals} more ephemerals and {late_secrets} g^x. Its math per sign-in is one \
         3072-bit exponentiation with a ~512-bit exponent plus hashing and JSON: the load generator used \
         {:.2} ms of CPU per sign-in, i.e. {:.2} of the 2 cores.",
        t.client_cpu_per_request_ms(),
        t.cpu.client
    );
    out.push(t);

    let ids = Arc::new((pool.to_string(), client.to_string()));
    out.push(
        throughput_with(
            server,
            s,
            s.bulk_connections,
            "SignUp + AdminConfirmSignUp",
            format!(
                "new users/s: SignUp with email ({}) then AdminConfirmSignUp, both 200",
                hashing(s)
            ),
            Work::NewUser(ids),
        )
        .await,
    );
    let client = client.to_string();
    out.push(
        throughput(
            server,
            s,
            "SignUp",
            format!("new users with email, {}", hashing(s)),
            Work::Request(Arc::new(move |c, i| {
                ("SignUp", sign_up_body(&client, &format!("tp{c:03}-{i:07}")))
            })),
        )
        .await,
    );
    out
}
