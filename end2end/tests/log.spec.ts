import { test, expect } from "./fixtures";

import { SAM, ELLA, DEMO_PASSWORD, open, signIn, expectAccessible, waitForHydration, newPractitioner } from "./helpers";

const firstAnswer = (page) => page.locator("textarea").first();
const firstStatus = (page) => page.locator(".save-status").first();

test("write an answer, see it saved, reload, submit it, find it and export it", async ({ page, baseURL }) => {
  // A person of their own: submitting changes the entry for good (`make soak` runs it again).
  await signIn(page, (await newPractitioner(baseURL!, "Sam Rowe")).email);
  await open(page, "/modules/m3/reflection");
  const text = "Asking Mo with picture cards showed me he wanted to sit nearer the window.";
  await firstAnswer(page).fill(text);
  await expect(firstStatus(page)).toHaveText("Saved");
  await expectAccessible(page, "reflection section with answers");

  await page.reload();
  await waitForHydration(page);
  await expect(firstAnswer(page)).toHaveValue(text);

  await open(page, "/log");
  await page.getByLabel("Search").fill("picture cards");
  await page.getByRole("button", { name: "Show entries" }).click();
  await expect(page.getByText("1 entry")).toBeVisible();
  await expectAccessible(page, "learning log");
  await page.getByRole("table").getByRole("link").first().click();
  await expect(page.locator(".entry-body")).toHaveText(text);
  await expectAccessible(page, "log entry");
  await page.getByRole("button", { name: "Submit to your SENCo" }).click();
  await expect(page.locator(".meta .tag")).toHaveText("Submitted");
  await expect(page.getByRole("button", { name: "Submit to your SENCo" })).toHaveCount(0);

  await open(page, "/log?q=window");
  await expect(page.getByRole("table")).toContainText("Submitted");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as PDF" }).click();
  const pdf = await download;
  const bytes = require("node:fs").readFileSync(await pdf.path()).toString("latin1");
  expect(bytes.startsWith("%PDF-")).toBe(true);
  // The words are glyph codes of an embedded font subset now, which the server tests read
  // back through its ToUnicode map; here: Sam's own document, tagged for screen readers.
  expect(bytes).toContain("Learning log: Sam Rowe");
  expect(bytes).toContain("/StructTreeRoot");

  await open(page, "/log/print");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learning log: Sam Rowe");
  await expect(page.getByText(text)).toBeVisible();
  await expectAccessible(page, "printable log");
});

test("an over-long answer shows the limit and keeps every character", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m4/reflection");
  const long = "Observation notes. ".repeat(1060); // about 20,140 characters
  await firstAnswer(page).fill(long);
  await expect(firstStatus(page)).toContainText("the limit is 20,000");
  await expect(page.getByText(/characters too many/)).toBeVisible();
  await expect(firstAnswer(page)).toHaveValue(long);
  await firstAnswer(page).fill(long.slice(0, 19_000));
  await expect(firstStatus(page)).toHaveText("Saved");
  await expect(page.getByText(/You have 1,000 characters left/)).toBeVisible();
});

test("a session that ends while typing loses nothing", async ({ page, context }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m5/reflection");
  await firstAnswer(page).fill("Before the session ended.");
  await expect(firstStatus(page)).toHaveText("Saved");
  await context.clearCookies();
  const text = "Before the session ended. And this was typed after it ended.";
  await firstAnswer(page).fill(text);
  await expect(firstStatus(page)).toContainText("you have been signed out");
  await page.getByRole("link", { name: "Sign in again", exact: true }).click();
  await waitForHydration(page);
  await page.getByLabel("Email address").fill(ELLA);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/modules\/m5\/reflection$/);
  await waitForHydration(page);
  await expect(firstAnswer(page)).toHaveValue(text);
  await expect(firstStatus(page)).toHaveText("Saved");
  const saved = await page.request.get("/log/export.json");
  expect(await saved.text()).toContain("And this was typed after it ended.");
});
