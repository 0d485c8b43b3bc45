// Tandem's offline layer in the page, loaded on every page (before any island's code). The
// Rust islands talk to it through `window.tandemOffline` and the `tandem:*` window events;
// it draws the sync status line and runs signing out itself (status.js).
//
// - The outbox: every write (answer saves, section completions, time on task) is kept in
//   IndexedDB first, one record per write, under the person who made it, then sent in order
//   under that person's session only. The server applies each op id once and answers a
//   repeat with its first answer. One tab sends at a time (a Web Lock); the others follow
//   through a BroadcastChannel. Writes the server refuses, and answers that met another
//   device's text, stay until the person deals with them.
// - Signing out on a shared tablet: a lock is kept on the device at once (so no page and no
//   service worker shows this person's pages again), their pages and saved modules go,
//   and the server session is ended now or, with no connection, as soon as the device is
//   back online, before anything else is sent.
// - Plain forms offline: a plain form (a plan's goals, a comment, a proposal) sent with no
//   connection joins the outbox instead of ending on an error page, and goes when the
//   connection returns. Never one with a password or a file.
// - The service worker's partner: registers /sw.js, saves modules for offline use, and
//   makes links full page loads while offline (so the worker can answer them).
//
// The page says who it was rendered for on <html>: data-person, data-session (a tag of
// the session, not the session itself) and data-build.

import * as rules from "/outbox-core.js?v=__TANDEM_BUILD__";
import { refusal, startStatus } from "/status.js?v=__TANDEM_BUILD__";
import "/device-db.js?v=__TANDEM_BUILD__";

const BUILD = "__TANDEM_BUILD__";
const SEND_DELAY_MS = 300; // the answer box already waits for a pause in typing
const db = self.TandemDB;
const html = document.documentElement;
const me = { id: Number(html.dataset.person) || null, session: html.dataset.session || null };
const channel = "BroadcastChannel" in self ? new BroadcastChannel("tandem") : null;

let ops = []; // this person's ops, as last read
let others = 0; // ops kept on this device for other people
let saved = []; // this person's saved modules
let attempts = 0;
let retryAt = 0;
let timer = null;
let signedOut = false; // the server answered that nobody is signed in
let elsewhere = false; // someone else has signed in on this device since this page loaded
let locked = false; // this page's session was signed out on this device
let storageError = null;
let lastError = null;
const enqueuing = new Set();

const local = {
  get(name, fallback) {
    try {
      const text = localStorage.getItem(name);
      return text === null ? fallback : JSON.parse(text);
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      if (value === null) localStorage.removeItem(name);
      else localStorage.setItem(name, JSON.stringify(value));
    } catch {
      // full or blocked: IndexedDB holds what matters
    }
  },
};
const mine = (name) => `tandem:${me.id}:${name}`;

function status() {
  const c = rules.counts(ops);
  return {
    online: navigator.onLine,
    pending: c.pending,
    attention: c.attention,
    others,
    lastSynced: me.id ? local.get(mine("last-synced"), null) : null,
    signedOut,
    elsewhere,
    retrying: attempts > 0,
    error: lastError,
    storageError,
  };
}

const emit = (name, detail) => window.dispatchEvent(new CustomEvent(name, { detail }));
const announce = () => emit("tandem:outbox", status());

function describe(error) {
  if (error && error.name === "QuotaExceededError") {
    return "This device has run out of storage space, so the change could not be kept on it.";
  }
  return "This device could not keep the change (its storage is blocked or unavailable).";
}

/** Reads this person's ops into `ops`. Reads overlap (a reload, a change, the sender), so
 *  only the latest started may replace the list (see `latestRead`); each caller still gets
 *  its own list. */
const readOps = rules.latestRead(
  () => db.ops.all(me.id),
  (list) => {
    ops = list;
  },
);

/** Re-reads this person's ops (another tab, or the worker, may have changed them). */
async function reload() {
  if (!me.id) return announce();
  try {
    await readOps();
    others = await db.ops.others(me.id);
  } catch (e) {
    storageError = describe(e);
  }
  announce();
}

/** Changes this person's ops with a pure rule, in one transaction, and tells other tabs. */
async function change(rule) {
  await db.ops.update(me.id, rule);
  await readOps();
  channel?.postMessage({ type: "ops" });
  announce();
}

// ---- The outbox ------------------------------------------------------------------------

/** Keeps a write on this device, then sends it. `op` is made by the Rust app:
 *  { op_id, path, args, merge, label, href }. Rejects when the device cannot keep it. */
function enqueue(op) {
  const work = (async () => {
    if (!me.id) throw new Error("Nobody is signed in on this page.");
    await change((list) => rules.enqueue(list, { ...op, person: me.id, queued_at: Date.now() }));
    storageError = null;
    askToPersist();
    schedule(op.merge ? SEND_DELAY_MS : 0);
    return op.op_id;
  })().catch((e) => {
    storageError = e.message === "Nobody is signed in on this page." ? e.message : describe(e);
    announce();
    throw new Error(storageError);
  });
  enqueuing.add(work);
  work.catch(() => {}).finally(() => enqueuing.delete(work));
  return work;
}

/** Storage the browser may clear under pressure unless asked not to: ask once. */
async function askToPersist() {
  if (!navigator.storage?.persist || local.get("tandem:persist-asked", false)) return;
  local.set("tandem:persist-asked", true);
  await navigator.storage.persist().catch(() => false);
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(flush, Math.max(delay, retryAt - Date.now(), 0));
}

let flushing = null;
let flushAgain = false;

/** Sends this person's waiting writes, oldest first, one tab at a time (a tab waits its
 *  turn; by then the tab before it may have sent everything). */
function flush() {
  clearTimeout(timer);
  if (!me.id || locked || elsewhere || signedOut || !navigator.onLine) return Promise.resolve(announce());
  if (flushing) {
    flushAgain = true; // a write queued while sending: go round once more
    return flushing;
  }
  flushing = (async () => {
    do {
      flushAgain = false;
      if (navigator.locks) await navigator.locks.request("tandem-outbox", sendAll);
      else await sendAll();
    } while (flushAgain && !retryAt);
  })().finally(() => {
    flushing = null;
    announce();
  });
  return flushing;
}

async function sendAll() {
  for (;;) {
    let list;
    try {
      list = await readOps();
    } catch (e) {
      storageError = describe(e);
      return;
    }
    const op = rules.nextToSend(list);
    if (!op || locked || elsewhere || signedOut || !navigator.onLine) return;
    await change((list) => rules.markSending(list, op.op_id));
    let status = null;
    let text = "";
    try {
      const response = await fetch(op.path, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          "Tandem-Person": String(op.person),
        },
        body: rules.encode(op.args),
        credentials: "same-origin",
      });
      status = response.status;
      text = await response.text();
    } catch {
      status = null; // no answer, or an answer cut off: the same op goes again
    }
    const { outcome, reply } = rules.classify(status, text);
    if (outcome === "sent") {
      await change((list) => rules.afterSent(list, op, reply));
      attempts = 0;
      retryAt = 0;
      lastError = null;
      local.set(mine("last-synced"), Date.now());
      emit("tandem:sent", { op, reply });
      continue;
    }
    if (outcome === "refused") {
      await change((list) => rules.afterRefused(list, op, status, text));
      emit("tandem:refused", { op, status, body: text, message: refusal(text) });
      continue;
    }
    await change((list) => rules.markWaiting(list, op.op_id));
    if (outcome === "signed-out") {
      signedOut = true;
      return;
    }
    if (outcome === "wrong-person") {
      becomeElsewhere();
      return;
    }
    attempts += 1;
    lastError = status ? `The server answered ${status}.` : "No connection.";
    const wait = rules.backoff(attempts);
    retryAt = Date.now() + wait;
    schedule(wait);
    return;
  }
}

/** Someone else is signed in on this device now: this page stops sending and stops
 *  showing this person's pages; their writes stay here until they sign in again. */
function becomeElsewhere() {
  if (elsewhere) return;
  elsewhere = true;
  html.classList.add("tandem-elsewhere");
  announce();
}

// ---- Signing out -----------------------------------------------------------------------

function readLock() {
  return local.get("tandem:lock", null);
}

async function writeLock(lock) {
  local.set("tandem:lock", lock);
  await db.device.set("lock", lock).catch(() => {});
}

/** Tells the server to end the session `lock` names (and no other). True once it has. */
async function endSession(lock) {
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), 8000);
  try {
    const response = await fetch("/api/sign_out", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ session: lock.session || "" }).toString(),
      credentials: "same-origin",
      signal: abort.signal,
    });
    if (!response.ok) return false;
    await writeLock({ ...lock, serverPending: false });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timeout);
  }
}

function showSignedOut(finishing) {
  html.classList.add("tandem-locked");
  if (document.getElementById("tandem-lock-notice")) return;
  const box = document.createElement("main");
  box.id = "tandem-lock-notice";
  box.className = "lock-notice site-main";
  const h1 = document.createElement("h1");
  h1.className = "page-title";
  h1.textContent = "You have signed out on this device";
  const p = document.createElement("p");
  p.className = "lead";
  p.textContent = finishing
    ? "Tandem is finishing signing you out. Nothing of yours is shown on this device."
    : "This device has no connection just now, so Tandem will finish signing you out on the server as soon as it is back online. Nothing of yours is shown on this device meanwhile.";
  const a = document.createElement("a");
  a.href = "/sign-in";
  a.textContent = "Sign in";
  const p2 = document.createElement("p");
  p2.append(a);
  box.append(h1, p, p2);
  document.body.append(box);
  h1.tabIndex = -1;
  h1.focus();
}

/** Signs out on this device. Writes not yet sent are kept for their owner (sent when they
 *  next sign in here) unless `discard`. Works with no connection. */
async function signOut({ discard = false } = {}) {
  // Answer boxes queue what was typed but not yet queued (their tasks start on the next
  // turn of the event loop).
  emit("tandem:before-sign-out", null);
  await new Promise((resolve) => setTimeout(resolve, 0));
  await Promise.allSettled([...enqueuing]);
  const lock = { person: me.id, session: me.session, at: Date.now(), serverPending: true };
  await writeLock(lock);
  locked = true;
  clearTimeout(timer);
  channel?.postMessage({ type: "signed-out", session: me.session });
  if (discard && me.id) await change(() => []).catch(() => {});
  if (me.id) {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k && k.startsWith(`tandem:${me.id}:`)) localStorage.removeItem(k);
    }
  }
  await db.device.set("person", null).catch(() => {});
  await db.forgetPagesExcept(null).catch(() => {});
  await db.saved.clearExcept(null).catch(() => {});
  navigator.serviceWorker?.controller?.postMessage({ type: "forget", keep: null });
  const ended = await endSession(lock);
  if (ended || navigator.serviceWorker?.controller) {
    showSignedOut(true);
    location.replace("/sign-in?signed_out=1"); // offline, the worker shows the signed-out page
  } else {
    showSignedOut(false);
  }
}

/** On every page: does a sign-out on this device concern the session this page is for? */
async function checkLock() {
  let lock = readLock();
  const stored = await db.device.get("lock").catch(() => undefined);
  if (stored !== undefined) {
    lock = stored; // the worker may have finished the sign-out meanwhile
    local.set("tandem:lock", lock);
  }
  if (!lock) {
    html.classList.remove("tandem-locked");
    return;
  }
  if (!me.session) {
    // Nobody is signed in for this page: the locked session has ended.
    if (lock.serverPending) await writeLock({ ...lock, serverPending: false });
    return;
  }
  if (me.session !== lock.session) {
    await writeLock(null); // a new sign-in: the lock has done its job
    html.classList.remove("tandem-locked");
    return;
  }
  // A page of a session signed out here (it went before the server heard): end it now.
  locked = true;
  showSignedOut(true);
  if (await endSession(lock)) location.replace("/sign-in?signed_out=1");
}

// ---- Offline pages ---------------------------------------------------------------------

/** Fetches every page of a module into this person's cache, reporting progress. */
async function saveModule(moduleKey, urls, onProgress) {
  if (!me.id) throw new Error("Sign in to save modules on this device.");
  const cache = await caches.open(db.pageCache(BUILD, me.id));
  let done = 0;
  let bytes = 0;
  for (const url of urls) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" }, redirect: "manual" });
    const person = Number((response.headers.get("tandem-person") || "").split(" ")[0]);
    if (!response.ok || person !== me.id) throw new Error(`Could not fetch ${url} (${response.status || "signed out"}).`);
    bytes += (await response.clone().arrayBuffer()).byteLength;
    await cache.put(url, response);
    done += 1;
    onProgress?.(done, urls.length);
  }
  try {
    await db.saved.put({ person: me.id, module: moduleKey, urls, at: Date.now(), bytes });
  } catch (e) {
    throw new Error(describe(e));
  }
  await refreshSaved();
  return bytes;
}

async function removeModule(moduleKey) {
  const entry = saved.find((s) => s.module === moduleKey);
  if (entry) {
    const cache = await caches.open(db.pageCache(BUILD, me.id));
    await Promise.all(entry.urls.map((u) => cache.delete(u)));
  }
  await db.saved.remove(me.id, moduleKey);
  await refreshSaved();
}

async function refreshSaved() {
  saved = me.id ? await db.saved.list(me.id).catch(() => []) : [];
  emit("tandem:saved-modules", saved.map((s) => s.module));
}

/** A saved module whose pages are not in this build's cache (a cache cleared by the
 *  browser, or an update that could not fetch them) is fetched again, or unmarked. */
async function keepSavedModules() {
  if (!me.id || !("caches" in window)) return;
  const cache = await caches.open(db.pageCache(BUILD, me.id));
  for (const entry of saved) {
    if (await cache.match(entry.urls[0])) continue;
    if (navigator.onLine) await saveModule(entry.module, entry.urls).catch(() => removeModule(entry.module));
    else await removeModule(entry.module);
  }
}

// ---- Writes from builds before this one -------------------------------------------------

/** The outbox used to live in localStorage (`tandem:<person>:outbox`): move it here. */
async function migrateLegacy() {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    const m = /^tandem:(\d+):(outbox|refused|saved-modules)$/.exec(key || "");
    if (!m) continue;
    const person = Number(m[1]);
    const value = local.get(key, null);
    if (m[2] === "outbox" || m[2] === "refused") {
      const refused = m[2] === "refused";
      const list = rules
        .fromLegacy(person, refused ? (value || []).map((r) => r.op) : value, Date.now())
        .map((o, j) => (refused ? { ...o, state: "refused", error: { status: 0, body: "", message: value[j].message } } : o));
      await db.ops.update(person, (have) => [...have, ...list.filter((o) => !have.some((h) => h.op_id === o.op_id))]);
    } else if (person === me.id && value) {
      for (const [module, entry] of Object.entries(value)) {
        await db.saved.put({ person, module, urls: entry.urls, at: entry.at, bytes: entry.bytes });
      }
    }
    localStorage.removeItem(key);
  }
}

// ---- Wiring ----------------------------------------------------------------------------

/** What the person wrote in a write: an answer's text, or a post's parts. */
function writtenText(args) {
  const parts = ["title", "need", "tried", "outcome", "change", "body", "notes"]
    .map((k) => args[k])
    .filter((v) => typeof v === "string" && v.trim() !== "");
  return parts.length ? parts.join("\n\n") : null;
}

function attention() {
  return ops
    .filter((o) => o.state === "refused" || o.state === "conflict")
    .map((o) => ({
      op_id: o.op_id,
      label: o.label,
      href: o.href,
      state: o.state,
      text: o.text ?? writtenText(o.args),
      message: o.error?.message ?? null,
      error: o.error?.body ?? null,
    }));
}

async function act(rule) {
  await change(rule);
  flush();
}

let ready;
window.tandemOffline = {
  build: BUILD,
  enqueue,
  flush,
  status,
  ready: () => ready,
  latest: (merge) => rules.latest(ops, merge),
  conflict: (merge) => rules.conflict(ops, merge),
  attention,
  retry: (opId) => act((list) => rules.retry(list, opId)),
  discard: (opId) => act((list) => rules.discard(list, opId)),
  saveModule,
  removeModule,
  savedModules: () => saved.map((s) => s.module),
  signOut,
  copy: (text) => navigator.clipboard?.writeText(text).catch(() => {}),
  pending: () => ops.filter((o) => o.state === "waiting" || o.state === "sending").map((o) => ({ ...o })),
};

// The status line and the sign-out warning (status.js).
startStatus(window.tandemOffline);

channel?.addEventListener("message", ({ data }) => {
  if (data?.type === "ops") reload();
  if (data?.type === "person" && me.id && data.id !== me.id) becomeElsewhere();
  if (data?.type === "signed-out" && me.session && data.session === me.session && !locked) {
    locked = true;
    showSignedOut(true);
    location.replace("/sign-in?signed_out=1");
  }
});
window.addEventListener("online", async () => {
  attempts = 0;
  retryAt = 0;
  const lock = readLock();
  if (locked && lock?.serverPending && (await endSession(lock))) location.replace("/sign-in?signed_out=1");
  flush();
});
window.addEventListener("offline", announce);
window.addEventListener("pageshow", (e) => {
  if (e.persisted) checkLock().then(flush);
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
setInterval(() => {
  if (rules.counts(ops).pending && Date.now() >= retryAt) flush();
}, 15_000);

// ---- Plain forms offline -----------------------------------------------------------------
// A plain form (a plan's goals, a self-review, a comment, a proposal) sent with no
// connection would end on an error page, and what was typed with it. Instead it joins the
// outbox like any answer: kept on this device under this person, sent in order when the
// connection returns, and if the server refuses it, listed with its words to copy.
const KEPT_NOTE = "tandem-kept-note";
/** The last op each form queued, and what it held. */
const queuedFrom = new WeakMap();

function keptNote(form, text) {
  let note = form.querySelector(`.${KEPT_NOTE}`);
  if (!note) {
    note = document.createElement("p");
    note.className = `${KEPT_NOTE} kept-note`;
    note.setAttribute("role", "status");
    form.append(note);
  }
  note.textContent = text;
}

document.addEventListener(
  "submit",
  (e) => {
    const form = e.target;
    if (navigator.onLine || !me.id || e.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (form.method.toLowerCase() !== "post" || !form.closest("main") || form.closest("leptos-island")) return;
    // Never a password kept on the device, nor a file (which the outbox cannot hold).
    if (form.querySelector("input[type=password], input[type=file]")) return;
    const url = new URL(form.action, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith("/api/")) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const pairs = [...new FormData(form, e.submitter)];
    const typed = [...form.querySelectorAll("textarea, input[type=text]")]
      .map((f) => f.value.trim())
      .filter((v) => v !== "");
    const heading = form.closest("section, article")?.querySelector("h2, h3")?.textContent?.trim();
    const args = rules.formArgs(pairs);
    // The same form sent again unchanged while the first is still waiting (Save pressed
    // twice): it is kept once.
    const same = JSON.stringify({ ...args, op: null });
    const earlier = queuedFrom.get(form);
    const waiting = (id) => ops.some((o) => o.op_id === id && (o.state === "waiting" || o.state === "sending"));
    if (earlier?.same === same && (earlier.storing || waiting(earlier.opId))) {
      keptNote(form, "Already kept on this device: it is sent as soon as the connection returns.");
      return;
    }
    const opId = crypto.randomUUID();
    const queued = { same, opId, storing: true };
    queuedFrom.set(form, queued);
    // A form's id (`op`) is the page's; two things sent from one page offline are two
    // writes, so each takes its own (the server does each once, however often it arrives).
    if ("op" in args) args.op = opId;
    const op = {
      op_id: opId,
      path: url.pathname,
      args,
      merge: null,
      label: [document.title, heading].filter(Boolean).join(": "),
      href: location.pathname + location.search,
      text: typed.length ? typed.join("\n\n") : null,
    };
    enqueue(op).then(
      () => {
        queued.storing = false;
        keptNote(form, "No connection just now: this is kept on this device and sent as soon as the connection returns. What you typed stays here meanwhile.");
        const sent = ({ detail }) => {
          if (detail.op.op_id !== op.op_id) return;
          window.removeEventListener("tandem:sent", sent);
          keptNote(form, "Sent. Reload the page to see it as it is now.");
        };
        window.addEventListener("tandem:sent", sent);
      },
      (error) => {
        queuedFrom.delete(form);
        keptNote(form, `Not sent, and not kept: ${error.message} What you typed is still here.`);
      },
    );
  },
  true,
);

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

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { updateViaCache: "none" }).then(followUpdate).catch(() => {});
}

/** The build the worker controlling this page runs, or null (no worker, or no answer). */
function workerBuild() {
  const worker = navigator.serviceWorker.controller;
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    worker.postMessage({ type: "build" }, [channel.port2]);
    setTimeout(() => resolve(null), 2000);
  });
}

/** This page is a newer build than the worker controlling it: the browser installs the new
 *  worker on its own, but only checks again at the next page load when that install fails
 *  (the connection dropped mid-update). Check again while the page stays open, backing off,
 *  so the device does not keep the old build's worker and caches until someone navigates. */
async function followUpdate(registration) {
  for (const wait of [5_000, 15_000, 45_000, 120_000, 300_000]) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    const build = await workerBuild();
    if (build === null || build === BUILD) return;
    // Installed but still waiting: the browser put off the take-over (the old worker was
    // busy) and may not look again for minutes. Asking the new worker again looks now.
    registration.waiting?.postMessage({ type: "take-over" });
    if (!registration.installing && !registration.waiting && navigator.onLine) await registration.update().catch(() => {});
  }
}

ready = (async () => {
  await checkLock();
  if (me.id && !locked) {
    channel?.postMessage({ type: "person", id: me.id, session: me.session });
    const known = await db.device.get("person").catch(() => null);
    if (known && known.id !== me.id) {
      // A different person since the last page: nothing of the previous one stays readable.
      await db.forgetPagesExcept(me.id).catch(() => {});
      await db.saved.clearExcept(me.id).catch(() => {});
    }
    await db.device.set("person", { id: me.id, session: me.session }).catch(() => {});
  }
  await migrateLegacy().catch(() => {});
  await reload();
  await refreshSaved();
  keepSavedModules();
  flush();
})();
