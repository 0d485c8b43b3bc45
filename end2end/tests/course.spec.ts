import { test, expect } from "./fixtures";
import { type Locator } from "@playwright/test";
import { ELLA, open, signIn, signOut, expectAccessible, waitForHydration, newPractitioner } from "./helpers";

// Journeys that change a person's progress start with a person of their own, so that they
// pass however often the suite runs against one server (`make soak`).
test("complete two sections, sign out and back in, and land at the right place", async ({ page, baseURL }) => {
  const { email } = await newPractitioner(baseURL!, "Sam Rowe");
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Start the course" })).toBeVisible();
  await page.getByRole("link", { name: "Start module 1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("Module 1: High-quality teaching for SEND · Knowledge")).toBeVisible();
  await expectAccessible(page, "section page");
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(page.getByText("You have completed this section.")).toBeVisible();

  await page.getByRole("link", { name: /^Next/ }).click();
  await expect(page.getByText("Module 1: High-quality teaching for SEND · Practice")).toBeVisible();
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(page.getByText("You have completed this section.")).toBeVisible();

  await signOut(page);
  await signIn(page, email);
  const resume = page.getByRole("region", { name: "Continue where you left off" });
  await expect(resume).toContainText("Reflection:");
  await expect(resume).toContainText("About 26 minutes left in this module.");
  await expect(page.getByText("2 of 24 sections complete")).toBeVisible();
  await resume.getByRole("link", { name: "Continue" }).click();
  await expect(page.getByText("Module 1: High-quality teaching for SEND · Reflection")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Questions to reflect on" })).toBeVisible();

  await open(page, "/modules");
  const card = page.getByRole("article").filter({ hasText: "High-quality teaching for SEND" });
  await expect(card).toContainText("2 of 3 sections complete");
  await expect(card).toContainText("In progress");
  await expect(page.getByRole("article").filter({ hasText: "Research in practice" })).toContainText("Not started");
  await expectAccessible(page, "module catalogue");
  await card.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Further reading" })).toBeVisible();
  await expect(page.getByText("2 of 3 sections complete")).toBeVisible();
  await expectAccessible(page, "module page");
});

test("another sector's examples are one link away", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m2/knowledge");
  await expect(page.getByText("Showing examples from Early Years.")).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Example from Early Years" }).first()).toBeVisible();
  await page.getByRole("link", { name: "Post-16", exact: true }).click();
  await expect(page.getByText("Showing examples from Post-16 (not your own sector).")).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Example from Post-16" }).first()).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Example from Early Years" })).toHaveCount(0);
  await expectAccessible(page, "section page in another sector");
});

test("the section journey works by keyboard alone", async ({ page, baseURL }) => {
  await signIn(page, (await newPractitioner(baseURL!, "Kit Keys")).email);
  await open(page, "/modules/m4");
  const tabTo = async (target: Locator) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if (await target.evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error("could not reach the element with Tab");
  };
  await tabTo(page.locator(".section-list a").first());
  await page.keyboard.press("Enter");
  await expect(page.getByText(/Module 4: .* · Knowledge/)).toBeVisible();
  await waitForHydration(page);
  await tabTo(page.getByRole("button", { name: "Mark as complete" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("You have completed this section.")).toBeVisible();
  // The button is gone: the note that replaced it has the focus, not the page's top.
  await expect(page.locator(".complete-note")).toBeFocused();
  await tabTo(page.getByRole("link", { name: /^Next/ }));
  await page.keyboard.press("Enter");
  await expect(page.getByText(/Module 4: .* · Practice/)).toBeVisible();
  // The new page's title (what a screen reader announces) says where the person now is.
  await expect(page).toHaveTitle(/\(Practice 2 of \d+, Module 4\)/);
});

test("read-aloud controls appear once the page is interactive", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m1/knowledge");
  const group = page.getByRole("group", { name: "Read aloud" });
  await group.getByRole("button", { name: "Listen to this section" }).click();
  await expect(group.getByRole("button", { name: "Pause" })).toBeVisible();
  await group.getByRole("button", { name: "Pause" }).click();
  await expect(group.getByRole("button", { name: "Resume" })).toBeVisible();
  await group.getByRole("button", { name: "Stop" }).click();
  await expect(group.getByRole("button", { name: "Listen to this section" })).toBeVisible();
});

test("an activity is a named region whose model answer stays folded until the reader opens it", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m1/knowledge");
  const activity = page.getByRole("region", { name: /The laptop question/ });
  await expect(activity.getByRole("heading", { level: 3 })).toContainText("Scenario, about 8 minutes");
  const answer = activity.getByText(/access support, not a learning scaffold/);
  await expect(answer).toBeHidden();
  await activity.getByText("Compare with a model answer").click();
  await expect(answer).toBeVisible();
  await expectAccessible(page, "section page with an open model answer");
});

test("the dated 'What may change' box is one link from modules 3 and 4, and the new sections read accessibly", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/modules/m3/knowledge");
  await page.getByRole("link", { name: "what may change" }).first().click();
  await expect(page).toHaveURL(/\/modules\/m5\/knowledge#what-may-change$/);
  const box = page.getByRole("complementary", { name: "What may change" });
  await expect(box).toBeVisible();
  await expect(box).toContainText(/Last reviewed \d{1,2} \w+ 20\d\d/);
  await expect(box).toContainText("Children and Families Act 2014");
  await expectAccessible(page, "section page with the reform box");
  for (const path of ["/modules/m5/plans", "/modules/m7", "/modules/m7/knowledge", "/modules/m7/safeguarding", "/modules/m7/practice", "/modules/m7/reflection"]) {
    await open(page, path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, path);
  }
});

test("on a phone a wide table scrolls in its own region and the page does not", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ELLA);
  await open(page, "/modules/m5/plans");
  const table = page.getByRole("region", { name: /Table/ }).first();
  await expect(table).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  expect(await table.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await table.focus();
  await expect(table).toBeFocused();
  await expectAccessible(page, "a section with a wide table on a phone");
});
