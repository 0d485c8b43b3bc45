// Tandem's offline layer, loaded on every page before the app hydrates.
//
// - The outbox: every write (answer saves, section completions, time on task) is kept in
//   localStorage for the signed-in person, then sent in order. Each write carries an op id
//   made here; the server applies it once however often it arrives. The outbox flushes on
//   reconnect, when a page is shown, and on a timer with backoff, and survives reloads.
// - The service worker's partner: registers /sw.js for this build, saves modules for
//   offline use, and clears a person's cached pages and local data when they sign out.
// - Offline navigation: links become full page loads (served from the cache) instead of
//   client-side navigations that would need the server.
//
// The Rust app talks to this through `window.tandemOffline` and the `tandem:*` events.

import * as rules from "/outbox-core.js";

const BUILD = "__TANDEM_BUILD__";
const SEND_DELAY_MS = 300; // the answer box already waits for a pause in typing

const me = (() => {
  try {
    return JSON.parse(document.getElementById("tandem-me")?.textContent || "null");
  } catch {
    return null;
  }
})();
const userId = me ? me.id : null;
const key = (name) => `tandem:${userId}:${name}`;

const store = {
  get(name, fallback) {
    try {
      const text = localStorage.getItem(key(name));
      return text === null ? fallback : JSON.parse(text);
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(key(name), JSON.stringify(value));
    } catch {
      // Storage full or blocked: the write stays in memory for this page.
    }
  },
};

let ops = userId ? store.get("outbox", []) : [];
let inFlight = null;
let attempts = 0;
let retryAt = 0;
let timer = null;
let signedOut = false;
let lastError = null;

function status() {
  return {
    online: navigator.onLine,
    pending: ops.length,
    lastSynced: store.get("last-synced", null),
    signedOut,
    retrying: attempts > 0,
    error: lastError,
  };
}

function announce() {
  window.dispatchEvent(new CustomEvent("tandem:outbox", { detail: status() }));
}

function persist() {
  store.set("outbox", ops);
  announce();
}

function newOpId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Adds a write (see rules.enqueue for how a waiting save of the same answer is replaced). */
function enqueue(op) {
  if (!userId) return null;
  op = { ...op, op_id: newOpId(), queued_at: Date.now() };
  ops = rules.enqueue(ops, op, inFlight?.op_id);
  persist();
  schedule(op.type === "save" ? SEND_DELAY_MS : 0);
  return op.op_id;
}

function schedule(delay) {
  clearTimeout(timer);
  const wait = Math.max(delay, retryAt - Date.now(), 0);
  timer = setTimeout(flush, wait);
}

function form(op) {
  const fields =
    op.type === "save"
      ? {
          op_id: op.op_id,
          entry_id: op.entry_id,
          section_key: op.section_key,
          prompt_key: op.prompt_key,
          base_rev: op.base_rev,
          body: op.body,
        }
      : { op_id: op.op_id, section_key: op.section_key, kind: op.kind, ...(op.seconds ? { seconds: op.seconds } : {}) };
  return new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
}

function errorMessage(text) {
  try {
    const e = JSON.parse(text);
    if (e?.Invalid?.[0]?.message) return e.Invalid[0].message;
    for (const k of ["NotFound", "TooManyAttempts"]) if (typeof e?.[k] === "string") return e[k];
  } catch {
    // not JSON
  }
  return "The server could not accept this change.";
}

/** Sends waiting writes, oldest first, one at a time. */
async function flush() {
  clearTimeout(timer);
  if (!userId || inFlight || ops.length === 0 || signedOut) return announce();
  if (!navigator.onLine) return announce();
  const op = ops[0];
  inFlight = op;
  let response;
  try {
    response = await fetch(op.type === "save" ? "/api/log/save" : "/api/progress/record", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: form(op),
      credentials: "same-origin",
    });
  } catch {
    response = null;
  }
  inFlight = null;
  const outcome = rules.classify(response ? response.status : null);
  if (outcome === "sent") {
    const reply = op.type === "save" ? await response.json().catch(() => null) : null;
    ops = rules.afterSent(ops, op, reply);
    attempts = 0;
    retryAt = 0;
    lastError = null;
    store.set("last-synced", Date.now());
    persist();
    window.dispatchEvent(new CustomEvent("tandem:sent", { detail: { op, reply } }));
    return flush();
  }
  if (outcome === "signed-out") {
    signedOut = true;
    return announce();
  }
  if (outcome === "refused") {
    // This write can never be accepted as it is: keep it aside (nothing is thrown away),
    // tell the page, and carry on with the rest.
    const message = errorMessage(await response.text().catch(() => ""));
    ops = ops.filter((o) => o.op_id !== op.op_id);
    store.set("refused", [...store.get("refused", []), { op, message }].slice(-50));
    persist();
    window.dispatchEvent(new CustomEvent("tandem:refused", { detail: { op, message } }));
    return flush();
  }
  // Offline, or the server is unwell: try again later, waiting longer each time.
  attempts += 1;
  lastError = response ? `The server answered ${response.status}.` : "No connection.";
  const wait = rules.backoff(attempts);
  retryAt = Date.now() + wait;
  announce();
  schedule(wait);
}

const waitingText = (sectionKey, promptKey) => rules.waitingText(ops, sectionKey, promptKey);

// ---- Offline pages -------------------------------------------------------------------

const PAGES = `tandem-pages-${BUILD}`;

/** Fetches every page of a module into the cache, reporting progress. */
async function saveModule(moduleKey, urls, onProgress) {
  const cache = await caches.open(PAGES);
  let done = 0;
  let bytes = 0;
  for (const url of urls) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok || response.redirected) throw new Error(`Could not fetch ${url} (${response.status}).`);
    bytes += (await response.clone().arrayBuffer()).byteLength;
    await cache.put(url, response);
    done += 1;
    onProgress?.(done, urls.length);
  }
  const saved = store.get("saved-modules", {});
  saved[moduleKey] = { urls, at: Date.now(), bytes };
  store.set("saved-modules", saved);
  window.dispatchEvent(new CustomEvent("tandem:saved-modules", { detail: Object.keys(saved) }));
  return bytes;
}

async function removeModule(moduleKey) {
  const saved = store.get("saved-modules", {});
  const entry = saved[moduleKey];
  if (entry) {
    const cache = await caches.open(PAGES);
    await Promise.all(entry.urls.map((u) => cache.delete(u)));
  }
  delete saved[moduleKey];
  store.set("saved-modules", saved);
  window.dispatchEvent(new CustomEvent("tandem:saved-modules", { detail: Object.keys(saved) }));
}

const savedModules = () => Object.keys(store.get("saved-modules", {}));

/** Signing out on a shared tablet: this person's pages and local data go. */
async function forgetThisPerson() {
  if ("caches" in window) {
    for (const name of await caches.keys()) if (name.startsWith("tandem-pages-")) await caches.delete(name);
  }
  if (userId !== null) {
    const prefix = `tandem:${userId}:`;
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k && k.startsWith(prefix)) localStorage.removeItem(k);
    }
  }
  ops = [];
  navigator.serviceWorker?.controller?.postMessage({ type: "forget-pages" });
}

// ---- Wiring --------------------------------------------------------------------------

window.tandemOffline = {
  build: BUILD,
  enqueue,
  flush,
  status,
  waitingText,
  saveModule,
  removeModule,
  savedModules,
  forgetThisPerson,
  pending: () => ops.map((o) => ({ ...o })),
};

window.addEventListener("online", () => {
  attempts = 0;
  retryAt = 0;
  flush();
});
window.addEventListener("offline", announce);
window.addEventListener("pageshow", () => flush());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
// Another tab of the same person changed the outbox: pick it up.
window.addEventListener("storage", (e) => {
  if (e.key === key("outbox")) {
    ops = store.get("outbox", []);
    announce();
  }
});
setInterval(() => {
  if (ops.length && Date.now() >= retryAt) flush();
}, 15_000);

// Offline, a click on a link is a full page load (the service worker answers it from the
// cache), not a client-side navigation that would ask the server for data.
document.addEventListener(
  "click",
  (e) => {
    if (navigator.onLine || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const a = e.target.closest?.("a[href]");
    if (!a || a.target || a.hasAttribute("download") || new URL(a.href).origin !== location.origin) return;
    e.stopPropagation();
  },
  true,
);

// A different person on this device since last time (a session that ran out on a shared
// tablet): nothing of the previous person's may be shown from the cache.
try {
  const last = localStorage.getItem("tandem:last-person");
  if (userId !== null && last !== null && last !== String(userId) && "caches" in window) {
    caches.keys().then((names) => names.filter((n) => n.startsWith("tandem-pages-")).forEach((n) => caches.delete(n)));
  }
  if (userId !== null) localStorage.setItem("tandem:last-person", String(userId));
} catch {
  // storage blocked
}

// After an update the new build's worker starts with an empty page cache: modules saved
// for offline use are fetched again (or, while offline, no longer claimed as saved).
async function keepSavedModules() {
  if (!userId || !("caches" in window)) return;
  const cache = await caches.open(PAGES);
  for (const [moduleKey, entry] of Object.entries(store.get("saved-modules", {}))) {
    if (await cache.match(entry.urls[0])) continue;
    if (navigator.onLine) await saveModule(moduleKey, entry.urls).catch(() => removeModule(moduleKey));
    else await removeModule(moduleKey);
  }
}
keepSavedModules();

if ("serviceWorker" in navigator && BUILD.indexOf("__") !== 0) {
  navigator.serviceWorker.register(`/sw.js?v=${BUILD}`).catch(() => {});
}
if (ops.length) flush();
announce();
