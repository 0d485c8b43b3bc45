use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonKind {
    #[default]
    Primary,
    Secondary,
    Warning,
}

impl ButtonKind {
    pub fn class(self) -> &'static str {
        match self {
            ButtonKind::Primary => "btn btn-primary",
            ButtonKind::Secondary => "btn btn-secondary",
            ButtonKind::Warning => "btn btn-warning",
        }
    }
}

/// A submit button. Disabled-looking but still focusable while busy, so keyboard users do
/// not lose their place.
#[component]
pub fn Button(
    children: Children,
    #[prop(optional)] kind: ButtonKind,
    #[prop(optional, into)] busy: Signal<bool>,
    #[prop(default = "submit")] button_type: &'static str,
) -> impl IntoView {
    view! {
        <button type=button_type class=kind.class() aria-disabled=move || busy.get().then_some("true")>
            {children()}
        </button>
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum BannerKind {
    #[default]
    Information,
    Success,
}

/// A notification banner: something the person should know, or confirmation that what
/// they did worked.
#[component]
pub fn Banner(
    #[prop(into)] title: String,
    children: Children,
    #[prop(optional)] kind: BannerKind,
) -> impl IntoView {
    let (class, role) = match kind {
        BannerKind::Information => ("banner banner-info", None),
        BannerKind::Success => ("banner banner-success", Some("status")),
    };
    view! {
        <div class=class role=role>
            <h2 class="banner-title">{title}</h2>
            <div class="banner-body">{children()}</div>
        </div>
    }
}

#[component]
pub fn Card(children: Children, #[prop(optional, into)] heading: Option<String>) -> impl IntoView {
    view! {
        <section class="card">
            {heading.map(|h| view! { <h2 class="card-heading">{h}</h2> })}
            {children()}
        </section>
    }
}

/// A progress bar that says in words what it shows ("4 of 15 sections complete").
#[component]
pub fn ProgressBar(
    #[prop(into)] label: String,
    value: u32,
    max: u32,
    #[prop(into)] explanation: String,
) -> impl IntoView {
    let max = max.max(1);
    view! {
        <div class="progress">
            <div class="progress-label">
                <span>{label.clone()}</span>
                <span class="progress-explanation">{explanation}</span>
            </div>
            <progress class="progress-bar" value=value max=max aria-label=label></progress>
        </div>
    }
}

/// Previous and next links between pages of a list. `href` is the list's address up to the
/// page number (`/staff?sort=name&`), `anchor` the heading to land on.
#[component]
pub fn Pager(
    page: u32,
    pages: u32,
    href: String,
    anchor: &'static str,
    label: &'static str,
    /// There are at least `pages` pages (they were not all counted).
    #[prop(optional)]
    open_ended: bool,
) -> impl IntoView {
    let link = move |p: u32| format!("{href}page={p}#{anchor}");
    let place = if open_ended {
        format!("Page {page}")
    } else {
        format!("Page {page} of {pages}")
    };
    view! {
        <nav class="pager" aria-label=label>
            <ul class="pager-list">
                {(page > 1).then(|| view! { <li><a href=link(page - 1) rel="prev">"Previous page"</a></li> })}
                <li aria-current="page">{place}</li>
                {(page < pages).then(|| view! { <li><a href=link(page + 1) rel="next">"Next page"</a></li> })}
            </ul>
        </nav>
    }
}
