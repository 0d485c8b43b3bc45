// What a first visit costs, measured in Chromium with a cold cache (a new profile per page):
// the bytes each type of file took on the wire (headers and compressed body) until the
// page's code has taken over, what the service worker then fetched in the background for
// offline use, and how long the page took to become interactive on a busy school Wi-Fi
// (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips) on a tablet's CPU (4x slower), and
// the next section with the service worker warm. Prints `key<TAB>value` lines for
// scripts/bench.sh.
//
// usage: node scripts/first-page.mjs <base URL> <practitioner's session> <SENCo's session>
import { chromium } from "@playwright/test";

const [base, practitioner, senco] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
});

function kind(url, type) {
  const path = new URL(url).pathname;
  if (type === "document") return "html";
  if (path.endsWith(".wasm")) return "wasm";
  if (path.endsWith(".js")) return "js";
  if (path.endsWith(".css")) return "css";
  if (path.endsWith(".woff2")) return "fonts";
  return "other";
}

/** The page's code has taken over: its islands hydrated (`/islands.js` marks it), or a
 *  page without islands whose outbox script has run. */
const interactive = (page) =>
  page.waitForFunction(
    () =>
      document.body?.dataset.hydrated === "true" ||
      (document.readyState !== "loading" && !document.getElementById("tandem-islands") && Boolean(window.tandemOffline)),
    null,
    { timeout: 60_000, polling: 20 },
  );

async function slowSchoolWifi(cdp) {
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6e6 / 8) | 0,
    uploadThroughput: (750e3 / 8) | 0,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
}

/** Milliseconds from asking for `path` until it is interactive, in `page`. */
async function timed(page, path) {
  const started = Date.now();
  const response = await page.goto(base + path, { waitUntil: "commit" });
  if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
  await interactive(page);
  return Date.now() - started;
}

async function measure(name, path, cookie, next) {
  // Bytes, on a fast connection.
  {
    const context = await browser.newContext();
    if (cookie) await context.addCookies([{ name: "tandem_session", value: cookie, url: base }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const bytes = { html: 0, js: 0, wasm: 0, css: 0, fonts: 0, other: 0 };
    const types = new Map();
    cdp.on("Network.responseReceived", (e) => types.set(e.requestId, kind(e.response.url, e.type === "Document" ? "document" : "")));
    cdp.on("Network.loadingFinished", (e) => {
      if (types.has(e.requestId)) bytes[types.get(e.requestId)] += e.encodedDataLength;
    });
    // What the service worker fetches to keep the app for offline use.
    let background = 0;
    const pending = [];
    context.on("requestfinished", (request) => {
      if (request.serviceWorker()) pending.push(request.sizes().then((s) => (background += s.responseHeadersSize + s.responseBodySize)));
    });
    await timed(page, path);
    await page.waitForLoadState("networkidle");
    // The service worker has installed: everything it precaches has arrived.
    await page.evaluate(() =>
      Promise.race([navigator.serviceWorker.ready, new Promise((_, fail) => setTimeout(() => fail(new Error("no service worker")), 30_000))]).then(() => true),
    );
    await Promise.all(pending);
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);
    for (const [type, n] of Object.entries(bytes)) console.log(`${name}.${type}\t${n}`);
    console.log(`${name}.total\t${total}`);
    console.log(`${name}.background\t${background}`);
    await context.close();
  }
  // Time, on the school's Wi-Fi and a tablet's CPU, cold; then the next section, warm.
  {
    const context = await browser.newContext();
    if (cookie) await context.addCookies([{ name: "tandem_session", value: cookie, url: base }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await slowSchoolWifi(cdp);
    console.log(`${name}.slow_ms\t${await timed(page, path)}`);
    if (next) {
      // The service worker has taken over and precached the shell, as it has by a
      // person's second page.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), null, { timeout: 60_000 });
      console.log(`${name}.next_ms\t${await timed(page, next)}`);
    }
    await context.close();
  }
}

// A section with answer boxes (the learner's islands), then the next section.
const review = await (async () => {
  const reply = await fetch(`${base}/api/review/queue`, {
    method: "POST",
    headers: { Cookie: `tandem_session=${senco}`, Origin: base, Accept: "application/json" },
  });
  const queue = await reply.json();
  const first = JSON.stringify(queue).match(/"id":"([0-9a-f-]{36})"/);
  return first ? `/review/${first[1]}` : "/review";
})();
await measure("first.signin", "/sign-in", null);
await measure("first.section", "/modules/m2/practice", practitioner, "/modules/m2/reflection");
await measure("first.log", "/log", practitioner);
await measure("first.review", review, senco);
await measure("first.thread", "/community/p/demo-post-000", practitioner);
await browser.close();
