// Tandem's service worker. Its version is the build it was registered for (`?v=` in its
// URL): a new build registers a new worker, which precaches its own app shell and, once
// active, deletes every cache of older builds. The outbox lives in localStorage, not here,
// so an update never touches unsent work.
//
// - App shell (wasm, JS, CSS, fonts, offline page): precached, served cache-first.
// - Pages (HTML): network-first; each page that loads is kept for offline use.
// - Server functions, API calls, downloads and every non-GET request: never cached.

const VERSION = new URL(self.location).searchParams.get("v") || "dev";
const SHELL = `tandem-shell-${VERSION}`;
const PAGES = `tandem-pages-${VERSION}`;
const SHELL_FILES = [
  "/pkg/tandem.js",
  "/pkg/tandem_bg.wasm",
  "/pkg/tandem.css",
  "/offline.js",
  "/outbox-core.js",
  "/offline.html",
  "/manifest.webmanifest",
  "/favicon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/fonts/opendyslexic-latin-400-normal.woff2",
  "/fonts/opendyslexic-latin-700-normal.woff2",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES.map((f) => `${f}?v=${VERSION}`)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("tandem-") && n !== SHELL && n !== PAGES).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  }
});

// Server functions, health checks, the worker itself, and downloads (PDF, CSV, JSON).
const neverCached = (path) => ["/api/", "/healthz", "/sw.js"].some((p) => path.startsWith(p)) || /\.(pdf|csv|json)$/.test(path);

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (neverCached(url.pathname)) return;

  const shellFile = SHELL_FILES.includes(url.pathname);
  if (shellFile) {
    event.respondWith(
      caches.match(`${url.pathname}?v=${VERSION}`, { cacheName: SHELL }).then((hit) => hit || fetch(request)),
    );
    return;
  }
  if (request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html")) {
    event.respondWith(page(request));
  }
});

/** Network first; keep each good page; offline, the kept copy or the offline page. */
async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    const type = response.headers.get("content-type") || "";
    if (response.ok && !response.redirected && type.includes("text/html")) {
      cache.put(request.url, response.clone());
    }
    // Signed out (the page redirected to sign-in): nothing of anyone's stays readable.
    if (response.redirected && new URL(response.url).pathname === "/sign-in") {
      await caches.delete(PAGES);
    }
    return response;
  } catch {
    // Any page cache: a page that saved a module just before an update may have written
    // into its own build's cache.
    const kept = (await caches.match(request.url)) || (await cache.match(request.url, { ignoreSearch: true }));
    if (kept) return kept;
    const offline = await caches.match(`/offline.html?v=${VERSION}`, { cacheName: SHELL });
    return offline || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}
