// A slow school Wi-Fi: the page arrives, the person starts typing, and the app's code is
// still downloading. What they typed is kept when the code takes over, and saved.
import { test, expect } from "./fixtures";
import { type Page } from "@playwright/test";

import { newPractitioner, serverData, waitForHydration } from "./helpers";

/** 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips, as measured on a busy school Wi-Fi. */
async function slowWifi(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6e6 / 8) | 0,
    uploadThroughput: (750e3 / 8) | 0,
  });
}

test("text typed into an answer box before the app has loaded is kept and reaches the learning log", async ({ browser, baseURL }) => {
  const person = await newPractitioner(baseURL!, "Tess Early");
  // A device that has never loaded Tandem's code (no cache, no service worker), signed in.
  const context = await browser.newContext({ storageState: await person.api.storageState() });
  const page = await context.newPage();
  await slowWifi(page);
  // The code is held back until the person has typed: "while it is still downloading",
  // without depending on how long that takes on this machine.
  let release!: () => void;
  const typed = new Promise<void>((resolve) => (release = resolve));
  let asked = false;
  await page.route("**/pkg/tandem_bg.wasm*", async (route) => {
    asked = true;
    await typed;
    await route.continue();
  });

  await page.goto("/modules/m2/reflection", { waitUntil: "domcontentloaded" });
  const box = page.locator("textarea.answer-text").first();
  const text = `Typed on the bus Wi-Fi before the page had finished loading ${Date.now()}.`;
  await box.click();
  await page.keyboard.type(text);
  expect(await page.evaluate(() => document.body.dataset.hydrated ?? "no")).toBe("no");
  await expect.poll(() => asked).toBe(true);
  release();

  await waitForHydration(page);
  await expect(box).toHaveValue(text);
  await expect(page.locator(".save-status").first()).toHaveText("Saved", { timeout: 30_000 });
  // In the learning log on the server, not only on the page.
  const data = await serverData(person.api, baseURL!);
  expect(JSON.stringify(data)).toContain(text);
  // And after a reload it is still there.
  await page.unroute("**/pkg/tandem_bg.wasm*");
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator("textarea.answer-text").first()).toHaveValue(text);
  await context.close();
});
