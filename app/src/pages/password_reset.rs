//! Getting back in after forgetting a password: asking for a link (where Tandem sends
//! email), and setting a new password with the link or with a code from the setting's
//! admin. Plain forms: they work before any script loads, and without it.

use crate::api::password_reset::{
    reset_link_works, resets_by_email, ForgotPassword, ResetPassword,
};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/forgot-password`: a link by email, or the way to an admin's code.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let sent = query_value("sent").is_some();
    let email = query_value("email").unwrap_or_default();
    let by_email = Resource::new(|| (), |_| resets_by_email());
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action.value());
    view! {
        <Title text="Forgotten your password"/>
        <div class="narrow">
            <h1 class="page-title">"Forgotten your password"</h1>
            <p class="lead">"Set a new one. Your learning log and progress stay just as they are."</p>
            <Suspense fallback=|| ()>
                {move || {
                    let email = email.clone();
                    Suspend::new(async move {
                        if !by_email.await.unwrap_or(false) {
                            return view! {
                                <p>"Ask your setting admin for a password reset code. They make one for you on their “Staff and invites” page; it works once, for a day."</p>
                                <p><a href="/reset-password" class="btn btn-primary">"Enter a reset code"</a></p>
                            }.into_any();
                        }
                        if sent {
                            return view! {
                                <Banner title="Check your email" kind=BannerKind::Success>
                                    <p>"If that address has a Tandem account, a link to set a new password is on its way. It works for an hour. If nothing comes within a few minutes, look in your junk folder."</p>
                                </Banner>
                                <p><a href="/sign-in">"Back to sign in"</a></p>
                            }.into_any();
                        }
                        view! {
                            <ErrorSummary error/>
                            <ActionForm action>
                                <TextField
                                    name="email"
                                    label="Email address"
                                    hint="The address you sign in to Tandem with. We will email it a link."
                                    input_type="email"
                                    autocomplete="email"
                                    spellcheck="false"
                                    value=email
                                    error=field_error(error, "email")
                                />
                                <Button busy=action.pending()>"Email me a link"</Button>
                            </ActionForm>
                            <p>"Has your setting admin given you a reset code? "<a href="/reset-password">"Enter it here"</a>"."</p>
                        }.into_any()
                    })
                }}
            </Suspense>
        </div>
    }
}

/// `/reset-password`: a new password, with an emailed link's token (in the address) or
/// with an admin's code and the person's email address.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = query_value("token").unwrap_or_default();
    let email = query_value("email").unwrap_or_default();
    let code = query_value("code").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action.value());
    let works = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        |token| async move {
            if token.is_empty() {
                Ok(true)
            } else {
                reset_link_works(token).await
            }
        },
    );
    view! {
        <Title text="Set a new password"/>
        <div class="narrow">
            <h1 class="page-title">"Set a new password"</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let (token, email, code) = (token.clone(), email.clone(), code.clone());
                    Suspend::new(async move {
                        // A used or expired link says so before anyone types (a refusal of
                        // this very form is shown with the form, below).
                        if !works.await.unwrap_or(false) && error.get_untracked().is_none() {
                            return view! {
                                <p class="lead">"This link has been used or has expired."</p>
                                <p><a href="/forgot-password" class="btn btn-primary">"Ask for a new link"</a></p>
                            }.into_any();
                        }
                        let by_link = !token.is_empty();
                        view! {
                            <p class="lead">
                                {if by_link {
                                    "Choose a new password. Anyone signed in as you on another device is signed out."
                                } else {
                                    "Enter your email address and the code your setting admin gave you, then choose a new password. Anyone signed in as you on another device is signed out."
                                }}
                            </p>
                            <ErrorSummary error/>
                            <ActionForm action>
                                <input type="hidden" name="token" value=token/>
                                {(!by_link).then(|| view! {
                                    <TextField
                                        name="email"
                                        label="Email address"
                                        input_type="email"
                                        autocomplete="username"
                                        spellcheck="false"
                                        value=email
                                        error=field_error(error, "email")
                                    />
                                    <TextField
                                        name="code"
                                        label="Reset code"
                                        hint="Eight letters and numbers, like ABCD-EFGH."
                                        autocomplete="one-time-code"
                                        spellcheck="false"
                                        value=code
                                        width_class="w-auto"
                                        error=field_error(error, "code")
                                    />
                                })}
                                <TextField
                                    name="new_password"
                                    label="New password"
                                    hint="At least 10 characters. A few unrelated words make a good one."
                                    input_type="password"
                                    autocomplete="new-password"
                                    error=field_error(error, "new_password")
                                />
                                <TextField
                                    name="confirm_password"
                                    label="The new password again"
                                    input_type="password"
                                    autocomplete="new-password"
                                    error=field_error(error, "confirm_password")
                                />
                                <Button busy=action.pending()>"Set my new password"</Button>
                            </ActionForm>
                        }.into_any()
                    })
                }}
            </Suspense>
        </div>
    }
}
