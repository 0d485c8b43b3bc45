use super::Restricted;
use crate::api::admin::{
    invite_codes, staff, ChangeRole, ConfirmMember, CreateInvite, RevokeInvite, SetMemberActive,
    SetTermDates, SetTimeZone,
};
use crate::api::password_reset::{resets_by_email, show_reset_code, MakeResetCode};
use crate::components::*;
use crate::session::{local_date, use_me};
use domain::model::{now_secs, Invite, Member, Role};
use leptos::prelude::*;
use leptos_meta::Title;

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Staff and invites"/>
        <Restricted roles=&[Role::Admin]>
            <Admin/>
        </Restricted>
    }
}

#[component]
fn Admin() -> impl IntoView {
    let create = ServerAction::<CreateInvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetMemberActive>::new();
    let confirm = ServerAction::<ConfirmMember>::new();
    let reset = ServerAction::<MakeResetCode>::new();
    // Where Tandem sends email, people reset their own password by a link; an admin's code
    // is for where it does not.
    let by_email = Resource::new(|| (), |_| resets_by_email());
    let members = Resource::new(
        move || {
            (
                change_role.version().get(),
                set_active.version().get(),
                confirm.version().get(),
            )
        },
        |_| staff(),
    );
    let codes = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| invite_codes(),
    );

    let create_error = action_error(create.value());
    // Errors from the row actions (for example, demoting the last admin) are shown together.
    let staff_error = Signal::derive(move || {
        change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_active.value().get().and_then(Result::err))
            .or_else(|| confirm.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
    });

    view! {
        <h1 class="page-title">"Staff and invites"</h1>
        <nav aria-label="Running your setting" class="card">
            <ul class="link-list">
                <li><a href="/admin/import">"Import staff"</a>" — from a spreadsheet (CSV), with a preview before anything changes"</li>
                <li><a href="/admin/sign-in">"Single sign-on"</a>" — staff sign in with their Microsoft 365 or Google Workspace account"</li>
                <li><a href="/admin/data">"Data protection"</a>" — how long records are kept, erasing a person's records, your privacy notice"</li>
            </ul>
        </nav>

        <section aria-labelledby="invite-heading" class="card">
            <h2 id="invite-heading" class="card-heading">"Invite staff"</h2>
            <p>"Give each person a code for their role. They use it once to create their own account at the Join page."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let made = query_value("invite")?;
                    let invite = codes.await.ok()?.into_iter().find(|i| i.code == made)?;
                    Some(view! {
                        <Banner title="Invite code created" kind=BannerKind::Success>
                            <p>
                                "Code "<strong class="invite-code">{invite.code.clone()}</strong>" for a "
                                {invite.role.label()}", valid until "{local_date(invite.expires_at)}"."
                            </p>
                        </Banner>
                    })
                })}
            </Suspense>
            <ErrorSummary error=create_error/>
            <ActionForm action=create>
                <Radios
                    name="role"
                    legend="Role"
                    options=role_options()
                    selected="practitioner"
                    error=field_error(create_error, "role")
                />
                <TextField
                    name="days"
                    label="Days the code lasts"
                    hint="From 1 to 90 days."
                    input_type="number"
                    value="14"
                    width_class="w-24"
                    error=field_error(create_error, "days")
                />
                <TextField
                    name="uses"
                    label="How many people can join with it (optional)"
                    hint="For practitioner codes: leave empty for any number. SENCo and admin codes work once."
                    input_type="number"
                    width_class="w-24"
                    error=field_error(create_error, "uses")
                />
                <Button busy=create.pending()>"Create invite code"</Button>
            </ActionForm>
        </section>

        <TimeZoneForm/>
        <TermDatesForm/>

        <section aria-labelledby="codes-heading" class="card">
            <h2 id="codes-heading" class="card-heading">"Invite codes"</h2>
            <Transition fallback=|| view! { <p>"Loading invite codes…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(list) => view! { <InviteTable list revoke/> }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>

        <section aria-labelledby="staff-heading" class="card">
            <h2 id="staff-heading" class="card-heading">"Staff"</h2>
            <ErrorSummary error=staff_error/>
            <ResetCodeMade/>
            <Transition fallback=|| view! { <p>"Loading staff…"</p> }>
                {move || Suspend::new(async move {
                    let codes = !by_email.await.unwrap_or(true);
                    match members.await {
                        Ok(list) => view! { <StaffTable list change_role set_active confirm reset=codes.then_some(reset)/> }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InviteTable(list: Vec<Invite>, revoke: ServerAction<RevokeInvite>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p>"No invite codes yet."</p> }.into_any();
    }
    let now = now_secs();
    view! {
        <div class="table-wrap">
            <table class="table table-stack">
                <caption class="sr-only">"Invite codes, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Used"</th>
                        <th scope="col"><span class="sr-only">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|invite| {
                            let status = if invite.revoked {
                                "Revoked".to_string()
                            } else if invite.is_usable(now) {
                                format!("Valid until {}", local_date(invite.expires_at))
                            } else {
                                format!("Expired on {}", local_date(invite.expires_at))
                            };
                            let usable = invite.is_usable(now);
                            let code = invite.code.clone();
                            view! {
                                <tr>
                                    <td class="invite-code">{invite.code.clone()}</td>
                                    <td data-label="Role">{invite.role.label()}</td>
                                    <td data-label="Status">{status}</td>
                                    <td data-label="Used">{match invite.max_uses {
                                        Some(max) => format!("{} of {max}", invite.uses),
                                        None => format!("{} time{}", invite.uses, if invite.uses == 1 { "" } else { "s" }),
                                    }}</td>
                                    <td>
                                        {usable
                                            .then(|| {
                                                view! {
                                                    <ActionForm action=revoke>
                                                        <input type="hidden" name="code" value=code.clone()/>
                                                        <button type="submit" class="btn-link">
                                                            "Revoke"<span class="sr-only">{format!(" code {code}")}</span>
                                                        </button>
                                                    </ActionForm>
                                                }
                                            })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn StaffTable(
    list: Vec<Member>,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetMemberActive>,
    confirm: ServerAction<ConfirmMember>,
    /// Password reset codes, where Tandem sends no email.
    reset: Option<ServerAction<MakeResetCode>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table table-stack">
                <caption class="sr-only">"Staff in your setting"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Sector"</th>
                        <th scope="col">"Last signed in"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Account"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|m| view! { <StaffRow m change_role set_active confirm reset/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn StaffRow(
    m: Member,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetMemberActive>,
    confirm: ServerAction<ConfirmMember>,
    reset: Option<ServerAction<MakeResetCode>>,
) -> impl IntoView {
    let select_id = format!("role-{}", m.id);
    let yourself = use_me().with_untracked(|me| me.as_ref().is_some_and(|me| me.id == m.id));
    let name = m.display_name.clone();
    let (name1, name2, name3, name4, name5) =
        (name.clone(), name.clone(), name.clone(), name.clone(), name);
    // Someone who has forgotten their password: a code the admin hands over, which the
    // person uses once to choose a new one (never a password the admin chooses).
    let reset_form = reset.filter(|_| m.active).map(|reset| {
        view! {
            <ActionForm action=reset>
                <input type="hidden" name="user_id" value=m.id/>
                <details class="confirm-action">
                    <summary>"Password reset code…"<span class="sr-only">{format!(" for {name5}")}</span></summary>
                    <p>"For someone who has forgotten their password: a code they use once, within a day, with their email address, to choose a new one. Give it to them in person. Their log and progress stay; they are signed out everywhere."</p>
                    <button type="submit" class="btn btn-secondary btn-small">{format!("Make a code for {name5}")}</button>
                </details>
            </ActionForm>
        }
    });
    // Joined with an open code where Tandem sends no email: the admin confirms them, after
    // checking with them that the address is theirs.
    let waiting = (!m.email_proved && m.active).then(|| {
        view! {
            <ActionForm action=confirm>
                <input type="hidden" name="user_id" value=m.id/>
                <p class="muted">"Waiting for you to confirm their email address"</p>
                <button type="submit" class="btn btn-secondary btn-small">
                    "Confirm"<span class="sr-only">{format!(" {name4}")}</span>
                </button>
            </ActionForm>
        }
    });
    view! {
        <tr class:inactive-row=!m.active>
            <td>
                <span class="font-semibold">{m.display_name.clone()}</span>
                <br/>
                <span class="muted">{m.email.clone()}</span>
                {waiting}
            </td>
            <td data-label="Sector">{m.sector.label()}</td>
            <td data-label="Last signed in">{m.last_seen_at.map(local_date).unwrap_or_else(|| "Never".into())}</td>
            // Their own row: no controls that would lock them out (the server refuses both).
            {if yourself {
                view! {
                    <td data-label="Role">{m.role.label()}</td>
                    <td data-label="Account"><span class="muted">"Active · this is you"</span></td>
                }.into_any()
            } else {
                view! {
                    <td data-label="Role">
                        <ActionForm action=change_role>
                            <input type="hidden" name="user_id" value=m.id/>
                            <label for=select_id.clone() class="sr-only">{format!("Role for {name1}")}</label>
                            <div class="inline-form">
                                <select id=select_id name="role" class="select">
                                    {role_options()
                                        .into_iter()
                                        .map(|(value, label)| view! { <option value=value selected=value == m.role.as_str()>{label}</option> })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="btn btn-secondary btn-small">
                                    "Change"<span class="sr-only">{format!(" role for {name2}")}</span>
                                </button>
                            </div>
                        </ActionForm>
                    </td>
                    <td data-label="Account">
                        <ActionForm action=set_active>
                            <input type="hidden" name="user_id" value=m.id/>
                            <input type="hidden" name="active" value=(!m.active).to_string()/>
                            <span class="muted">{if m.active { "Active " } else { "Deactivated " }}</span>
                            // Deactivating stops someone signing in, so it is asked twice: the first
                            // tap opens what it does and the button that does it (no script needed).
                            // Reactivating undoes it and is one tap.
                            {if m.active {
                                view! {
                                    <details class="confirm-action">
                                        <summary>"Deactivate…"<span class="sr-only">{format!(" {name3}")}</span></summary>
                                        <p>"They will no longer be able to sign in. Their learning log and progress are kept, and you can reactivate them."</p>
                                        <button type="submit" class="btn btn-warning btn-small">{format!("Deactivate {name3}")}</button>
                                    </details>
                                }.into_any()
                            } else {
                                view! {
                                    <button type="submit" class="btn-link">
                                        "Reactivate"<span class="sr-only">{format!(" {name3}")}</span>
                                    </button>
                                }.into_any()
                            }}
                        </ActionForm>
                        {reset_form}
                    </td>
                }.into_any()
            }}
        </tr>
    }
}

/// The code just made (`?reset=` from the form's redirect), shown this once.
#[component]
fn ResetCodeMade() -> impl IntoView {
    let made = query_value("reset");
    let shown = Resource::new(
        move || made.clone(),
        |id| async move {
            match id {
                Some(id) => show_reset_code(id).await.map(|c| Some(c.ok_or(()))),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                shown.await.ok().flatten().map(|made| match made {
                    Ok(c) => view! {
                        <div id="reset-code">
                            <Banner title=format!("Password reset code for {}", c.name) kind=BannerKind::Success>
                                <p>"Give them this code in person: "<strong class="invite-code">{c.code}</strong></p>
                                <p>{format!("It works once, until {}, with their email address: “Forgotten your password?” on the sign-in page leads to where it goes. It is shown only now.", local_date(c.expires_at))}</p>
                            </Banner>
                        </div>
                    }.into_any(),
                    Err(()) => view! {
                        <div id="reset-code">
                            <Banner title="That code was shown already">
                                <p>"Tandem keeps only a scrambled copy. If it was lost, make a new one: the old one then stops working."</p>
                            </Banner>
                        </div>
                    }.into_any(),
                })
            })}
        </Suspense>
    }
}

/// Time zones offered: the UK's and those of British schools abroad most often met. Any
/// other zone in the time zone database is accepted from the form too.
const TIME_ZONES: [(&str, &str); 12] = [
    ("Europe/London", "UK (London)"),
    ("Europe/Dublin", "Ireland (Dublin)"),
    ("Europe/Gibraltar", "Gibraltar"),
    ("Europe/Paris", "Central Europe (Paris)"),
    ("Europe/Madrid", "Spain (Madrid)"),
    ("Atlantic/Canary", "Canary Islands"),
    ("Asia/Dubai", "Gulf (Dubai)"),
    ("Asia/Singapore", "Singapore"),
    ("Asia/Hong_Kong", "Hong Kong"),
    ("Australia/Sydney", "Australia (Sydney)"),
    ("America/New_York", "US Eastern (New York)"),
    ("UTC", "Coordinated Universal Time (UTC)"),
];

/// The setting's term dates, which CPD plans' half-termly check-ins follow.
#[component]
fn TermDatesForm() -> impl IntoView {
    let action = ServerAction::<SetTermDates>::new();
    let error = action_error(action.value());
    let kept = Resource::new(|| (), |_| crate::api::admin::term_dates());
    view! {
        <section aria-labelledby="terms-heading" class="card">
            <h2 id="terms-heading" class="card-heading">"Term dates"</h2>
            <p>"Staff CPD plans have a check-in each half-term, due by its last day. Until you enter your own dates, Tandem uses a typical calendar for England."</p>
            {query_value("terms").filter(|t| t == "saved").map(|_| view! {
                <Banner title="Term dates saved" kind=BannerKind::Success><p>"Check-ins follow them from now on."</p></Banner>
            })}
            <ErrorSummary error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let kept = kept.await.unwrap_or_default();
                    let value = query_value("terms").filter(|t| t != "saved").unwrap_or(kept);
                    view! {
                        <ActionForm action=action>
                            <TextArea
                                name="terms"
                                label="Your half-terms, one per line"
                                hint="The first and last school day of each half-term, as in: 2027-01-04 to 2027-02-12. Leave it empty to use England's usual dates."
                                value
                                rows=8
                                error=field_error(error, "terms")
                            />
                            <Button busy=action.pending()>"Save term dates"</Button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The setting's time zone: the day every date in Tandem names, for everyone in it.
#[component]
fn TimeZoneForm() -> impl IntoView {
    let action = ServerAction::<SetTimeZone>::new();
    let error = action_error(action.value());
    // Dates already on the page were written in the old zone: load it afresh.
    let current = use_me().with_untracked(|me| me.as_ref().map(|m| m.zone.name.clone()));
    let current = current.unwrap_or_else(|| domain::zone::DEFAULT_ZONE.to_string());
    let mut options: Vec<(String, String)> = TIME_ZONES
        .iter()
        .map(|(value, label)| (value.to_string(), label.to_string()))
        .collect();
    if !options.iter().any(|(value, _)| *value == current) {
        options.insert(0, (current.clone(), current.clone()));
    }
    view! {
        <section aria-labelledby="zone-heading" class="card">
            <h2 id="zone-heading" class="card-heading">"Time zone"</h2>
            <ErrorSummary error/>
            <ActionForm action=action>
                <SelectField
                    name="time_zone"
                    label="Your setting's time zone"
                    hint="Dates in Tandem, its downloads and its emails are days in this time zone, for everyone in your setting."
                    options
                    selected=current
                    error=field_error(error, "time_zone")
                />
                <Button busy=action.pending()>"Save time zone"</Button>
            </ActionForm>
        </section>
    }
}
