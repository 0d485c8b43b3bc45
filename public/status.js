// The sync status line under the header, and signing out with unsent work: the outbox's own
// view of itself, run by the outbox script (offline.js) on every signed-in page, so that a
// page needs none of the app's wasm to say whether there is unsent work. The server renders
// an empty `#sync-status` and a plain sign-out form (`#sign-out`) that works without this.
//
// Messages a refusal carries are Tandem's own (the server's `AppError`), given to the page
// in `#tandem-messages` (app/src/lib.rs): one list, in Rust.

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

const messages = JSON.parse(document.getElementById("tandem-messages")?.textContent || "{}");

/** The words of a refused write, from the server's error (a serialised `AppError`). The
 *  outbox gives them with each refusal (`tandem:refused`'s `message`). */
export function refusal(body) {
  let error;
  try {
    error = JSON.parse(body);
  } catch {
    return messages.unreadable ?? "The server could not accept this change as it is.";
  }
  if (typeof error === "string") return messages[error] ?? messages.unreadable;
  const [kind, value] = Object.entries(error ?? {})[0] ?? [];
  if (kind === "Invalid") return value?.[0]?.message ?? messages.Invalid;
  return typeof value === "string" ? value : messages[kind] ?? messages.unreadable;
}

function reason(item) {
  if (item.state === "conflict") return "It was changed on another device too: open it to choose which version to keep.";
  return item.message ?? refusal(item.error ?? "");
}

const plural = (n, one, many) => (n === 1 ? one : many);

function clock(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Draws the status line (and what needs the person) into `root`. */
function draw(root, offline, s) {
  // One plain thing: whether everything is saved, or how much waits (and that the device is
  // offline, the only reason it would wait long).
  const waiting = s.pending === 0 ? null : plural(s.pending, "1 change waiting to send", `${s.pending} changes waiting to send`);
  const words = s.online ? (waiting ?? "All saved") : `Offline · ${waiting ?? "all saved on this device"}`;
  const synced = s.lastSynced ? `Last sent at ${clock(s.lastSynced)}` : "Nothing sent from this device yet";
  const next = encodeURIComponent(location.pathname).replace(/%2F/g, "/");
  const parts = [
    el(
      "div",
      { class: ["sync-status", !s.online && "sync-offline", s.pending > 0 && "sync-waiting"].filter(Boolean).join(" ") },
      el(
        "p",
        { role: "status", "aria-live": "polite" },
        el("span", { class: "sync-dot", "aria-hidden": "true" }),
        el("strong", { text: words, title: synced }),
        s.signedOut && !s.elsewhere ? [" · ", el("a", { href: `/sign-in?next=${next}`, rel: "external", text: "Sign in again to send them" })] : null,
      ),
      el("button", { type: "button", class: "btn-link", text: "Sync now", onclick: () => offline.flush() }),
    ),
  ];
  if (s.elsewhere) {
    parts.push(
      el(
        "div",
        { class: "sync-alert elsewhere-notice", role: "alert" },
        el("h2", { text: "Someone else has signed in on this device" }),
        el("p", { text: "This page is hidden so that they cannot see your work. Anything you had not sent stays on this device and is sent when you sign in here again." }),
        el("p", {}, el("a", { href: "/sign-in", rel: "external", text: "Sign in" })),
      ),
    );
  }
  if (s.storageError) {
    parts.push(
      el("div", { class: "sync-alert", role: "alert" }, el("p", {}, el("strong", { text: s.storageError }), " Copy anything you are writing somewhere safe, or free some space on this device.")),
    );
  }
  if (s.others > 0) {
    parts.push(
      el("p", {
        class: "sync-note",
        text: `This device also keeps ${s.others === 1 ? "1 change" : `${s.others} changes`} for someone else who used it. ${s.others === 1 ? "It is" : "They are"} sent when they sign in here again.`,
      }),
    );
  }
  if (s.attention > 0) parts.push(attentionList(offline, offline.attention(), root));
  root.replaceChildren(...parts);
}

/** Changes the server would not take, and answers changed on two devices: each with its
 *  text, to copy, try again, discard or settle. Stays open while it is redrawn. */
function attentionList(offline, items, root) {
  const open = root.querySelector("details.attention")?.open ?? false;
  return el(
    "details",
    { class: "sync-alert attention", open },
    el("summary", { text: items.length === 1 ? "1 change needs your attention" : `${items.length} changes need your attention` }),
    el(
      "ul",
      { class: "attention-list" },
      items.map((item) => {
        const textId = `attention-${item.op_id}`;
        return el(
          "li",
          { class: "attention-item" },
          el("p", {}, item.href ? el("a", { href: item.href, rel: "external", text: item.label }) : el("span", { text: item.label })),
          el("p", { text: reason(item) }),
          item.text ? [el("label", { class: "field-label", for: textId, text: "Your text" }), el("textarea", { id: textId, class: "textarea", rows: "3", readonly: true, text: item.text })] : null,
          el(
            "div",
            { class: "button-row" },
            item.text ? el("button", { type: "button", class: "btn btn-secondary", text: "Copy text", onclick: () => offline.copy(item.text) }) : null,
            item.state === "refused"
              ? [
                  el("button", { type: "button", class: "btn btn-secondary", text: "Try again", onclick: () => offline.retry(item.op_id) }),
                  el("button", { type: "button", class: "btn btn-warning", text: "Discard", onclick: () => offline.discard(item.op_id) }),
                ]
              : null,
          ),
        );
      }),
    ),
  );
}

/** Signing out: a shared tablet must not keep one person's pages for the next (offline.js
 *  does that). Changes not yet sent are warned about first, with the choice to send, keep
 *  or delete them. */
function signOutWarnings(offline, form) {
  let warning = null;
  let sending = false;
  const box = el("div");
  form.after(box);
  const go = (discard) => {
    warning = null;
    box.replaceChildren();
    offline.signOut({ discard });
  };
  const ofYours = (n, one, many) => (n === 1 ? `1 of your changes ${one}` : `${n} of your changes ${many}`);
  const summary = (s) => {
    const unsent = ofYours(s.pending, "has not been sent yet", "have not been sent yet");
    if (s.attention === 0) return `${unsent}.`;
    if (s.pending === 0) return `${ofYours(s.attention, "needs your attention", "need your attention")}.`;
    return `${unsent}, and ${s.attention} more ${plural(s.attention, "needs", "need")} your attention.`;
  };
  const show = (s) => {
    warning = s;
    box.replaceChildren(
      el(
        "div",
        { class: "signout-warning", role: "alert" },
        el("p", {}, el("strong", { text: summary(s) }), " You can keep them on this device: nobody else can see them in Tandem, and they are sent when you next sign in here."),
        el(
          "div",
          { class: "button-row" },
          s.online && s.pending > 0
            ? el("button", { type: "button", class: "btn btn-primary", text: "Send them now, then sign out", onclick: () => ((sending = true), offline.flush()) })
            : null,
          el("button", { type: "button", class: "btn btn-secondary", text: "Keep them here and sign out", onclick: () => go(false) }),
          el("button", { type: "button", class: "btn btn-warning", text: "Delete them and sign out", onclick: () => go(true) }),
          el("button", { type: "button", class: "btn btn-secondary", text: "Stay signed in", onclick: () => ((sending = false), (warning = null), box.replaceChildren()) }),
        ),
      ),
    );
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const s = offline.status();
    if (s.pending + s.attention > 0 && !warning) show(s);
    else go(false);
  });
  // Once everything has gone (sent by itself on reconnect, or "Send them now"), there is
  // nothing left to warn about: carry on signing out.
  window.addEventListener("tandem:outbox", ({ detail: s }) => {
    if (!warning) return;
    if (s.pending === 0 && (s.attention === 0 || sending)) go(false);
    else show(s);
  });
}

/** Starts both on this page, with the outbox script's API. */
export function startStatus(offline) {
  const root = document.getElementById("sync-status");
  if (root) {
    draw(root, offline, offline.status());
    window.addEventListener("tandem:outbox", ({ detail }) => draw(root, offline, detail));
  }
  const form = document.getElementById("sign-out");
  if (form) signOutWarnings(offline, form);
}
