use crate::api::auth::SignIn;
use crate::components::*;
use crate::session::{hard_navigate, use_me};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
    let signed_out = query.with_untracked(|q| q.get("signed_out").is_some());
    // Sent back by the server after a plain form failed: what was typed.
    let email = query.with_untracked(|q| q.get("email")).unwrap_or_default();
    let sso = query.with_untracked(|q| (q.get("sso"), q.get("provider")));
    let sso_email = email.clone();
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(next)) = action.value().get() {
            hard_navigate(&next);
        }
    });
    if use_me().get_untracked().is_some() {
        return view! { <Redirect path="/"/> }.into_any();
    }
    view! {
        <Title text="Sign in"/>
        <div class="narrow">
            {signed_out
                .then(|| {
                    view! {
                        <Banner title="You have signed out" kind=BannerKind::Success>
                            <p>"It is safe to hand this device to someone else."</p>
                        </Banner>
                    }
                })}
            {sso.0.map(|code| sso_problem(&code, sso.1.as_deref(), &email))}
            <ErrorSummary error/>
            <h1 class="page-title">"Sign in to Tandem"</h1>
            <ActionForm action>
                <input type="hidden" name="next" value=next/>
                <TextField
                    name="email"
                    label="Email address"
                    input_type="email"
                    autocomplete="email"
                    spellcheck="false"
                    value=email
                    error=field_error(error, "email")
                />
                <TextField
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")
                />
                <Button busy=action.pending()>"Sign in"</Button>
            </ActionForm>
            <h2 class="section-title">"Or use your school account"</h2>
            <p>"If your setting has set up sign-in with Microsoft 365 or Google Workspace, you do not need a Tandem password."</p>
            // A plain form: the server sends the browser on to the school's provider.
            <form method="post" action="/sign-in/sso">
                // Its own id: the password form above has a field named "email" too.
                <div class="field">
                    <label for="sso-email" class="field-label">"Your school account's email"</label>
                    <input id="sso-email" name="email" type="email" autocomplete="email" spellcheck="false" value=sso_email class="input w-full"/>
                </div>
                <Button kind=ButtonKind::Secondary>"Continue with your school account"</Button>
            </form>
            <h2 class="section-title">"New to Tandem?"</h2>
            <p>
                "Your setting admin or SENCo will give you an invite code. "
                <a href="/join">"Create your account with an invite code"</a>
                "."
            </p>
            <p>"Forgotten your password? Ask your setting admin: they can set up a new account for you or help you sign in."</p>
        </div>
    }
    .into_any()
}

/// Why signing in with a school account did not work, and what to do instead.
fn sso_problem(code: &str, provider: Option<&str>, email: &str) -> impl IntoView {
    let provider = provider
        .and_then(domain::single_sign_on::ProviderKind::parse)
        .map_or("your school's sign-in", |k| k.short());
    let domain = domain::single_sign_on::domain_of(email).unwrap_or_default();
    let message = match code {
        "not-set-up" if domain.is_empty() => "Enter your school email address, like name@school.org.uk.".to_string(),
        "not-set-up" => format!("Sign-in with a school account is not set up for {domain}. Sign in with your Tandem password, or ask your setting admin."),
        "unavailable" => format!("We could not reach {provider} just now, so you are not signed in. Try again in a few minutes. Sign in with your Tandem password if your setting allows it."),
        "expired" => "That sign-in had expired or did not start on this device. Start again below.".to_string(),
        "cancelled" => format!("Sign-in was cancelled at {provider}. Start again when you are ready."),
        "unverified" => format!("{provider} did not confirm your email address, so you are not signed in. Ask your setting admin."),
        "wrong-domain" => format!("You signed in to {provider} as {email}, which is not an address your setting allows. Sign out of that account at {provider} and use your school account."),
        "closed" => "This account has been deactivated. Ask your setting admin to reactivate it.".to_string(),
        "other-setting" => format!("{email} already has a Tandem account in another setting. Ask your setting admin to move it."),
        _ => format!("{provider} sign-in could not be checked, so you are not signed in. Try again; if it keeps happening, tell your setting admin."),
    };
    view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2 class="error-summary-title">"You are not signed in"</h2>
            <p>{message}</p>
        </div>
    }
}
