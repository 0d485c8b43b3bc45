//! Signing in with a school's Microsoft Entra ID or Google Workspace account (OpenID
//! Connect, authorization code flow with PKCE).
//!
//! `POST /sign-in/sso` (the email address someone typed) finds the provider that signs in
//! that email domain (a setting's, or a trust's for all its settings) and sends the browser there, with a fresh state, nonce and
//! PKCE challenge; the state is also set in a cookie, so an answer the browser did not ask
//! for is refused. `GET /sign-in/sso/callback` takes the state (once, within ten minutes),
//! exchanges the code, and verifies the ID token against the issuer's keys (signature,
//! issuer, audience, expiry, nonce) with the `openidconnect` crate. Every failure sends the
//! person back to the sign-in page with a problem's code (the page says what to do).
//!
//! Only providers and domains whoever runs Tandem approved are used, and only over https
//! to public addresses. An existing account is never linked by its email address alone:
//! the person first proves it is theirs (`/sign-in/link`), and is told by email when a
//! link is made.

use app::server::cookies::Jar;
use app::server::AppState;
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use domain::single_sign_on::{domain_of, ProviderKind, SignOnProblem as Problem};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, LoginHint, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use services::store::single_sign_on as store;

const CALLBACK: &str = "/sign-in/sso/callback";
/// How long the provider may take to answer each request.
const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in/sso", post(start))
        .route(CALLBACK, get(callback))
}

/// Back to the sign-in page with the problem's code (and the address typed, for its field
/// only).
fn back(state: &AppState, problem: Problem, kind: Option<ProviderKind>, email: &str) -> Response {
    let mut url = format!("/sign-in?sso={}", problem.code());
    if let Some(kind) = kind {
        url.push_str(&format!("&provider={}", kind.as_str()));
    }
    if domain::validate::email(email).is_ok() {
        url.push_str(&format!("&email={}", app::pages::urlencode(email)));
    }
    let mut response = Redirect::to(&url).into_response();
    clear_state_cookie(state, &mut response);
    response
}

#[derive(serde::Deserialize)]
struct StartForm {
    #[serde(default)]
    email: String,
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    let email = match domain::validate::email(&form.email) {
        Ok(email) => email,
        Err(_) => return back(&state, Problem::NotSetUp, None, ""),
    };
    let Some(domain) = domain_of(&email) else {
        return back(&state, Problem::NotSetUp, None, &email);
    };
    let provider = match store::for_domain(&state.db, &domain).await {
        Ok(Some(p)) => p,
        Ok(None) => return back(&state, Problem::NotSetUp, None, &email),
        Err(error) => {
            tracing::error!(%error, "single sign-on: reading the provider failed");
            return back(&state, Problem::Unavailable, None, &email);
        }
    };
    let kind = Some(provider.kind);
    if !provider.issuer_approved || !provider.signs_in(&domain) {
        return back(&state, Problem::Waiting, kind, &email);
    }
    let client = match client(&state, &headers, &provider).await {
        Ok(client) => client,
        Err(problem) => return back(&state, problem, kind, &email),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .set_login_hint(LoginHint::new(email.clone()))
        // Shared tablets: the provider must ask who is signing in, never reuse the account
        // the last person left signed in there.
        .add_prompt(CoreAuthPrompt::Login)
        .url();
    if let Err(error) = store::begin(
        &state.db,
        csrf.secret(),
        provider.owner,
        nonce.secret(),
        verifier.secret(),
    )
    .await
    {
        tracing::error!(%error, "single sign-on: keeping the state failed");
        return back(&state, Problem::Unavailable, kind, &email);
    }
    let mut response = onward(url.as_str(), provider.kind);
    let cookie = Jar::SignOn.header(csrf.secret(), store::LOGIN_TTL_SECS, state.secure_cookies);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A page that goes on to the provider. Not a redirect: the sign-in page's form may only
/// post to Tandem (`form-action 'self'`), and browsers apply that to where a form's answer
/// redirects too. A refresh (and the link, for anyone whose browser does not follow it) is
/// an ordinary navigation.
fn onward(url: &str, kind: ProviderKind) -> Response {
    let href = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let short = kind.short();
    let page = format!(
        "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={href}\"><title>Signing in with {short}</title></head><body><main><p>Taking you to {short} to sign in. <a href=\"{href}\">Continue</a> if nothing happens.</p></main></body></html>"
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The provider's client, from its discovery document (fetched each time, so a change of
/// keys at the provider is picked up at once). The issuer, and every address the document
/// names, must be https to a public host (`domain::single_sign_on::endpoint`), checked here
/// as well as when the admin saved it.
async fn client(
    state: &AppState,
    headers: &HeaderMap,
    provider: &store::Provider,
) -> Result<Client, Problem> {
    let loopback = services::network::sso_loopback_http();
    let refuse = |what: &str, why: &str| {
        tracing::warn!(
            owner = %provider.owner,
            issuer = provider.issuer,
            "single sign-on: the provider's {what} {why}; refused"
        );
        Problem::Unavailable
    };
    if let Err(why) = domain::single_sign_on::issuer(provider.kind, &provider.issuer, loopback) {
        return Err(refuse("issuer", &why));
    }
    let secret =
        services::secrets::open(provider.owner, &provider.secret_sealed).map_err(|error| {
            tracing::error!(owner = %provider.owner, "single sign-on: {error}");
            Problem::Unavailable
        })?;
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| Problem::Unavailable)?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &http())
        .await
        .map_err(|error| {
            tracing::warn!(
                owner = %provider.owner,
                issuer = provider.issuer,
                "single sign-on: provider unreachable: {error}"
            );
            Problem::Unavailable
        })?;
    let named = [
        (
            "authorization endpoint",
            Some(metadata.authorization_endpoint().url()),
        ),
        ("token endpoint", metadata.token_endpoint().map(|u| u.url())),
        ("keys address", Some(metadata.jwks_uri().url())),
        (
            "user info endpoint",
            metadata.userinfo_endpoint().map(|u| u.url()),
        ),
    ];
    for (what, url) in named {
        if let Some(url) = url {
            if let Err(why) = domain::single_sign_on::endpoint(url, loopback) {
                return Err(refuse(what, why));
            }
        }
    }
    let redirect = RedirectUrl::new(format!("{}{CALLBACK}", origin(state, headers)))
        .map_err(|_| Problem::Unavailable)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(redirect))
}

/// No redirects (a provider's redirect could point anywhere), and a time limit.
fn http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .build()
        .unwrap_or_default()
}

/// Where people reach Tandem: TANDEM_PUBLIC_URL, or the address they asked for.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    state.public_origin.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1:3000");
        format!("http://{host}")
    })
}

#[derive(serde::Deserialize)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(answer): Query<Answer>,
) -> Response {
    let sent = answer.state.unwrap_or_default();
    // The state must be the one this browser was given, and unused.
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| Jar::SignOn.read(c, state.secure_cookies));
    if sent.is_empty() || cookie.as_deref() != Some(sent.as_str()) {
        // Not this browser's sign-in (or altered): refused, and the one this browser did
        // start is left to finish.
        return Redirect::to("/sign-in?sso=expired").into_response();
    }
    let pending = match store::take(&state.db, &sent).await {
        Ok(Some(p)) => p,
        Ok(None) => return back(&state, Problem::Expired, None, ""),
        Err(error) => {
            tracing::error!(%error, "single sign-on: reading the state failed");
            return back(&state, Problem::Unavailable, None, "");
        }
    };
    let provider = match store::by_owner(&state.db, pending.owner).await {
        Ok(Some(p)) => p,
        _ => return back(&state, Problem::NotSetUp, None, ""),
    };
    let kind = Some(provider.kind);
    if !provider.issuer_approved {
        return back(&state, Problem::Waiting, kind, "");
    }
    if answer.error.is_some() {
        return back(&state, Problem::Cancelled, kind, "");
    }
    let Some(code) = answer.code else {
        return back(&state, Problem::Failed, kind, "");
    };
    let client = match client(&state, &headers, &provider).await {
        Ok(client) => client,
        Err(problem) => return back(&state, problem, kind, ""),
    };
    let exchange = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(request) => {
            request
                .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
                .request_async(&http())
                .await
        }
        Err(error) => {
            tracing::warn!("single sign-on: no token endpoint: {error}");
            return back(&state, Problem::Failed, kind, "");
        }
    };
    let tokens = match exchange {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::warn!(
                owner = %provider.owner,
                "single sign-on: code exchange refused: {error}"
            );
            return back(&state, Problem::Failed, kind, "");
        }
    };
    let Some(id_token) = tokens.id_token() else {
        return back(&state, Problem::Failed, kind, "");
    };
    let claims = match id_token.claims(&client.id_token_verifier(), &Nonce::new(pending.nonce)) {
        Ok(claims) => claims,
        Err(error) => {
            tracing::warn!(
                owner = %provider.owner,
                "single sign-on: ID token refused: {error}"
            );
            return back(&state, Problem::Failed, kind, "");
        }
    };
    let email = claims
        .email()
        .map(|e| e.as_str().trim().to_lowercase())
        .unwrap_or_default();
    if domain::validate::email(&email).is_err() || !verified(&provider, claims.email_verified()) {
        return back(&state, Problem::Unverified, kind, "");
    }
    if !domain_of(&email).is_some_and(|d| provider.signs_in(&d)) {
        return back(&state, Problem::WrongDomain, kind, "");
    }
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_string())
        .and_then(|n| domain::validate::display_name(&n).ok())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let who = store::Identity {
        issuer: &provider.issuer,
        subject: claims.subject().as_str(),
        email: &email,
        name: &name,
    };
    let outcome = match store::sign_in(&state.db, &provider, &who).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(store::Refusal::Closed)) => return back(&state, Problem::Closed, kind, &email),
        Ok(Err(store::Refusal::OtherSetting)) => {
            return back(&state, Problem::OtherSetting, kind, &email)
        }
        Ok(Err(store::Refusal::NotPlaced)) => {
            tracing::info!(owner = %provider.owner, "single sign-on: nobody named this person");
            return back(&state, Problem::NotPlaced, kind, &email);
        }
        Err(error) => {
            tracing::error!(%error, "single sign-on: finding the account failed");
            return back(&state, Problem::Unavailable, kind, &email);
        }
    };
    tracing::info!(owner = %provider.owner, ?outcome, "single sign-on");
    let user_id = match outcome {
        store::Outcome::Known(id) | store::Outcome::Created(id) => id,
        store::Outcome::Reclaimed(id) => {
            // The account is the provider's person's now: tell them, as for any link.
            if let Err(error) =
                services::accounts::tell_of_link(&state.db, id, provider.kind.account()).await
            {
                tracing::error!(%error, "single sign-on: queueing the link notice failed");
            }
            id
        }
        store::Outcome::ProveFirst { user_id, .. } => {
            return prove_first(&state, user_id, &who, kind).await;
        }
    };
    let session = match services::store::sessions::create(&state.db, user_id).await {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "single sign-on: starting the session failed");
            return back(&state, Problem::Unavailable, kind, &email);
        }
    };
    let _ = services::store::users::touch_last_seen(&state.db, user_id).await;
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = app::server::cookies::session_header(&session, state.secure_cookies).parse()
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    clear_state_cookie(&state, &mut response);
    response
}

/// An account with this address exists and is not linked to this school account: the
/// person proves it is theirs on `/sign-in/link` (its password, or a code sent to the
/// address) before anything is linked. This browser holds the proof.
async fn prove_first(
    state: &AppState,
    user_id: i64,
    who: &store::Identity<'_>,
    kind: Option<ProviderKind>,
) -> Response {
    let started =
        services::accounts::start_link_proof(&state.db, user_id, who.issuer, who.subject).await;
    let token = match started {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "single sign-on: starting the link proof failed");
            return back(state, Problem::Unavailable, kind, who.email);
        }
    };
    let mut response = Redirect::to("/sign-in/link").into_response();
    let cookie = Jar::Proof.header(
        &token,
        services::store::proofs::PROOF_TTL_SECS,
        state.secure_cookies,
    );
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    clear_state_cookie(state, &mut response);
    response
}

/// Whether the provider vouches for the email address. Google and most providers say so
/// in `email_verified`. Microsoft Entra ID does not send it: there the address comes from
/// the school's own tenant (the issuer names it), whose domains Microsoft has verified, so
/// it is trusted only with a tenant's issuer, never the shared `common` ones.
fn verified(provider: &store::Provider, email_verified: Option<bool>) -> bool {
    match (provider.kind, email_verified) {
        (_, Some(v)) => v,
        (ProviderKind::Microsoft, None) => !["/common/", "/organizations/", "/consumers/"]
            .iter()
            .any(|shared| format!("{}/", provider.issuer).contains(shared)),
        (_, None) => false,
    }
}

fn clear_state_cookie(state: &AppState, response: &mut Response) {
    let cookie = Jar::SignOn.header("", 0, state.secure_cookies);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
