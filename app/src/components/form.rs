use domain::error::AppError;
use leptos::{html, prelude::*};

/// The error of the last run of an action, if it failed.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The refusal a plain form of server function `S` was sent back with (in the page's
/// address, see `api::plain_form_error`), if this page is that answer. Read on the server,
/// where pages are rendered; an island gets it as a prop.
pub fn plain_form_error<S>() -> Option<AppError>
where
    S: leptos::server_fn::ServerFn,
{
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<leptos::server::ServerActionError>()
        .filter(|e| e.path() == S::PATH)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// A value of the page's address (`?name=…`) as the page is rendered: what a plain form sent
/// back (what was typed, or what was done).
pub fn query_value(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name))
}

/// The page's address (`?name=…`) read into `T` (`#[derive(Params)]`) as the page is
/// rendered. A value left empty counts as not given (a filter form sends `?q=`), and an
/// address that does not read (a hand-edited `?page=x`) counts as none given.
pub fn typed_query<T: leptos_router::params::Params + Default>() -> T {
    use leptos_router::params::ParamsMap;
    leptos_router::hooks::use_query_map().with_untracked(|q| {
        let given: ParamsMap = q
            .latest_values()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        T::from_map(&given).unwrap_or_default()
    })
}

/// The message for one field out of an action's error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field(field)))
}

/// The box at the top of a form that lists every problem, each linking to its field. It
/// takes focus when it appears so that screen-reader and keyboard users hear it first.
#[component]
pub fn ErrorSummary(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || error.get().is_some()>
            // `autofocus`: a plain form sent back with errors (no JavaScript) puts focus
            // here on load, as the effect above does once the page's code runs.
            <div node_ref=node class="error-summary" tabindex="-1" role="alert" autofocus>
                <h2 class="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary-list">
                    {move || match error.get() {
                        Some(AppError::Invalid(fields)) => fields
                            .into_iter()
                            .map(|f| view! { <li><a href=format!("#{}", f.field)>{f.message}</a></li> })
                            .collect_view()
                            .into_any(),
                        Some(other) => view! { <li>{other.to_string()}</li> }.into_any(),
                        None => ().into_any(),
                    }}
                </ul>
            </div>
        </Show>
    }
}

fn described_by(name: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let ids: Vec<String> = [(has_hint, "hint"), (has_error, "error")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, kind)| format!("{name}-{kind}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hint and the inline error message of a field.
#[component]
fn HintAndError(
    name: &'static str,
    hint: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {hint.map(|h| view! { <p id=format!("{name}-hint") class="field-hint">{h}</p> })}
        {move || {
            error
                .get()
                .map(|e| {
                    view! {
                        <p id=format!("{name}-error") class="field-error-message">
                            <span class="sr-only">"Error: "</span>
                            {e}
                        </p>
                    }
                })
        }}
    }
}

/// A form control's frame: the label, the hint and the inline error above the control.
#[component]
fn FieldFrame(
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-has-error=move || error.get().is_some()>
            <label for=name class="field-label">{label}</label>
            <HintAndError name hint error/>
            {children()}
        </div>
    }
}

/// A text input with its label, optional hint and inline error.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] width_class: Option<&'static str>,
    #[prop(optional)] spellcheck: Option<&'static str>,
) -> impl IntoView {
    let has_error = move || error.get().is_some();
    view! {
        <FieldFrame name label hint error>
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                spellcheck=spellcheck
                value=value
                class=format!("input {}", width_class.unwrap_or("w-full"))
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                aria-invalid=move || has_error().then_some("true")
            />
        </FieldFrame>
    }
}

/// Text for a `<textarea>`'s inner HTML: a text child inside a textarea would carry
/// hydration markers that the browser turns into literal text.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A multi-line text box with its label, optional hint and inline error. `maxlength` is
/// left off: a text that is too long is kept and the server says by how much.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = 5)] rows: u32,
    /// The control's id, when one page has several boxes of the same name.
    #[prop(optional)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| name.to_string());
    let has_error = move || error.get().is_some();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids: Vec<String> = hint_id.iter().cloned().collect();
            if has_error() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-has-error=has_error>
            <label for=id.clone() class="field-label">{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="field-hint">{h}</p> })}
            {move || error.get().map(|e| view! {
                <p id=error_id.clone() class="field-error-message"><span class="sr-only">"Error: "</span>{e}</p>
            })}
            <textarea
                id=id.clone()
                name=name
                rows=rows.to_string()
                class="textarea"
                aria-describedby=described
                aria-invalid=move || has_error().then_some("true")
                inner_html=escape_html(&value)
            ></textarea>
        </div>
    }
}

/// A select with its label, optional hint and inline error: one choice among many.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let has_error = move || error.get().is_some();
    view! {
        <FieldFrame name label hint error>
            <select
                id=name
                name=name
                class="select"
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                aria-invalid=move || has_error().then_some("true")
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </FieldFrame>
    }
}

/// One choice among a few, as radio buttons in a fieldset (better than a select for
/// three or four options: all are visible at once).
#[component]
pub fn Radios(
    name: &'static str,
    legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    #[prop(into)] selected: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let has_error = move || error.get().is_some();
    view! {
        <fieldset
            id=name
            class="field fieldset"
            class:field-has-error=has_error
            aria-describedby=move || described_by(name, hint.is_some(), has_error())
        >
            <legend class="field-label">{legend}</legend>
            <HintAndError name hint error/>
            <div class="radios">
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        let id = format!("{name}-{value}");
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name=name value=value checked=value == selected/>
                                <label for=id>{label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// A single yes/no choice.
#[component]
pub fn Checkbox(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    checked: bool,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{name}-hint"));
    view! {
        <div class="checkbox">
            <input type="checkbox" id=name name=name checked=checked aria-describedby=hint_id.clone()/>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="field-hint checkbox-hint">{h}</p> })}
        </div>
    }
}

/// A select in a filter form (a GET form, so it works before the page's code loads): the
/// first option means "no filter", then `options` as (value, label); `selected` is the
/// value in the address now.
#[component]
pub fn FilterSelect(
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name class="field-label">{label}</label>
            <select id=name name=name class="select">
                <option value="">{any}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The course's modules as filter options ("m1", "Module 1"). Filters are drawn on the
/// server only (pages are not in the browser's code).
pub fn module_options() -> Vec<(String, String)> {
    #[cfg(feature = "ssr")]
    let modules = crate::server::course()
        .map(|course| {
            course
                .modules
                .iter()
                .map(|m| (m.key.clone(), format!("Module {}", m.number)))
                .collect()
        })
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let modules = Vec::new();
    modules
}

/// The three sectors as filter options.
/// The areas of need, for a select.
pub fn area_options() -> Vec<(String, String)> {
    domain::community::Area::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), a.label().to_string()))
        .collect()
}

pub fn sector_options() -> Vec<(String, String)> {
    domain::model::Sector::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect()
}
