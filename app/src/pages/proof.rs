//! `/confirm-email`: a new account's address, proved with an emailed code (or confirmed by
//! the admin where Tandem sends no email). `/sign-in/link`: an existing account, proved
//! with its password or an emailed code, before a school account is linked to it.

use crate::api::proof::{
    proof_status, EnterProofCode, LinkWithPassword, ProofKind, ProofView, SendProofCode,
};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProofPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| proof_status());
    view! {
        <Title text="Check it is you"/>
        <div class="narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(Some(view)) => view! { <Proof view/> }.into_any(),
                        _ => view! { <Ended/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// No proof in progress on this device (it ended, or started elsewhere), and why, when the
/// last try was what ended it.
#[component]
fn Ended() -> impl IntoView {
    let why = plain_form_error::<EnterProofCode>().or_else(plain_form_error::<LinkWithPassword>);
    view! {
        <ErrorSummary error=Signal::derive(move || why.clone())/>
        <h1 class="page-title">"This check has ended"</h1>
        <p>"A check that an address or account is yours lasts half an hour, on the device where it started. Sign in again to start a new one."</p>
        <p><a href="/sign-in">"Sign in"</a></p>
    }
}

#[component]
fn Proof(view: ProofView) -> impl IntoView {
    let sent_now = query_value("sent").is_some();
    let send = ServerAction::<SendProofCode>::new();
    let code = ServerAction::<EnterProofCode>::new();
    let password = ServerAction::<LinkWithPassword>::new();
    let send_error = action_error(send.value());
    let code_error = action_error(code.value());
    let password_error = action_error(password.value());
    let sent = Signal::derive(move || {
        view.code_sent || sent_now || matches!(send.value().get(), Some(Ok(_)))
    });
    let email = view.email.clone();
    let (heading, lead) = match view.kind {
        ProofKind::Join => (
            "Confirm your email address".to_string(),
            format!("Your account is made. Before you can use it, we need to know that {email} is yours."),
        ),
        ProofKind::Link => (
            format!("Link your {}", view.account),
            format!(
                "You already have a Tandem account as {email}. To sign in to it with your {} from now on, show that the Tandem account is yours. Nothing is linked until you do.",
                view.account
            ),
        ),
    };
    let code_form = move || {
        view! {
            <ErrorSummary error=code_error/>
            <ActionForm action=code>
                <TextField
                    name="code"
                    label="Code from the email"
                    hint="6 digits. It works for 30 minutes, on this device."
                    autocomplete="one-time-code"
                    input_type="text"
                    width_class="w-48"
                    error=field_error(code_error, "code")
                />
                <Button busy=code.pending()>"Confirm"</Button>
            </ActionForm>
        }
    };
    let email_part = if view.mail {
        let email = email.clone();
        view! {
            <section aria-labelledby="code-heading" class="card">
                <h2 id="code-heading" class="card-heading">
                    {if view.kind == ProofKind::Link { "Or use a code we email you" } else { "Enter the code we emailed you" }}
                </h2>
                {move || sent.get().then(|| view! {
                    <p role="status">{format!("We sent a code to {email}. It can take a minute to arrive; check your junk folder too.")}</p>
                })}
                {move || sent.get().then(code_form)}
                <ErrorSummary error=send_error/>
                <ActionForm action=send>
                    <Button kind=ButtonKind::Secondary busy=send.pending()>
                        {move || if sent.get() { "Send a new code" } else { "Email me a code" }}
                    </Button>
                </ActionForm>
            </section>
        }
        .into_any()
    } else if view.kind == ProofKind::Join {
        view! {
            <section aria-labelledby="admin-heading" class="card">
                <h2 id="admin-heading" class="card-heading">"Ask your setting admin to confirm you"</h2>
                <p>"Tandem does not send email here, so your setting admin confirms new accounts. Ask them to confirm you on Staff and invites. Then sign in with your email address and password."</p>
                <p><a href="/sign-in">"Go to sign in"</a></p>
            </section>
        }
        .into_any()
    } else {
        ().into_any()
    };
    let password_part = (view.kind == ProofKind::Link).then(|| {
        if view.has_password {
            view! {
                <section aria-labelledby="password-heading" class="card">
                    <h2 id="password-heading" class="card-heading">"Enter your Tandem password"</h2>
                    <ErrorSummary error=password_error/>
                    <ActionForm action=password>
                        <TextField
                            name="password"
                            label="Your Tandem password"
                            input_type="password"
                            autocomplete="current-password"
                            error=field_error(password_error, "password")
                        />
                        <Button busy=password.pending()>"Link and sign in"</Button>
                    </ActionForm>
                </section>
            }
            .into_any()
        } else if !view.mail {
            view! {
                <p>"Your Tandem account has no password and Tandem does not send email here, so it cannot be linked this way. Ask your setting admin."</p>
            }
            .into_any()
        } else {
            ().into_any()
        }
    });
    view! {
        <h1 class="page-title">{heading}</h1>
        <p class="lead">{lead}</p>
        {password_part}
        {email_part}
        <p>"Not you, or changed your mind? " <a href="/sign-in">"Go back to sign in"</a> "."</p>
    }
}
