use crate::api::auth::Join;
use crate::components::*;
use crate::session::use_me;
use domain::model::Sector;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

pub fn sector_options() -> Vec<(&'static str, &'static str)> {
    Sector::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

#[component]
pub fn JoinPage() -> impl IntoView {
    // The code from an invite's link, and what a refused plain form sent back.
    let kept = |name: &str| query_value(name).unwrap_or_default();
    let code = kept("code");
    let action = ServerAction::<Join>::new();
    let error = action_error(action.value());
    if use_me().get_untracked().is_some() {
        return view! { <Redirect path="/"/> }.into_any();
    }
    view! {
        <Title text="Join your setting"/>
        <div class="narrow">
            <ErrorSummary error/>
            <h1 class="page-title">"Join your setting on Tandem"</h1>
            <p class="lead">"Use the invite code your setting gave you to create your account."</p>
            <ActionForm action>
                <TextField
                    name="code"
                    label="Invite code"
                    hint="8 letters and numbers, for example ABCD-2345"
                    autocomplete="off"
                    spellcheck="false"
                    value=code
                    width_class="w-48"
                    error=field_error(error, "code")
                />
                <TextField name="display_name" label="Your name" autocomplete="name" value=kept("display_name") error=field_error(error, "display_name")/>
                <TextField
                    name="email"
                    label="Email address"
                    hint="Use your work email. You will sign in with it."
                    input_type="email"
                    autocomplete="email"
                    spellcheck="false"
                    value=kept("email")
                    error=field_error(error, "email")
                />
                <TextField
                    name="password"
                    label="Create a password"
                    hint="At least 10 characters. Three or four random words are easy to remember and hard to guess."
                    input_type="password"
                    autocomplete="new-password"
                    error=field_error(error, "password")
                />
                <Radios
                    name="sector"
                    legend="Which age group do you work with?"
                    hint="The course shows examples from your sector. You can change this later."
                    options=sector_options()
                    selected=kept("sector")
                    error=field_error(error, "sector")
                />
                <Button busy=action.pending()>"Create account"</Button>
            </ActionForm>
            <p>"Already have an account? " <a href="/sign-in">"Sign in"</a> "."</p>
            <p>"How Tandem uses what you give it: " <a href="/privacy">"privacy notice"</a> "."</p>
        </div>
    }
    .into_any()
}
