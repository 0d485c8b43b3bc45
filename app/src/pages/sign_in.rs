use crate::api::auth::SignIn;
use crate::components::*;
use crate::session::use_me;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, params::Params};

/// What the sign-in page's address may hold: where to go next, what just happened, and
/// what a plain form or single sign-on sent back.
#[derive(Params, Clone, Default, PartialEq)]
struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
    password_reset: Option<String>,
    email: Option<String>,
    sso: Option<String>,
    provider: Option<String>,
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = typed_query::<SignInQuery>();
    let next = query.next.unwrap_or_default();
    let signed_out = query.signed_out.is_some();
    let password_reset = query.password_reset.is_some();
    // Sent back by the server after a plain form failed: what was typed (only ever put back
    // in its field, never shown as a message).
    let email = query.email.unwrap_or_default();
    let came_back = query.sso.is_some();
    let sso = (query.sso, query.provider);
    let sso_email = email.clone();
    let offered = Resource::new(
        || (),
        |_| crate::api::single_sign_on::school_sign_in_offered(),
    );
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action.value());
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
            {password_reset.then(|| view! {
                <Banner title="Your new password is set" kind=BannerKind::Success>
                    <p>"Sign in with it now. Anyone who was signed in as you elsewhere has been signed out."</p>
                </Banner>
            })}
            {sso.0.and_then(|code| sso_problem(&code, sso.1.as_deref()))}
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
            // Only where someone has single sign-on (or it just sent the person back here).
            <Suspense fallback=|| ()>
                {move || {
                    let sso_email = sso_email.clone();
                    Suspend::new(async move {
                        let offered = came_back || offered.await.unwrap_or(true);
                        offered.then(|| view! {
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
                        })
                    })
                }}
            </Suspense>
            <h2 class="section-title">"New to Tandem?"</h2>
            <p>
                "Your setting admin or SENCo will give you an invite code. "
                <a href="/join">"Create your account with an invite code"</a>
                "."
            </p>
            <p><a href="/forgot-password">"Forgotten your password?"</a>" You can set a new one; your learning log stays as it is."</p>
        </div>
    }
    .into_any()
}

/// Why signing in with a school account did not work, and what to do instead. Only known
/// codes are shown, in Tandem's words: nothing from the address itself.
fn sso_problem(code: &str, provider: Option<&str>) -> Option<impl IntoView> {
    let problem = domain::single_sign_on::SignOnProblem::parse(code)?;
    let provider = provider
        .and_then(domain::single_sign_on::ProviderKind::parse)
        .map_or("your school's sign-in", |k| k.short());
    Some(view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2 class="error-summary-title">"You are not signed in"</h2>
            <p>{problem.message(provider)}</p>
        </div>
    })
}
