use super::join::sector_options;
use super::Restricted;
use crate::api::profile::{
    community_profile, sign_in_links, ChangePassword, PublicProfile, RemoveSignInLink,
    SaveCommunityProfile, SavePreferences, UpdateProfile,
};
use crate::components::*;
use crate::session::use_me;
use domain::model::{LineSpacing, Me, TextSize};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = use_me();
    view! {
        <Title text="Profile and preferences"/>
        <Restricted>
            {move || me.get_untracked().map(|m| view! { <Profile me=m/> })}
        </Restricted>
    }
}

/// A success banner for the form that has just been saved (the page's address says which:
/// `?saved=…`).
fn saved_banner(which: &'static str, title: &'static str) -> impl IntoView {
    (query_value("saved").as_deref() == Some(which))
        .then(|| view! { <Banner title kind=BannerKind::Success><p>"Your changes are saved."</p></Banner> })
}

#[component]
fn Profile(me: Me) -> impl IntoView {
    let details = ServerAction::<UpdateProfile>::new();
    let details_error = action_error(details.value());
    let prefs = ServerAction::<SavePreferences>::new();
    let prefs_error = action_error(prefs.value());
    let password = ServerAction::<ChangePassword>::new();
    let password_error = action_error(password.value());

    let p = me.preferences;
    let text_size = match p.text_size {
        TextSize::Standard => "standard",
        TextSize::Large => "large",
        TextSize::Largest => "largest",
    };
    let spacing = match p.line_spacing {
        LineSpacing::Standard => "standard",
        LineSpacing::Wide => "wide",
        LineSpacing::Widest => "widest",
    };

    view! {
        <h1 class="page-title">"Profile and preferences"</h1>
        <p class="lead">{format!("Signed in as {} ({}).", me.email, me.setting_name)}</p>

        <section aria-labelledby="details-heading" class="card">
            <h2 id="details-heading" class="card-heading">"Your details"</h2>
            {saved_banner("details", "Details saved")}
            <ErrorSummary error=details_error/>
            <ActionForm action=details>
                <TextField
                    name="display_name"
                    label="Your name"
                    autocomplete="name"
                    value=me.display_name.clone()
                    error=field_error(details_error, "display_name")
                />
                <Radios
                    name="sector"
                    legend="Your sector"
                    hint="The course shows examples from this sector first."
                    options=sector_options()
                    selected=me.sector.as_str()
                    error=field_error(details_error, "sector")
                />
                <Button busy=details.pending()>"Save details"</Button>
            </ActionForm>
        </section>

        <CommunityDetails/>

        <section id="preferences" aria-labelledby="preferences-heading" class="card">
            <h2 id="preferences-heading" class="card-heading">"Reading preferences"</h2>
            <p>"These change how every page looks for you, on any device you sign in on."</p>
            {saved_banner("preferences", "Preferences saved")}
            <ErrorSummary error=prefs_error/>
            <ActionForm action=prefs>
                <Radios
                    name="text_size"
                    legend="Text size"
                    options=vec![("standard", "Standard"), ("large", "Large"), ("largest", "Largest")]
                    selected=text_size
                    error=field_error(prefs_error, "text_size")
                />
                <Radios
                    name="line_spacing"
                    legend="Line spacing"
                    options=vec![("standard", "Standard"), ("wide", "Wide"), ("widest", "Widest")]
                    selected=spacing
                    error=field_error(prefs_error, "line_spacing")
                />
                <fieldset class="field fieldset">
                    <legend class="field-label">"Other options"</legend>
                    <Checkbox
                        name="dyslexia_font"
                        label="Use a dyslexia-friendly font"
                        hint="OpenDyslexic, with heavier letter bottoms to reduce letter swapping."
                        checked=p.dyslexia_font
                    />
                    <Checkbox
                        name="high_contrast"
                        label="High contrast colours"
                        hint="Black and white with yellow highlights."
                        checked=p.high_contrast
                    />
                    <Checkbox
                        name="reduced_motion"
                        label="Reduce movement"
                        hint="Turns off animations and smooth scrolling."
                        checked=p.reduced_motion
                    />
                </fieldset>
                <Button busy=prefs.pending()>"Save preferences"</Button>
            </ActionForm>
        </section>

        <SignInLinks/>

        <section aria-labelledby="password-heading" class="card">
            <h2 id="password-heading" class="card-heading">"Change your password"</h2>
            {saved_banner("password", "Password changed")}
            <ErrorSummary error=password_error/>
            <ActionForm action=password>
                <TextField
                    name="current_password"
                    label="Current password"
                    input_type="password"
                    autocomplete="current-password"
                    error=field_error(password_error, "current_password")
                />
                <TextField
                    name="new_password"
                    label="New password"
                    hint="At least 10 characters. Signing in elsewhere will end when you change it."
                    input_type="password"
                    autocomplete="new-password"
                    error=field_error(password_error, "new_password")
                />
                <TextField
                    name="confirm_password"
                    label="Type the new password again"
                    input_type="password"
                    autocomplete="new-password"
                    error=field_error(password_error, "confirm_password")
                />
                <Button busy=password.pending()>"Change password"</Button>
            </ActionForm>
        </section>
    }
}

/// The school accounts that sign in to this account, each removable: a link the person
/// did not make is seen here (and was emailed about) and can be taken away.
#[component]
fn SignInLinks() -> impl IntoView {
    let remove = ServerAction::<RemoveSignInLink>::new();
    let error = action_error(remove.value());
    let links = Resource::new(move || remove.version().get(), |_| sign_in_links());
    view! {
        <section id="sign-in-links" aria-labelledby="links-heading" class="card">
            <h2 id="links-heading" class="card-heading">"School accounts you sign in with"</h2>
            {saved_banner("links", "Removed")}
            <ErrorSummary error/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) if list.is_empty() => view! {
                            <p>"None. If your setting has set up sign-in with Microsoft 365 or Google Workspace, you can use “Continue with your school account” on the sign-in page."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <p>"These accounts sign in to your Tandem account. If you do not recognise one, remove it: everywhere else you are signed in is signed out too. Then tell your setting admin."</p>
                            <ul class="link-list">
                                {list.into_iter().map(|l| {
                                    let label = format!("Your {}, linked {} (by {})", l.provider, crate::session::local_date(l.linked_at), l.how);
                                    let name = format!("Remove the {} linked {}", l.provider, crate::session::local_date(l.linked_at));
                                    view! {
                                        <li>
                                            <ActionForm action=remove>
                                                <input type="hidden" name="issuer" value=l.issuer/>
                                                <input type="hidden" name="subject" value=l.subject/>
                                                <span>{label}" "</span>
                                                <button type="submit" class="btn-link" aria-label=name>"Remove"</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What others in the community see beside the person's answers.
#[component]
fn CommunityDetails() -> impl IntoView {
    let data = Resource::new(|| (), |_| community_profile());
    let action = ServerAction::<SaveCommunityProfile>::new();
    let error = action_error(action.value());
    view! {
        <section aria-labelledby="community-heading" class="card">
            <h2 id="community-heading" class="card-heading">"In the community"</h2>
            <p>"Shown beside what you post and answer, with your name, role and setting, so colleagues know where your experience comes from."</p>
            {saved_banner("community", "Saved")}
            <ErrorSummary error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let p: PublicProfile = data.await.unwrap_or_default();
                    view! {
                        <ActionForm action>
                            <Checkbox name="specialist" label="I work in a specialist setting" checked=p.specialist/>
                            <TextField
                                name="expertise"
                                label="Areas of expertise (optional)"
                                hint="Separated by commas, for example: autism, AAC, transition to college."
                                value=p.expertise
                                error=field_error(error, "expertise")
                            />
                            <Button busy=action.pending()>"Save"</Button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
