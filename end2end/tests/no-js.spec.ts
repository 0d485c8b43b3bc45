// JavaScript off (a locked-down browser, some screen-reader setups, an old tablet whose wasm
// fails to load): every page is complete in its first response, and the learner journey
// works as plain forms.
import { test, expect } from "./fixtures";
import { type Browser, type BrowserContext, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { ADMIN, SENCO, DEMO_PASSWORD, expectAccessible, newPractitioner } from "./helpers";

async function withoutJs(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

async function signInWithoutJs(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Checks pages as a browser without JavaScript gets them. axe-core needs a script engine,
 *  so each page is scanned again in a second browser holding the same session where no
 *  script of ours may load (as on a tablet whose wasm fails): the same HTML, unchanged. */
async function pagesOf(browser: Browser, noJs: BrowserContext) {
  const scanning = await browser.newContext({ storageState: await noJs.storageState() });
  await scanning.route(/\.(js|wasm)(\?|$)/, (route) => route.abort());
  const scan = await scanning.newPage();
  return {
    /** The page as the server sent it: its heading and content, no placeholder waiting
     *  for a script, a title of its own, and no accessibility violations. */
    async expectComplete(page: Page, path: string, heading: RegExp | string) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expect(page.locator("main")).not.toContainText("Loading");
      expect(await page.title(), path).toMatch(/^.+ – Tandem$/);
      await scan.goto(path);
      await expect(scan.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expectAccessible(scan, `${path} without JavaScript`);
    },
    close: () => scanning.close(),
  };
}

test("sign-in without JavaScript: a wrong password is explained, the right one signs in", async ({ browser }) => {
  const { context, page } = await withoutJs(browser);
  await signInWithoutJs(page, SENCO, "not-the-password");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("alert")).toContainText(/email address or password/i);
  await expect(page.getByRole("alert")).toBeFocused();
  await expect(page.getByLabel("Email address")).toHaveValue(SENCO);
  await signInWithoutJs(page, SENCO);
  await expect(page.getByRole("heading", { level: 1, name: /^Hello,/ })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/");
  await context.close();
});

test("a practitioner's pages are complete without JavaScript, and the learner journey works as forms", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!, "Noor Ahmed");
  const { context, page } = await withoutJs(browser);
  await signInWithoutJs(page, person.email);
  await expect(page.getByRole("heading", { level: 1, name: "Hello, Noor" })).toBeVisible();
  const { expectComplete, close } = await pagesOf(browser, context);

  await expectComplete(page, "/", "Hello, Noor");
  await expectComplete(page, "/modules", "Modules");
  await expectComplete(page, "/modules/m1", "High-quality teaching for SEND");
  await expectComplete(page, "/profile", "Profile and preferences");

  // Read a section and mark it complete.
  await expectComplete(page, "/modules/m1/knowledge", /.+/);
  await expect(page.locator(".section-body, .prose").first()).not.toBeEmpty();
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(page).toHaveURL(/\/modules\/m1\/knowledge/);
  await expect(page.getByRole("status").filter({ hasText: "You have completed this section." })).toBeVisible();

  // Write an answer and save it: the plain form keeps the text within the limit.
  await expectComplete(page, "/modules/m1/reflection", /.+/);
  const box = page.locator("textarea.answer-text").first();
  expect(Number(await box.getAttribute("maxlength"))).toBeGreaterThan(1000);
  const text = `Written with JavaScript off ${Date.now()}`;
  await box.fill(text);
  await page.getByRole("button", { name: "Save answers" }).click();
  await expect(page).toHaveURL(/\/modules\/m1\/reflection/);
  await expect(page.locator("textarea.answer-text").first()).toHaveValue(text);
  // The second box was left empty: nothing was made for it.
  const saved = async () => (await (await person.api.post("/api/log/export", { headers: person.headers })).json()).entries;
  expect((await saved()).map((e: any) => e.body)).toEqual([text]);

  // Saving the same form again (back, then save) keeps a changed text, never loses it.
  await page.locator("textarea.answer-text").first().fill(`${text}, and again`);
  await page.getByRole("button", { name: "Save answers" }).click();
  await expect(page.locator("textarea.answer-text").first()).toHaveValue(`${text}, and again`);

  // Submit it from the learning log.
  await expectComplete(page, "/log", "Learning log");
  await page.getByRole("link", { name: /./ }).filter({ has: page.locator("xpath=ancestor::table") }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).not.toBeEmpty();
  const entryPath = new URL(page.url()).pathname;
  await expectComplete(page, entryPath, /.+/);
  await page.getByRole("button", { name: "Submit to your SENCo" }).click();
  await expect(page).toHaveURL(new RegExp(entryPath));
  await expect(page.locator(".meta .tag").first()).toHaveText("Submitted");
  expect((await saved()).map((e: any) => e.status)).toEqual(["submitted"]);
  await expectComplete(page, "/log/print", /.+/);

  // Sign out is a form too.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.goto("/log"))?.url()).toMatch(/\/sign-in/);
  await close();
  await context.close();
});

test("a SENCo's and an admin's pages are complete without JavaScript", async ({ browser, baseURL }) => {
  // Something waiting for review: a practitioner's submitted answer.
  const person = await newPractitioner(baseURL!, "Kit Lowe");
  const id = randomUUID();
  const form = { op_id: randomUUID(), entry_id: id, section_key: "m1.reflection", prompt_key: "p1", base_rev: "0", body: "What I changed this week." };
  expect((await person.api.post("/api/log/save", { form, headers: person.headers })).ok()).toBe(true);
  expect((await person.api.post("/api/log/submit", { form: { id }, headers: person.headers })).ok()).toBe(true);

  const { context, page } = await withoutJs(browser);
  await signInWithoutJs(page, SENCO);
  await expect(page.getByRole("heading", { level: 1, name: /^Hello,/ })).toBeVisible();
  const senco = await pagesOf(browser, context);
  const expectComplete = senco.expectComplete;
  await expectComplete(page, "/review", /review/i);
  const entry = await page.locator('main a[href^="/review/"]:not([download]):not([rel="external"])').first().getAttribute("href");
  expect(entry).toBeTruthy();
  await expectComplete(page, entry!, /.+/);
  await expectComplete(page, "/staff", /.+/);
  const member = await page.locator('main a[href^="/staff/"]:not([download]):not([rel="external"])').first().getAttribute("href");
  expect(member).toBeTruthy();
  await expectComplete(page, member!, /.+/);
  await expectComplete(page, "/facilitator", /.+/);
  await senco.close();
  await context.close();

  const admin = await withoutJs(browser);
  await signInWithoutJs(admin.page, ADMIN);
  await expect(admin.page.getByRole("heading", { level: 1, name: /^Hello,/ })).toBeVisible();
  const pages = await pagesOf(browser, admin.context);
  await pages.expectComplete(admin.page, "/admin", /.+/);
  await pages.expectComplete(admin.page, "/", /^Hello,/);
  await pages.expectComplete(admin.page, "/profile", /.+/);
  await pages.close();
  await admin.context.close();
});
