// A slow school Wi-Fi: the page arrives, the person starts typing, and the app's code is
// still downloading. What they typed is kept when the code takes over, and saved.
import { test, expect } from "./fixtures";
import { type Browser, type Page } from "@playwright/test";

import { newPractitioner, serverData, waitForHydration } from "./helpers";

/** A busy school Wi-Fi: 150 ms before every request goes out. */
async function slowWifi(page: Page) {
  // Each request waits about as long as a school Wi-Fi round trip before it goes out. Not
  // Chromium's own throttling (Network.emulateNetworkConditions): together with a held
  // request it now and then never fires DOMContentLoaded (microsoft/playwright#22676).
  await page.route("**/*", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await route.fallback();
  });
}

/** A signed-in device that has never loaded Tandem's code, on slow Wi-Fi, whose bundle
 *  (`wasm`) is held back until `release()`: "while it is still downloading", without
 *  depending on how long that takes on this machine. */
async function deviceStillLoading(browser: Browser, baseURL: string, name: string, wasm: string) {
  const person = await newPractitioner(baseURL, name);
  const context = await browser.newContext({ storageState: await person.api.storageState() });
  const page = await context.newPage();
  await slowWifi(page);
  let release!: () => void;
  const typed = new Promise<void>((resolve) => (release = resolve));
  let asked = false;
  await page.route(`**/pkg/${wasm}_bg.wasm*`, async (route) => {
    asked = true;
    await typed;
    await route.continue();
  });
  /** Lets the code arrive, once the page has asked for it, and waits for it to take over. */
  const letItLoad = async () => {
    expect(await page.evaluate(() => document.body.dataset.hydrated ?? "no")).toBe("no");
    await expect.poll(() => asked).toBe(true);
    release();
    await waitForHydration(page);
    await page.unroute(`**/pkg/${wasm}_bg.wasm*`);
  };
  return { person, context, page, letItLoad };
}

test("text typed into an answer box before the app has loaded is kept and reaches the learning log", async ({ browser, baseURL }) => {
  const { person, context, page, letItLoad } = await deviceStillLoading(browser, baseURL!, "Tess Early", "tandem");
  await page.goto("/modules/m2/reflection", { waitUntil: "domcontentloaded" });
  const box = page.locator("textarea.answer-text").first();
  const text = `Typed on the bus Wi-Fi before the page had finished loading ${Date.now()}.`;
  await box.click();
  await page.keyboard.type(text);
  await letItLoad();

  await expect(box).toHaveValue(text);
  await expect(page.locator(".save-status").first()).toHaveText("Saved", { timeout: 30_000 });
  // In the learning log on the server, not only on the page.
  const data = await serverData(person.api, baseURL!);
  expect(JSON.stringify(data)).toContain(text);
  // And after a reload it is still there.
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator("textarea.answer-text").first()).toHaveValue(text);
  await context.close();
});

test("a community comment typed before the app has loaded is kept and posted", async ({ browser, baseURL }) => {
  const { context, page, letItLoad } = await deviceStillLoading(browser, baseURL!, "Cass Early", "tandem-full");
  await page.goto("/community/p/demo-post-003", { waitUntil: "domcontentloaded" });
  const box = page.getByLabel("Your comment");
  const text = `We tried a travel buddy for the first week, typed while loading ${Date.now()}.`;
  await box.click();
  await page.keyboard.type(text);
  await letItLoad();

  await expect(box).toHaveValue(text);
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.locator(".reply").filter({ hasText: text })).toHaveCount(1);
  await context.close();
});

test("a post being written before the app has loaded keeps every field, and publishes", async ({ browser, baseURL }) => {
  const { context, page, letItLoad } = await deviceStillLoading(browser, baseURL!, "Nell Early", "tandem-full");
  await page.goto("/community/new?kind=question", { waitUntil: "domcontentloaded" });
  const title = `lining up after break, asked while loading ${Date.now()}`;
  const question = "A pupil in year 3 finds lining up after break very hard. What has worked for you?";
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Area of need").selectOption({ label: "Social, emotional and mental health" });
  await page.getByLabel("Your question").fill(question);
  await page.getByLabel("Nothing in this post identifies").check();
  await letItLoad();

  await expect(page.getByLabel("Title")).toHaveValue(title);
  await expect(page.getByLabel("Your question")).toHaveValue(question);
  await expect(page.getByLabel("Area of need")).toHaveValue("semh");
  await expect(page.getByLabel("Nothing in this post identifies")).toBeChecked();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page).toHaveURL(/\/community\/p\//);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await context.close();
});
