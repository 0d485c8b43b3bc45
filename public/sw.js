// Tandem's service worker. The server writes the build id into this file, so every build
// is a new worker: the browser notices the change on its next update check (every
// navigation) and installs it; once active it deletes every older build's caches.
//
// - App shell (wasm, JS, CSS, fonts, the offline pages): precached under this build's
//   versioned URLs (`?v=<build>`) and served from the cache only for those exact URLs, so a
//   page from another build never gets this build's code, nor this build's page old code.
// - Pages: only the course (home, catalogue, modules, sections) is kept, per person
//   (`tandem-v2-pages-<build>-p<person>`), network first with a timeout. The learning log,
//   profile, admin, review and staff pages are never kept.
// - Who is signed in comes from the `Tandem-Person` header of each page; a different person,
//   a redirect to sign in (an ended session) or signing out deletes the kept pages.
// - Signed out on this device (the `lock` in IndexedDB, see offline.js): no kept page is
//   shown, and a sign-out the server has not heard of is finished before any page loads.
// - Server functions, downloads and every non-GET request: never cached.

importScripts("/device-db.js?v=__TANDEM_BUILD__");

const BUILD = "__TANDEM_BUILD__";
const SHELL = `tandem-v2-shell-${BUILD}`;
const v = (path) => `${path}?v=${BUILD}`;
// Requested with this build's `?v=`: served from the precache. Both lists are filled in by
// the server from its one list of the app shell (services/src/shell.rs, FILES).
const VERSIONED = __TANDEM_VERSIONED__;
// Requested by plain URL (from the CSS, the manifest): their bytes are part of the build id.
const STABLE = __TANDEM_STABLE__;
// How long a page may take before the kept copy is shown instead (flaky Wi-Fi).
const NETWORK_TIMEOUT_MS = 4000;
// How long the update may spend on each saved page it fetches again.
const REFETCH_TIMEOUT_MS = 5000;

const db = self.TandemDB;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll([...VERSIONED, ...STABLE].map(v));
      // Never holds the update back: a module not fetched here is fetched again by the
      // next page this build opens (keepSavedModules in offline.js).
      await refetchSavedModules().catch(() => {});
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      const legacy = names.some((n) => n.startsWith("tandem-") && !n.startsWith("tandem-v2-"));
      for (const name of names) {
        if (name.startsWith("tandem-") && name !== SHELL && !name.startsWith(db.pageCache(BUILD, ""))) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
      // Pages opened under a worker from before versioned URLs may be running that build's
      // code against this build's pages: load them again (typed text is kept as drafts).
      if (legacy) for (const c of await self.clients.matchAll({ type: "window" })) c.navigate(c.url).catch(() => {});
    })(),
  );
});

/** A new build: the modules the signed-in person saved are fetched again into this
 *  build's cache, so they still open offline after the update. A page that no longer
 *  exists is dropped from the module. A fetch that fails or takes longer than
 *  REFETCH_TIMEOUT_MS ends the refetch (the page repairs what is missing), so a slow or
 *  dropped connection cannot keep the new build waiting or make its install fail. */
async function refetchSavedModules() {
  const person = await db.device.get("person").catch(() => null);
  const lock = await db.device.get("lock").catch(() => null);
  if (!person || lock) return;
  const cache = await caches.open(db.pageCache(BUILD, person.id));
  for (const saved of await db.saved.list(person.id)) {
    const urls = [];
    for (const url of saved.urls) {
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual", signal: AbortSignal.timeout(REFETCH_TIMEOUT_MS) });
      if (response.ok && personOf(response)?.id === person.id) {
        await cache.put(url, response);
        urls.push(url);
      } else if (response.type === "opaqueredirect" || response.status === 401) {
        return; // signed out meanwhile: nothing is kept
      }
    }
    await db.saved.put({ ...saved, urls });
  }
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "forget") event.waitUntil(forget(event.data.keep ?? null));
  // A page asks which build this worker runs (offline.js: followUpdate).
  if (event.data?.type === "build") event.ports[0]?.postMessage(BUILD);
  if (event.data?.type === "take-over") event.waitUntil(self.skipWaiting());
});

/** Deletes kept pages and saved modules of everyone but `keep`. */
async function forget(keep) {
  await db.forgetPagesExcept(keep);
  await db.saved.clearExcept(keep).catch(() => {});
}

const neverCached = (path) => ["/api/", "/healthz", "/sw.js"].some((p) => path.startsWith(p)) || /\.(pdf|csv|json)$/.test(path);
/** The pages kept for offline use: the course and community threads (a followed thread is
 *  fetched into the cache like a saved module), and nothing personal beyond them. */
const keepable = (path) =>
  path === "/" || path === "/modules" || path.startsWith("/modules/") || path.startsWith("/community/p/");
/** Pages that redirect to sign-in when nobody is signed in. */
const personal = (path) =>
  !["/sign-in", "/join", "/forgot-password", "/reset-password", "/offline.html", "/signed-out.html"].includes(path);

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || neverCached(url.pathname)) return;

  const version = url.searchParams.get("v");
  if ((VERSIONED.includes(url.pathname) && version === BUILD) || (STABLE.includes(url.pathname) && version === null)) {
    event.respondWith(caches.match(v(url.pathname), { cacheName: SHELL }).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") event.respondWith(page(event));
});

/** Network first (with a timeout when there is a kept copy to fall back on); keeps course
 *  pages of the person signed in; offline, the kept copy or an offline page. */
async function page(event) {
  const request = event.request;
  const path = new URL(request.url).pathname;
  const lock = await db.device.get("lock").catch(() => null);
  if (lock?.serverPending) await finishSignOut(lock);
  const person = lock ? null : await db.device.get("person").catch(() => null);
  const kept = person && keepable(path) ? await caches.match(request.url, { cacheName: db.pageCache(BUILD, person.id) }) : undefined;

  const network = fetch(request).then((response) => {
    event.waitUntil(learn(response.clone(), path, request.url).catch(() => {}));
    return response;
  });
  try {
    return await (kept ? Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]) : network);
  } catch {
    if (kept) return kept;
    return (await caches.match(v(lock ? "/signed-out.html" : "/offline.html"), { cacheName: SHELL })) ||
      new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms));

/** The person a page was rendered for: `Tandem-Person: <id> <session tag>`. */
function personOf(response) {
  const [id, session] = (response.headers.get("tandem-person") || "").split(" ");
  return Number(id) > 0 ? { id: Number(id), session: session || null } : null;
}

/** Nobody is signed in here any more: nothing of anyone's stays readable. */
async function nobody() {
  await db.device.set("person", null);
  await forget(null);
}

/** What a page from the server tells about who is signed in here, and keeping it. */
async function learn(response, path, url) {
  if (response.type === "opaqueredirect") {
    // Sent to sign in: the session has ended (expired, or signed out elsewhere).
    if (personal(path)) await nobody();
    return;
  }
  if ((response.status === 404 || response.status === 410) && keepable(path)) {
    // Gone (a thread hidden, deleted or erased; a page removed): its kept copy goes too,
    // so it no longer opens offline for anyone on this device.
    await dropKept(url);
    return;
  }
  if (!response.ok || !(response.headers.get("content-type") || "").includes("text/html")) return;
  const who = personOf(response);
  if (!who) {
    if (personal(path)) await nobody();
    return;
  }
  const lock = await db.device.get("lock");
  if (lock && lock.session === who.session) return; // signed out here: the page ends it
  if (lock) await db.device.set("lock", null); // a new session: the lock has done its job
  const known = await db.device.get("person");
  if (!known || known.id !== who.id) await forget(who.id);
  if (!known || known.id !== who.id || known.session !== who.session) await db.device.set("person", who);
  if (keepable(path)) await (await caches.open(db.pageCache(BUILD, who.id))).put(url, response);
}

/** Deletes a page's kept copies (every person's, this build) and takes it out of saved
 *  modules and followed threads. */
async function dropKept(url) {
  for (const name of await caches.keys()) {
    if (name.startsWith(db.pageCache(BUILD, ""))) await (await caches.open(name)).delete(url);
  }
  const person = await db.device.get("person").catch(() => null);
  if (!person) return;
  const same = (u) => new URL(u, self.location.origin).href === url;
  for (const saved of await db.saved.list(person.id).catch(() => [])) {
    if (saved.urls.some(same)) await db.saved.put({ ...saved, urls: saved.urls.filter((u) => !same(u)) });
  }
}

/** Someone signed out here while the server could not be told: tell it now, before this
 *  navigation (or anything else) goes out under their session. */
async function finishSignOut(lock) {
  try {
    const form = new URLSearchParams({ session: lock.session || "" });
    const response = await fetch("/api/sign_out", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      credentials: "same-origin",
    });
    if (response.ok) await db.device.set("lock", { ...lock, serverPending: false });
  } catch {
    // still offline: the page shown will be the signed-out page
  }
}
