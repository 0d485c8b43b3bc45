//! The facilitator guide, for SENCos running the course with a group over two terms.

use super::{errors::ProblemPage, Restricted};
use crate::api::guide::{facilitator_guide, GuideView};
use domain::model::Role;
use domain::progress::{describe_minutes, CPD_BASIS};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FacilitatorPage() -> impl IntoView {
    view! {
        <Title text="Facilitator guide"/>
        <Restricted roles=&[Role::Senco]>
            <Guide/>
        </Restricted>
    }
}

#[component]
fn Guide() -> impl IntoView {
    let guide = Resource::new(|| (), |_| facilitator_guide());
    view! {
        <Suspense fallback=|| view! { <p>"Loading the guide…"</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Ok(g) => view! { <GuideDetail g/> }.into_any(),
                    Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GuideDetail(g: GuideView) -> impl IntoView {
    view! {
        <p class="caption">"For SENCos"</p>
        <h1 class="page-title">{g.title}</h1>
        <p class="lead">{g.summary}</p>
        <section aria-labelledby="timings-heading" class="card">
            <h2 id="timings-heading" class="card-heading">"How long each module takes"</h2>
            <div class="table-wrap">
                <table class="table">
                    <caption class="sr-only">"Estimated time and structured activities per module"</caption>
                    <thead>
                        <tr><th scope="col">"Module"</th><th scope="col">"Activities"</th><th scope="col">"Estimated time"</th></tr>
                    </thead>
                    <tbody>
                        {g.modules.into_iter().map(|m| view! {
                            <tr>
                                <td><a href=m.href>{format!("{}. {}", m.number, m.title)}</a></td>
                                <td>{m.activities}</td>
                                <td>{describe_minutes(m.minutes)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">{format!("About {} in all. {}", describe_minutes(g.total_minutes), CPD_BASIS)}</p>
        </section>
        <article class="prose" inner_html=g.html></article>
    }
}
