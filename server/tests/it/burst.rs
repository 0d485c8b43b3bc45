//! Bursts of sign-ins and joins, as a hostile visitor (or a whole staff room at 8:45) sends
//! them: the limits hold under parallel attempts, and memory stays bounded.

use crate::common::*;
use app::api::auth::{Join, SignIn};
use http::StatusCode;
use std::sync::Arc;

/// The two tests share the process's memory figures: one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn address(n: u32) -> std::net::SocketAddr {
    format!("198.51.{}.{}:40000", 100 + n / 250, 1 + n % 250)
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_for_one_account_let_at_most_the_limit_through() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = Arc::new(TestApp::new().await);
    let tries: Vec<_> = (0..200)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                app.call_from::<SignIn>(
                    Some(address(n)),
                    &[("email", SAM), ("password", "a wrong guess")],
                    None,
                    &[],
                )
                .await
                .status
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for t in tries {
        *statuses.entry(t.await.unwrap().as_u16()).or_insert(0u32) += 1;
    }
    let let_through = statuses.get(&422).copied().unwrap_or(0);
    println!("figures: 200 parallel wrong passwords for one account: {let_through} tried, the rest refused {statuses:?}");
    assert!(
        let_through <= services::store::rate_limit::SIGN_IN_ACCOUNT.free as u32,
        "{statuses:?}"
    );
    assert!(
        statuses.keys().all(|s| [422, 429, 503].contains(s)),
        "{statuses:?}"
    );
    // The account is protected, and Sam (from another address) is told to wait, not let in.
    let r = app
        .call_from::<SignIn>(
            Some(address(999)),
            &[("email", SAM), ("password", server::demo::DEMO_PASSWORD)],
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_sign_ins_and_joins_stays_within_memory() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = Arc::new(TestApp::new().await);
    let admin = app.sign_in(ADMIN).await;
    let code = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    let before = rss_mb();
    let peak = Arc::new(std::sync::Mutex::new(before));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let now = rss_mb();
                {
                    let mut p = peak.lock().unwrap();
                    *p = p.max(now);
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
    };
    let burst: Vec<_> = (0..500u32)
        .map(|n| {
            let (app, code) = (app.clone(), code.clone());
            tokio::spawn(async move {
                if n % 2 == 0 {
                    let email = format!("guess{n}@oakfield.example");
                    app.call_from::<SignIn>(
                        Some(address(n)),
                        &[("email", &email), ("password", "a wrong guess")],
                        None,
                        &[],
                    )
                    .await
                    .status
                } else {
                    let email = format!("joiner{n}@oakfield.example");
                    app.call_from::<Join>(
                        Some(address(n)),
                        &[
                            ("code", &code),
                            ("display_name", "Jo Joiner"),
                            ("email", &email),
                            ("password", "a long enough pass phrase"),
                            ("sector", "school_age"),
                        ],
                        None,
                        &[],
                    )
                    .await
                    .status
                }
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for t in burst {
        *statuses.entry(t.await.unwrap().as_u16()).or_insert(0u32) += 1;
    }
    sampling.abort();
    let peak = *peak.lock().unwrap();
    println!("figures: 500 parallel sign-ins and joins: memory {before:.0} MB before, peak {peak:.0} MB, {:.0} MB after; answers {statuses:?}", rss_mb());
    assert!(
        statuses.keys().all(|s| [200, 422, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains_key(&503) || statuses.get(&200).copied().unwrap_or(0) == 250,
        "{statuses:?}"
    );
    assert!(peak < 150.0, "peak memory {peak:.0} MB");
}
