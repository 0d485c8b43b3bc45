// What a first visit costs on the wire, measured in Chromium with a cold cache (a new
// profile per page): the bytes each type of file took (headers and compressed body), until
// the page's code has taken over, and what the service worker then fetched in the
// background for offline use. Prints `key<TAB>bytes` lines for scripts/bench.sh.
//
// usage: node scripts/first-page.mjs <base URL> <session cookie value> <section path>
import { chromium } from "@playwright/test";

const [base, session, section] = process.argv.slice(2);
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

async function measure(name, path, cookie) {
  const context = await browser.newContext();
  if (cookie) await context.addCookies([{ name: "tandem_session", value: cookie, url: base }]);
  const page = await context.newPage();
  // The page's own requests, from Chromium's network log: bytes on the wire (headers and
  // body as sent, compressed) of each response.
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
  const response = await page.goto(base + path);
  if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
  // The page is interactive: hydrated, or a plain page whose scripts have run.
  await page.waitForFunction(
    () => document.body.dataset.hydrated === "true" || (document.body.dataset.plain === "true" && Boolean(window.tandemOffline)),
    null,
    { timeout: 30_000 },
  );
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

await measure("first.signin", "/sign-in", null);
await measure("first.section", section, session);
await browser.close();
