// An app update reaching a tablet that already has the service worker: a second, genuinely
// different build served by the same server restarted, as an IT lead deploys one.
import { test, expect } from "./fixtures";
import { type Browser, type Page } from "@playwright/test";
import { cpSync, rmSync, appendFileSync, existsSync } from "node:fs";
import path from "node:path";

import { signIn, open, waitForHydration, newPractitioner, serverData, serviceWorkerReady, pendingOps, pendingAnswers, saveModuleForOffline, startTandem, stopTandem, httpProxy, E2E_DIR, setConnection } from "./helpers";

const root = path.resolve(__dirname, "../..");
// The address people use (a proxy, which can lose requests on the way) and the server's.
const port = Number(process.env.TANDEM_E2E_PORT ?? 3100) + 1;
const origin = `http://127.0.0.1:${port}`;
const serverPort = port + 3;
const database = path.join(E2E_DIR, "update.db");
// The built site the suite's server serves (scripts/e2e.sh).
const site = path.resolve(root, process.env.TANDEM_E2E_SITE ?? "target/site");

/** The Tandem server on its own port, serving the built site in `site`. */
const startServer = (site: string) =>
  startTandem(serverPort, { TANDEM_DATABASE_URL: `sqlite://${database}`, LEPTOS_SITE_ROOT: site });
const stopServer = stopTandem;

/** A second build: the first one with a changed stylesheet (as a restyled release would
 *  have), so every file the worker precaches hashes to a new build id. */
function nextBuild(): string {
  const next = path.join(E2E_DIR, "site-next");
  rmSync(next, { recursive: true, force: true });
  cpSync(site, next, { recursive: true });
  appendFileSync(path.join(next, "pkg/tandem.css"), '\n:root{--tandem-release:"next"}\n');
  for (const ext of [".br", ".gz"]) if (existsSync(path.join(next, `pkg/tandem.css${ext}`))) rmSync(path.join(next, `pkg/tandem.css${ext}`));
  return next;
}

/** What the page's service worker registration holds, for a failure message. */
async function workers(page: Page) {
  return page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return { installing: r?.installing?.state ?? null, waiting: r?.waiting?.state ?? null, active: r?.active?.state ?? null };
  });
}

for (const cut of [false, true]) {
  const title = cut
    ? "an update whose install loses the connection is tried again while the page stays open"
    : "an update reaches a device that already has the worker, keeps its unsent work and its saved module";
  test(title, async ({ browser }) => updateJourney(browser, cut));
}

async function updateJourney(browser: Browser, cut: boolean) {
  rmSync(database, { force: true });
  const proxy = await httpProxy([serverPort], port);
  let server = await startServer(site);
  try {
    const person = await newPractitioner(origin);
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await signIn(page, person.email);
    await saveModuleForOffline(page, "m5");
    await open(page, "/modules/m5/reflection");
    await serviceWorkerReady(page);
    const first = await page.evaluate(() => document.documentElement.dataset.build);
    expect(await page.evaluate(() => (window as any).tandemOffline.build)).toBe(first);

    // Written offline under the first build, still unsent when the update comes. The
    // section's own "opened" record usually goes first; on a busy machine it can still be
    // on its way into the outbox then, so the count is of answers only.
    await expect.poll(() => pendingOps(page)).toBe(0);
    await setConnection(context, false);
    const text = `Written before the update ${Date.now()}`;
    await page.locator("textarea.answer-text").first().fill(text);
    await expect(page.locator(".save-status").first()).toContainText("will retry");
    expect(await pendingAnswers(page)).toBe(1);

    // The IT lead deploys the next build and restarts the server.
    await stopServer(server);
    server = await startServer(nextBuild());
    if (cut) {
      // The connection drops while the new worker precaches the new build (the offline
      // page: only an install fetches it), for the install the reload starts and the one
      // the page's register() starts: both fail, and nothing navigates afterwards to make
      // the browser check again. (Dropped on the way, not by Playwright's routing, which
      // can miss a service worker's first requests when the machine is busy.)
      proxy.cut(/\/offline\.html\?v=/, 2);
    }
    await setConnection(context, true);
    await page.reload();
    await waitForHydration(page);
    const second = await page.evaluate(() => document.documentElement.dataset.build);
    expect(second).not.toBe(first);
    // The page runs the new build's code and styles, not the old worker's copies.
    expect(await page.evaluate(() => (window as any).tandemOffline.build)).toBe(second);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--tandem-release").trim())).toBe('"next"');
    // The new worker takes over and the old build's caches go.
    await expect
      .poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([`tandem-v2-shell-${second}`]));
    await expect
      .poll(async () => (await page.evaluate(() => caches.keys())).filter((n) => n.includes(first!)), { timeout: 30_000 })
      .toEqual([])
      .catch(async (e) => {
        throw new Error(`${e.message}\nservice workers: ${JSON.stringify(await workers(page))}`);
      });
    expect(proxy.cutCount()).toBe(cut ? 2 : 0);
    // What was written under the first build reaches the server under the second.
    await expect
      .poll(async () => (await serverData(person.api, origin)).entries.map((e: any) => e.body), { timeout: 30_000 })
      .toEqual([text]);
    await expect(page.locator("textarea.answer-text").first()).toHaveValue(text);
    // The module saved before the update still opens offline, from the new build's cache.
    await expect
      .poll(
        () =>
          page.evaluate(async (build) => {
            const name = (await caches.keys()).find((n) => n.startsWith(`tandem-v2-pages-${build}-`));
            return name ? Boolean(await (await caches.open(name)).match("/modules/m5/practice")) : false;
          }, second),
        { timeout: 30_000 },
      )
      .toBe(true);
    await setConnection(context, false);
    await page.goto("/modules/m5/practice");
    await expect(page.locator(".breadcrumbs")).toContainText("Module 5");
    await waitForHydration(page);
    expect(await page.evaluate(() => document.documentElement.dataset.build)).toBe(second);
    await context.close();
  } finally {
    await stopServer(server);
    await proxy.close();
  }
}
