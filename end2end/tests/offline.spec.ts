import { test, expect, type Page } from "@playwright/test";

import { open, signIn, waitForHydration, newPractitioner, serverData, expectAccessible } from "./helpers";

const answer = (page: Page) => page.locator("textarea").first();
const saveStatus = (page: Page) => page.locator(".save-status").first();
const pending = (page: Page) => page.evaluate(() => (window as any).tandemOffline.pending().length);

/** Waits until the service worker for this build controls the page. */
async function serviceWorkerReady(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
  });
}

async function saveModuleForOffline(page: Page, module: string) {
  await open(page, `/modules/${module}`);
  await serviceWorkerReady(page);
  await page.getByRole("button", { name: "Save for offline use" }).click();
  await expect(page.locator(".offline-state")).toHaveText(/Saved on this device/);
}

const completions = (data: any, key: string) =>
  data.activity.filter((a: any) => a.section_key === key && a.kind === "completed").length;

test("a module saved for offline works offline and syncs by itself on reconnect", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email);
  await saveModuleForOffline(page, "m1");
  await expectAccessible(page, "module page saved for offline");
  const figures = await page.evaluate(async () => {
    const saved = JSON.parse(Object.entries(localStorage).find(([k]) => k.endsWith(":saved-modules"))![1]);
    let shell = 0;
    for (const name of await caches.keys()) {
      if (!name.startsWith("tandem-shell-")) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) shell += (await (await cache.match(request))!.arrayBuffer()).byteLength;
    }
    return { module: saved.m1.bytes, shell };
  });
  console.log(`figures: precache ${figures.shell} bytes; saving module 1 fetched ${figures.module} bytes`);

  await context.setOffline(true);
  const sections = ["knowledge", "practice", "reflection"];
  for (const section of sections) {
    await page.goto(`/modules/m1/${section}`);
    await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("You are offline");
    await page.reload();
    await waitForHydration(page);
    await expect(page.locator(".breadcrumbs")).toContainText("Module 1");
  }
  // Following a link offline works too (a full page load from the cache).
  await page.goto("/modules/m1");
  await waitForHydration(page);
  await page.getByRole("link", { name: /Continue this module|Start this module/ }).click();
  await expect(page).toHaveURL(/\/modules\/m1\/knowledge$/);
  await expect(page.locator(".breadcrumbs")).toContainText("Module 1");

  await page.goto("/modules/m1/reflection");
  await waitForHydration(page);
  await expect(page.locator(".sync-status")).toContainText("Offline");
  const text = `Offline on the bus, ${Date.now()}: the quiet corner worked for Ade.`;
  await answer(page).fill(text);
  await expect(saveStatus(page)).toContainText("will retry");
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(page.getByText("You have completed this section.")).toBeVisible();
  await expect(page.locator(".sync-status")).toContainText(/changes? waiting to be sent/);

  await page.reload();
  await waitForHydration(page);
  await expect(answer(page)).toHaveValue(text);
  let data = await serverData(person.api, baseURL!);
  expect(data.entries).toHaveLength(0);
  expect(completions(data, "m1.reflection")).toBe(0);

  await context.setOffline(false);
  await expect
    .poll(async () => {
      data = await serverData(person.api, baseURL!);
      return [data.entries.map((e: any) => e.body), completions(data, "m1.reflection")];
    }, { timeout: 30_000 })
    .toEqual([[text], 1]);
  await expect(saveStatus(page)).toHaveText("Saved");
  await expect(page.locator(".sync-status")).toContainText("Online · all changes saved");
  await context.close();
});

test("replaying the same outbox writes changes nothing on the server", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email);
  await open(page, "/modules/m2/reflection");
  await context.setOffline(true);
  const text = `Replayed note ${Date.now()}`;
  await answer(page).fill(text);
  await expect(saveStatus(page)).toContainText("will retry");
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect.poll(() => pending(page)).toBeGreaterThanOrEqual(2);
  const outboxKey = await page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith(":outbox"))!);
  const ops = await page.evaluate((k) => localStorage.getItem(k)!, outboxKey);

  await context.setOffline(false);
  await expect.poll(() => pending(page), { timeout: 30_000 }).toBe(0);
  // The very same ops (same op ids) again, as if the first replies had been lost.
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [outboxKey, ops]);
  await page.reload();
  await waitForHydration(page);
  await expect.poll(() => pending(page), { timeout: 30_000 }).toBe(0);

  const data = await serverData(person.api, baseURL!);
  expect(data.entries.map((e: any) => e.body)).toEqual([text]);
  expect(completions(data, "m2.reflection")).toBe(1);
  const entry = await person.api.post("/api/log/entry", { form: { id: data.entries[0].id }, headers: person.headers });
  expect((await entry.json()).revisions).toHaveLength(1);

  // How long a 200-write outbox takes to reach the server on loopback.
  await context.setOffline(true);
  await page.evaluate(() => {
    for (let i = 0; i < 200; i++) (window as any).tandemOffline.enqueue({ type: "progress", section_key: "m2.knowledge", kind: "time_spent", seconds: 15 });
  });
  expect(await pending(page)).toBe(200);
  const started = Date.now();
  await context.setOffline(false);
  await expect.poll(() => pending(page), { timeout: 60_000, intervals: [50] }).toBe(0);
  console.log(`figures: a 200-write outbox synced in ${Date.now() - started} ms on loopback`);
  await context.close();
});

test("an answer edited on two devices keeps both and asks which to keep", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!);
  const laptopContext = await browser.newContext();
  const tabletContext = await browser.newContext();
  const laptop = await laptopContext.newPage();
  const tablet = await tabletContext.newPage();
  await signIn(laptop, person.email);
  await signIn(tablet, person.email);

  await open(laptop, "/modules/m3/reflection");
  await answer(laptop).fill("Started on the laptop.");
  await expect(saveStatus(laptop)).toHaveText("Saved");
  await open(tablet, "/modules/m3/reflection");
  await expect(answer(tablet)).toHaveValue("Started on the laptop.");

  await tabletContext.setOffline(true);
  await answer(tablet).fill("Started on the laptop. Added on the tablet, offline.");
  await expect(saveStatus(tablet)).toContainText("will retry");
  await answer(laptop).fill("Started on the laptop. Changed on the laptop meanwhile.");
  await expect(saveStatus(laptop)).toHaveText("Saved");

  await tabletContext.setOffline(false);
  const conflict = tablet.getByRole("group", { name: "Two versions of this answer" });
  await expect(conflict).toBeVisible({ timeout: 30_000 });
  await expect(conflict).toContainText("Changed on the laptop meanwhile.");
  await expect(conflict).toContainText("Added on the tablet, offline.");
  await expectAccessible(tablet, "conflict");
  let data = await serverData(person.api, baseURL!);
  const id = data.entries[0].id;
  const history = await (await person.api.post("/api/log/entry", { form: { id }, headers: person.headers })).json();
  expect(history.revisions.some((r: any) => r.conflict && r.body.includes("Added on the tablet"))).toBe(true);

  await conflict.getByRole("button", { name: "Keep this version" }).click();
  await expect(saveStatus(tablet)).toHaveText("Saved");
  data = await serverData(person.api, baseURL!);
  expect(data.entries[0].body).toBe("Started on the laptop. Added on the tablet, offline.");
  await laptopContext.close();
  await tabletContext.close();
});

test("signing out warns about unsent work and leaves nothing readable", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email);
  await saveModuleForOffline(page, "m4");
  await open(page, "/modules/m4/reflection");
  await context.setOffline(true);
  const text = `Unsent at sign-out ${Date.now()}`;
  await answer(page).fill(text);
  await expect(saveStatus(page)).toContainText("will retry");

  await page.getByRole("button", { name: "Sign out" }).click();
  const warning = page.getByRole("alert").filter({ hasText: "not been sent yet" });
  await expect(warning).toBeVisible();
  await expectAccessible(page, "sign-out warning");
  await context.setOffline(false);
  await warning.getByRole("button", { name: "Send them now, then sign out" }).click();
  await expect(page.getByRole("heading", { name: "You have signed out" })).toBeVisible({ timeout: 30_000 });
  const data = await serverData(person.api, baseURL!);
  expect(data.entries.map((e: any) => e.body)).toEqual([text]);

  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith("tandem-pages-")) continue;
      for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    }
    return { urls, local: Object.keys(localStorage).filter((k) => /^tandem:\d+:/.test(k)) };
  });
  expect(cached.urls.filter((u) => u.startsWith("/modules") || u.startsWith("/log"))).toEqual([]);
  expect(cached.local).toEqual([]);
  await context.setOffline(true);
  await page.goto("/modules/m4/reflection");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are offline");
  await expect(page.getByText(text)).toHaveCount(0);
  await context.close();
});

test("an app update replaces the old caches and keeps unsent work", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email);
  await saveModuleForOffline(page, "m5");
  await open(page, "/modules/m5/reflection");
  await serviceWorkerReady(page);
  const before = await page.evaluate(() => caches.keys());
  expect(before.some((n) => n.startsWith("tandem-shell-"))).toBe(true);

  await context.setOffline(true);
  const text = `Written before the update ${Date.now()}`;
  await answer(page).fill(text);
  await expect(saveStatus(page)).toContainText("will retry");
  // Back online, but the server cannot be reached for a while, so the write is still in
  // the outbox while the update happens.
  await page.evaluate(() => {
    const real = window.fetch;
    (window as any).realFetch = real;
    window.fetch = (input: any, init?: any) =>
      String(input).startsWith("/api/") ? Promise.reject(new TypeError("unreachable")) : real(input, init);
  });
  await context.setOffline(false);

  // A new build: its worker has a new version, precaches its shell, and removes the old.
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.register("/sw.js?v=e2e-next-build");
    await new Promise<void>((resolve) => {
      const done = () => registration.active?.scriptURL.includes("e2e-next-build") && resolve();
      navigator.serviceWorker.addEventListener("controllerchange", done);
      done();
    });
  });
  await expect
    .poll(() => page.evaluate(() => caches.keys()))
    .toEqual(expect.arrayContaining(["tandem-shell-e2e-next-build"]));
  // Once the new worker is active, nothing of the old build's caches is left.
  await expect
    .poll(async () => (await page.evaluate(() => caches.keys())).filter((n) => before.includes(n)))
    .toEqual([]);
  expect(await pending(page)).toBeGreaterThanOrEqual(1);

  await page.evaluate(() => {
    window.fetch = (window as any).realFetch;
    (window as any).tandemOffline.flush();
  });
  await expect
    .poll(async () => (await serverData(person.api, baseURL!)).entries.map((e: any) => e.body), { timeout: 30_000 })
    .toEqual([text]);
  await page.reload();
  await waitForHydration(page);
  await expect(answer(page)).toHaveValue(text);
  // The module saved before the update is fetched again, and still opens offline.
  await expect
    .poll(() => page.evaluate(async () => Boolean(await caches.match("/modules/m5/practice"))), { timeout: 30_000 })
    .toBe(true);
  await context.setOffline(true);
  await page.goto("/modules/m5/practice");
  await expect(page.locator(".breadcrumbs")).toContainText("Module 5");
  await context.close();
});
