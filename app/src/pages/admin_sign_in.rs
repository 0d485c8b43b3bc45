//! `/admin/sign-in`: a setting admin sets up single sign-on with the school's Microsoft
//! 365 or Google Workspace accounts.

use super::Restricted;
use crate::api::single_sign_on::{
    sso_redirect_uri, sso_settings, trust_sign_on, NewProvider, SaveSso, TurnOffSso,
};
use crate::components::*;
use crate::session::local_date;
use domain::model::Role;
use domain::single_sign_on::{ProviderKind, ProviderView, TrustSignOnView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminSignInPage() -> impl IntoView {
    view! {
        <Title text="Single sign-on"/>
        <Restricted roles=&[Role::Admin]>
            <SingleSignOn/>
        </Restricted>
    }
}

#[component]
fn SingleSignOn() -> impl IntoView {
    let saved = Resource::new(
        || (),
        |_| async {
            (
                sso_settings().await,
                sso_redirect_uri().await,
                trust_sign_on().await,
            )
        },
    );
    view! {
        <p class="breadcrumb"><a href="/admin">"Staff and invites"</a></p>
        <h1 class="page-title">"Single sign-on"</h1>
        <p class="lede">"Let staff sign in with the Microsoft 365 or Google Workspace account they already use at school. Tandem never sees their school password."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match saved.await {
                    (Ok(current), Ok(redirect), Ok(trusts)) => view! {
                        <TrustSignOn trusts/>
                        <ProviderForm current redirect/>
                    }.into_any(),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A trust's sign-on that already covers this setting: what it does, and what the admin
/// must do for a newcomer to land here (name them in a staff import).
#[component]
fn TrustSignOn(trusts: Vec<TrustSignOnView>) -> impl IntoView {
    trusts
        .into_iter()
        .map(|t| {
            let domains = t.domains.join(", ");
            view! {
                <section class="card" aria-labelledby="trust-sign-on">
                    <h2 id="trust-sign-on">{format!("{}'s single sign-on", t.network)}</h2>
                    <p>{format!(
                        "People with an address at {domains} sign in with their {} through your trust, set up by whoever runs Tandem. You do not need your own set-up for {domains}.",
                        t.kind.account()
                    )}</p>
                    <p>"Someone new to Tandem lands in this setting only if your staff import names them, with the role it gives. "<a href="/admin/import">"Import staff"</a>" before they sign in for the first time; anyone else is told to ask you."</p>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn ProviderForm(current: Option<ProviderView>, redirect: NewProvider) -> impl IntoView {
    let NewProvider {
        redirect_uri: redirect,
        cannot_keep_secrets,
    } = redirect;
    let save = ServerAction::<SaveSso>::new();
    let off = ServerAction::<TurnOffSso>::new();
    let error = action_error(save.value());
    let off_error = action_error(off.value());
    let on = current.is_some();
    let banner = current.as_ref().map(|c| {
        let list = |approved: bool| {
            c.domains
                .iter()
                .filter(|d| d.approved == approved)
                .map(|d| d.domain.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        (
            list(true),
            list(false),
            c.issuer_approved,
            c.kind.short(),
            c.updated_at,
        )
    });
    let c = current.clone();
    // What a refused form sent back wins over what is saved.
    let kept = |name: &str, saved: String| query_value(name).unwrap_or(saved);
    let kind = kept(
        "kind",
        c.as_ref()
            .map_or("microsoft", |c| c.kind.as_str())
            .to_string(),
    );
    let issuer = kept(
        "issuer",
        c.as_ref().map(|c| c.issuer.clone()).unwrap_or_default(),
    );
    let client_id = kept(
        "client_id",
        c.as_ref().map(|c| c.client_id.clone()).unwrap_or_default(),
    );
    let domains = kept(
        "domains",
        c.as_ref()
            .map(|c| {
                c.domains
                    .iter()
                    .map(|d| d.domain.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
    );
    let role = kept(
        "new_role",
        c.as_ref()
            .map_or("practitioner", |c| c.new_role.as_str())
            .to_string(),
    );
    let password_allowed = match query_value("password_allowed").as_deref() {
        Some(kept) => kept == "on",
        None => c.as_ref().is_none_or(|c| c.password_allowed),
    };
    let kinds = ProviderKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect::<Vec<_>>();
    // Never admin: everyone at the domain would be one.
    let roles = [Role::Practitioner, Role::Senco]
        .iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect::<Vec<_>>();
    view! {
        {banner.map(|(approved, waiting, issuer_approved, short, at)| view! {
            {(issuer_approved && !approved.is_empty()).then(|| view! {
                <Banner title="Single sign-on is on" kind=BannerKind::Success>
                    <p>
                        "People with an address at "<strong>{approved}</strong>" sign in with "
                        {short}". Changed "{local_date(at)}"."
                    </p>
                </Banner>
            })}
            {(!issuer_approved || !waiting.is_empty()).then(|| view! {
                <Banner title="Waiting for approval" kind=BannerKind::Information>
                    <p>"Whoever runs Tandem for your setting checks that a sign-in provider and its email domains are really your school's before anyone can sign in through them (so no one can claim another school's domain)."</p>
                    {(!issuer_approved).then(|| view! { <p>"Waiting: your provider's issuer."</p> })}
                    {(!waiting.is_empty()).then(|| view! { <p>"Waiting: "<strong>{waiting}</strong>"."</p> })}
                    <p>"Ask them to approve it (the command is "<code>"tandem sso approve"</code>"). Until then, people sign in with their Tandem password."</p>
                </Banner>
            })}
        })}
        {cannot_keep_secrets.map(|why| view! {
            <Banner title="Not ready on this server yet" kind=BannerKind::Information>
                <p>{why}</p>
                <p>"Until then the details below cannot be saved, so there is no need to fill them in yet."</p>
            </Banner>
        })}
        <section aria-labelledby="register-heading" class="card">
            <h2 id="register-heading" class="card-heading">"1. Register Tandem with your provider"</h2>
            <p>"In Microsoft Entra admin centre (App registrations → New registration) or Google Cloud console (APIs and services → Credentials → OAuth client ID, web application), add this redirect URI:"</p>
            <p><code class="break-all">{redirect}</code></p>
            <p>"Then create a client secret and copy the client ID and secret into the form below. The scopes Tandem asks for are openid, email and profile."</p>
        </section>
        <section aria-labelledby="sso-heading" class="card">
            <h2 id="sso-heading" class="card-heading">"2. Your provider's details"</h2>
            <ErrorSummary error/>
            <ActionForm action=save>
                <SelectField name="kind" label="Provider" options=kinds selected=kind error=field_error(error, "kind")/>
                <TextField
                    name="issuer"
                    label="Issuer URL"
                    hint="Microsoft: https://login.microsoftonline.com/<your tenant ID>/v2.0. Google: https://accounts.google.com."
                    value=issuer
                    spellcheck="false"
                    error=field_error(error, "issuer")
                />
                <TextField name="client_id" label="Client ID" value=client_id spellcheck="false" error=field_error(error, "client_id")/>
                <TextField
                    name="client_secret"
                    label="Client secret"
                    hint=if on { "A secret is saved and is never shown again. Leave this empty to keep it, or enter a new one to replace it." } else { "Stored encrypted. It is never shown again after you save." }
                    input_type="password"
                    autocomplete="off"
                    error=field_error(error, "client_secret")
                />
                <TextField
                    name="domains"
                    label="Allowed email domains"
                    hint="Your school's own domains, separated by commas, like oakfield.sch.uk, staff.oakfield.sch.uk. Only accounts at these domains can sign in, once whoever runs Tandem has approved them. Email services anyone can join (gmail.com, outlook.com and the like) are not allowed."
                    value=domains
                    spellcheck="false"
                    error=field_error(error, "domains")
                />
                <SelectField
                    name="new_role"
                    label="Role for people signing in for the first time"
                    hint="Someone who already has a Tandem account with the same email address keeps their role; change roles on Staff and invites."
                    options=roles
                    selected=role
                    error=field_error(error, "new_role")
                />
                <Checkbox
                    name="password_allowed"
                    label="Password sign-in stays available"
                    hint="Untick to make staff use their school account. Admins can always sign in with a password, so an outage at the provider never locks your setting out."
                    checked=password_allowed
                />
                <Button busy=save.pending()>"Save single sign-on"</Button>
            </ActionForm>
        </section>
        {on.then(|| view! {
            <section aria-labelledby="off-heading" class="card">
                <h2 id="off-heading" class="card-heading">"Turn single sign-on off"</h2>
                <ErrorSummary error=off_error/>
                <p>"Everyone signs in with a password again. People whose accounts were made by single sign-on have no password yet: give them an invite code to set one."</p>
                <ActionForm action=off>
                    <Button busy=off.pending() kind=ButtonKind::Secondary>"Turn single sign-on off"</Button>
                </ActionForm>
            </section>
        })}
    }
}
