use crate::api::course::{course_overview, Overview};
use crate::api::learning_log::due_follow_ups;
use crate::components::*;
use crate::session::use_me;
use domain::model::{Me, Role};
use domain::progress::describe_minutes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_me();
    move || match me.get() {
        Some(me) => view! { <Dashboard me/> }.into_any(),
        None => view! { <Welcome/> }.into_any(),
    }
}

/// What someone who is not signed in sees: what Tandem is and how to get in.
#[component]
fn Welcome() -> impl IntoView {
    view! {
        <Title text="Welcome"/>
        <h1 class="page-title">"SEND professional development that fits around your day"</h1>
        <p class="lead">
            "Tandem is where practitioners in your setting work through short modules on special educational needs and disabilities, try ideas with the children and young people they teach, and keep a private learning log of what they notice."
        </p>
        <div class="grid-two">
            <Card heading="Already have an account?">
                <p>"Sign in with your work email address and password."</p>
                <p><a href="/sign-in" class="btn btn-primary">"Sign in"</a></p>
            </Card>
            <Card heading="Been given an invite code?">
                <p>"Your setting admin or SENCo gives each member of staff a code to join."</p>
                <p><a href="/join" class="btn btn-secondary">"Join with an invite code"</a></p>
            </Card>
        </div>
    }
}

#[component]
fn Dashboard(me: Me) -> impl IntoView {
    let greeting = format!("Hello, {}", me.first_name());
    let role_view = match me.role {
        Role::Practitioner => view! { <PractitionerNext me=me.clone()/> }.into_any(),
        Role::Senco => view! { <SencoNext me=me.clone()/> }.into_any(),
        Role::Admin => view! { <AdminNext me=me.clone()/> }.into_any(),
    };
    view! {
        <Title text="Home"/>
        <h1 class="page-title">{greeting}</h1>
        <p class="lead">{format!("{} · {} · {}", me.setting_name, me.role.label(), me.sector.label())}</p>
        <ResetNotice/>
        {role_view}
        <ReadingPreferencesPrompt me/>
    }
}

/// A password set recently with a code from an admin: said, so one nobody asked for is seen.
#[component]
fn ResetNotice() -> impl IntoView {
    let notice = Resource::new(|| (), |_| crate::api::password_reset::reset_notice());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notice.await.ok().flatten().map(|(admin, at)| view! {
                    <Banner title="Your password was set with a reset code">
                        <p>{format!(
                            "On {}, a code from {admin} was used to set your password. If that was not you, change your password on your profile page and tell your SENCo.",
                            crate::session::local_date(at)
                        )}</p>
                    </Banner>
                })
            })}
        </Suspense>
    }
}

#[component]
fn PractitionerNext(me: Me) -> impl IntoView {
    view! {
        <FeedbackWaiting/>
        <CheckInDue/>
        <FollowUpsDue/>
        <CourseProgress/>
        <Card heading="How the course works">
            <p>
                {format!(
                    "{} modules, each following the SEND Code of Practice, with examples from {} settings. Most have three parts: what to know, something to try with the learners you work with, and a reflection for your learning log. Module 6 is a small enquiry of your own.",
                    crate::server::course().map_or(0, |c| c.modules.len()),
                    me.sector.label(),
                )}
            </p>
            <p>"Work in short sittings: Tandem remembers where you stopped."</p>
        </Card>
    }
}

/// A check-in of the person's CPD plan due within two weeks, or missed.
#[component]
fn CheckInDue() -> impl IntoView {
    let due = Resource::new(|| (), |_| crate::api::check_in::check_in_reminder());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                due.await.ok().flatten().map(|r| {
                    let missed = r.state == domain::check_in::State::Missed;
                    view! {
                        <section class="card continue-card" aria-labelledby="check-in-heading">
                            <h2 id="check-in-heading" class="card-heading">{if missed { "A check-in to catch up on" } else { "Your plan's check-in is due" }}</h2>
                            <p>{if missed {
                                format!("The check-in for {} was due by {}. It is not too late: a few sentences on what you tried, what changed and what next.", domain::check_in::in_sentence(&r.name), r.due)
                            } else {
                                format!("The check-in for {} is due by {}: what you tried, what changed for the learner, and what next.", domain::check_in::in_sentence(&r.name), r.due)
                            }}</p>
                            <p><a class="btn btn-primary" href=format!("/plan/check-in/{}", r.number)>{format!("Answer check-in {}", r.number)}</a></p>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

/// Practice activities tried a few weeks ago, waiting for "what has changed?".
#[component]
fn FollowUpsDue() -> impl IntoView {
    let due = Resource::new(|| (), |_| due_follow_ups());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                due.await.ok().filter(|list| !list.is_empty()).map(|list| view! {
                    <section class="card continue-card" aria-labelledby="follow-ups-heading">
                        <h2 id="follow-ups-heading" class="card-heading">"Follow-ups due"</h2>
                        <p>"A few weeks ago you tried these activities. What has changed since?"</p>
                        <ul class="bullets">
                            {list.into_iter().map(|f| view! {
                                <li><a href=f.href>{domain::learning_log::place(f.module_number, &f.section_title)}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// "Continue where you left off", overall progress and CPD time.
#[component]
fn CourseProgress() -> impl IntoView {
    let overview = Resource::new(|| (), |_| course_overview());
    view! {
        <Suspense fallback=|| view! { <p>"Loading your progress…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <ProgressSummary o/> }.into_any(),
                    Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgressSummary(o: Overview) -> impl IntoView {
    let resume = o.resume.clone().map(|r| {
        let heading = if r.started { "Continue where you left off" } else { "Start the course" };
        view! {
            <section class="card continue-card" aria-labelledby="continue-heading">
                <h2 id="continue-heading" class="card-heading">{heading}</h2>
                <p>
                    <span class="caption block">{format!("Module {}: {}", r.module_number, r.module_title)}</span>
                    <a href=r.href.clone() class="continue-link">{format!("{}: {}", r.section_kind.label(), r.section_title)}</a>
                </p>
                <p class="muted">{format!("About {} left in this module.", describe_minutes(r.minutes_left_in_module))}</p>
                <p><a href=r.href class="btn btn-primary">{if r.started { "Continue" } else { "Start module 1" }}</a></p>
            </section>
        }
    });
    let finished = o.resume.is_none().then(|| {
        view! {
            <Banner title="Course complete" kind=BannerKind::Success>
                <p>"You have completed every section of every module. Well done."</p>
            </Banner>
        }
    });
    view! {
        {finished}
        {resume}
        <section class="card" aria-labelledby="progress-heading">
            <h2 id="progress-heading" class="card-heading">"Your progress"</h2>
            <ProgressBar label="Course progress" value=o.overall.complete max=o.overall.total explanation=o.overall.explain()/>
            <div class="stats">
                <p>
                    <span class="stat-value">{describe_minutes(o.cpd_minutes)}</span>
                    "of CPD so far: the estimated time of the sections you have completed, and the community sessions you attended."
                </p>
                <p>
                    <span class="stat-value">{describe_minutes(o.active_minutes)}</span>
                    "spent reading in Tandem (counted only while you are active on a page)."
                </p>
            </div>
            <p class="muted">{domain::progress::CPD_BASIS}</p>
            <p><a href="/modules">"See all modules"</a></p>
        </section>
    }
}

#[component]
fn SencoNext(me: Me) -> impl IntoView {
    view! {
        <WaitingForSenco me/>
        <FeedbackWaiting/>
        <CheckInDue/>
        <CourseProgress/>
    }
}

/// What waits for a SENCo, first: submissions to review and community reports, each with
/// the way to it; and where to see how staff are doing.
#[component]
fn WaitingForSenco(me: Me) -> impl IntoView {
    let awaiting = me.counts.awaiting_review;
    let reports = Resource::new(|| (), |_| crate::api::community::open_reports());
    view! {
        <section class="card attention-card" aria-labelledby="senco-heading">
            <h2 id="senco-heading" class="card-heading">"Waiting for you"</h2>
            <ul class="attention-list">
                <li class="attention-item">
                    {if awaiting == 0 {
                        view! { <p>"No submissions are waiting for review. Staff decide when an entry is ready: drafts stay private to them."</p> }.into_any()
                    } else {
                        view! {
                            <p>{format!("{awaiting} {} from your staff waiting for review, gathered by person and module.", if awaiting == 1 { "answer" } else { "answers" })}</p>
                            <p><a href="/review" class="btn btn-primary">"Open the review queue"</a></p>
                        }.into_any()
                    }}
                </li>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        reports.await.ok().filter(|n| *n > 0).map(|n| view! {
                            <li class="attention-item">
                                <p>
                                    <a href="/community/reports">{format!("{n} community {} to look at", if n == 1 { "report" } else { "reports" })}</a>
                                </p>
                            </li>
                        })
                    })}
                </Suspense>
                <li class="attention-item">
                    <p>
                        {format!("How CPD is going across {}: ", me.setting_name)}
                        <a href="/staff">"Staff progress"</a>
                        ". For leading a session with your staff: "
                        <a href="/facilitator">"Facilitator guide"</a>
                        "."
                    </p>
                </li>
            </ul>
        </section>
    }
}

#[component]
fn AdminNext(me: Me) -> impl IntoView {
    view! {
        <Card heading="What to do next">
            <p>{format!("Invite the staff of {} with a code for each role.", me.setting_name)}</p>
            <p><a href="/admin" class="btn btn-primary">"Manage staff and invites"</a></p>
        </Card>
    }
}

#[component]
fn ReadingPreferencesPrompt(me: Me) -> impl IntoView {
    (me.preferences == Default::default()).then(|| {
        view! {
            <Card heading="Make Tandem easier to read">
                <p>
                    "You can choose larger text, wider line spacing, a font designed for readers with dyslexia, high contrast colours and less movement. Your choices follow you to any device you sign in on."
                </p>
                <p><a href="/profile#preferences">"Set your reading preferences"</a></p>
            </Card>
        }
    })
}
