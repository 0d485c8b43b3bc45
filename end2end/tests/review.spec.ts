import { test, expect } from "./fixtures";
import { type Page } from "@playwright/test";

import { SAM, SENCO, ELLA, open, signIn, newPage, expectAccessible, newPractitioner, waitForHydration } from "./helpers";

const firstAnswer = (page: Page) => page.locator("textarea").first();
const firstStatus = (page: Page) => page.locator(".save-status").first();

test("a submission goes round the review loop between two people", async ({ browser, baseURL }) => {
  const sam = await newPage(browser);
  const senco = await newPage(browser);
  const marker = `lunchtime-${Date.now()}`;
  // A practitioner of their own, with a name of their own in the SENCo's queue: the loop
  // leaves its entry reviewed for good (`make soak` runs it again).
  const name = `Sam ${String.fromCharCode(...[...String(Date.now()).slice(-6)].map((d) => 97 + Number(d)))}`.replace(/ (.)/, (_, c) => ` ${c.toUpperCase()}`);

  // Sam writes and submits.
  await signIn(sam, (await newPractitioner(baseURL!, name)).email);
  await open(sam, "/modules/m2/reflection");
  const first = `Watching Ruby at ${marker} showed me the noise was the trigger.`;
  await firstAnswer(sam).fill(first);
  await expect(firstStatus(sam)).toHaveText("Saved");
  await open(sam, `/log?q=${marker}`);
  await sam.getByRole("table").getByRole("link").first().click();
  await expect(sam.locator(".entry-body")).toHaveText(first);
  const entryUrl = sam.url();
  await sam.getByRole("button", { name: "Submit to your SENCo" }).click();
  await expect(sam.locator(".meta .tag")).toHaveText("Submitted");

  // The SENCo's home says what waits, with the way to it; the queue has it.
  await signIn(senco, SENCO);
  await expect(senco.getByRole("link", { name: /Review queue \d+ waiting for review/ })).toBeVisible();
  const waiting = senco.getByRole("region", { name: "Waiting for you" });
  await expect(waiting).toContainText(/\d+ answers? from your staff waiting for review/);
  await expect(waiting.getByRole("link", { name: "Open the review queue" })).toHaveAttribute("href", "/review");
  await open(senco, "/review?module=m2");
  await expectAccessible(senco, "review queue");
  const row = senco.getByRole("row").filter({ hasText: name }).first();
  await row.getByRole("link").click();
  await expect(senco.locator(".entry-body")).toHaveText(first);
  await expectAccessible(senco, "review page");
  const reviewUrl = senco.url();
  await senco.getByRole("button", { name: "Ask for a revision" }).click();
  await expect(senco.locator("#comment-error")).toContainText("a revision request needs a comment");
  await senco.getByRole("textbox", { name: "Feedback" }).fill("Lovely detail. What will you change at lunchtime next week?");
  await senco.getByRole("button", { name: "Ask for a revision" }).click();
  await expect(senco.getByRole("heading", { name: "Reply sent" })).toBeVisible();
  await expect(senco.locator(".meta .tag")).toHaveText("Revision requested");

  // The request finds Sam: first on home and on the log, and the SENCo's words come
  // before the answer they are about.
  const forYou = sam.getByRole("region", { name: /Feedback for you/ });
  await open(sam, "/");
  await expect(forYou.getByText("Revision requested")).toBeVisible();
  await open(sam, "/log");
  await expect(sam.getByRole("link", { name: /Learning log 1 new replies/ })).toBeVisible();
  await expect(forYou.getByRole("link")).toHaveCount(1);
  await expect(sam.getByRole("row").filter({ hasText: marker })).toContainText("New feedback");
  await expectAccessible(sam, "learning log with feedback");
  await forYou.getByRole("link").click();
  await expect(sam).toHaveURL(new RegExp(`${new URL(entryUrl).pathname}#feedback-heading$`));
  await expect(sam.getByText("What will you change at lunchtime next week?")).toBeVisible();
  const feedbackTop = await sam.getByRole("heading", { name: "Feedback" }).boundingBox();
  const answerTop = await sam.getByRole("heading", { name: "Your answer" }).boundingBox();
  expect(feedbackTop!.y).toBeLessThan(answerTop!.y);
  // Read, a revision request still waits on home until the entry goes back.
  await open(sam, "/");
  await expect(forYou.getByText("Revision requested")).toBeVisible();
  await open(sam, new URL(entryUrl).pathname);
  await expect(sam.locator(".meta .tag")).toHaveText("Revision requested");
  await expect(sam.getByText(/Priya Shah: Read/).first()).toBeVisible();
  await expectAccessible(sam, "entry with feedback");
  await sam.getByRole("link", { name: "Edit on the section page" }).click();
  const revised = `${first} Next week I will move her lunch to the quieter hall.`;
  await firstAnswer(sam).fill(revised);
  await expect(firstStatus(sam)).toHaveText("Saved");
  await open(sam, new URL(entryUrl).pathname);
  await sam.getByRole("button", { name: "Submit to your SENCo" }).click();
  await expect(sam.locator(".meta .tag")).toHaveText("Submitted");
  await open(sam, "/");
  await expect(forYou).toHaveCount(0);

  // The SENCo sees the new version against the old one, and marks it reviewed.
  await open(senco, "/review?module=m2");
  await expect(senco.getByRole("row").filter({ hasText: name }).first()).toContainText("Resubmitted");
  await open(senco, new URL(reviewUrl).pathname);
  await expect(senco.locator(".compare ins")).toContainText("quieter hall");
  await expectAccessible(senco, "review page with changes");
  await senco.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(senco.locator(".meta .tag")).toHaveText("Reviewed");

  // Sam sees "reviewed": news on home until the entry is opened.
  await open(sam, "/");
  await expect(forYou.getByText("New feedback")).toBeVisible();
  await open(sam, new URL(entryUrl).pathname);
  await expect(sam.locator(".meta .tag")).toHaveText("Reviewed");
  await expect(sam.getByText(/Marked reviewed/).first()).toBeVisible();
  await open(sam, "/");
  await expect(forYou).toHaveCount(0);
});

test("the staff dashboard works by keyboard and passes axe", async ({ page }) => {
  await signIn(page, SENCO);
  await open(page, "/staff");
  await expect(page.getByRole("heading", { level: 1, name: "Staff progress" })).toBeVisible();
  // Everyone in the setting, a page at a time (the suite adds people as it runs).
  await expect(page.getByRole("table", { name: "Staff", exact: true }).getByRole("row").nth(1)).toContainText(/Practitioner|SENCo|Setting admin/);
  // The chart says each module's figures; its table (with titles) opens under it.
  await expect(page.locator(".chart-row").first()).toContainText(/Module 1.*\d+\/\d+/);
  await page.getByText("Each module's figures, with its title").click();
  await expect(page.getByRole("table", { name: /completed or started each module/ })).toBeVisible();
  await expectAccessible(page, "staff dashboard");

  // Sort by keyboard: focus a column header's link and press Enter.
  await page.getByRole("link", { name: /Sections complete/ }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/sort=progress/);
  await expect(page.getByRole("columnheader", { name: /Sections complete/ })).toHaveAttribute("aria-sort", /descending/);

  // Filter by keyboard: choose a status, tab to the button, press Enter.
  await page.getByLabel("Progress").focus();
  await page.getByLabel("Progress").selectOption("not_started");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Order")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Show staff" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/status=not_started/);

  // Sam is on whichever page of staff the people the suite has added leave him.
  const sam = page.getByRole("link", { name: "Sam Taylor" });
  for (let p = 1; p <= 20 && (await sam.count()) === 0; p++) await open(page, `/staff?page=${p}`);
  await sam.click();
  await expect(page.getByRole("heading", { level: 1, name: "Sam Taylor" })).toBeVisible();
  await expect(page.getByText("Their drafts are private.")).toBeVisible();
  await expectAccessible(page, "staff member page");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download evidence pack (PDF)" }).click();
  const bytes = require("node:fs").readFileSync(await (await download).path()).toString("latin1");
  expect(bytes.startsWith("%PDF-")).toBe(true);
  expect(bytes).toContain("CPD evidence pack: Sam Taylor");
});

test("practitioners cannot open SENCo pages", async ({ page }) => {
  await signIn(page, ELLA);
  for (const path of ["/review", "/staff"]) {
    await open(page, path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("You cannot see this page");
  }
  await expect(page.getByRole("link", { name: /Review queue/ })).toHaveCount(0);
});

test("a SENCo reaches the facilitator guide from the navigation, and a practitioner cannot", async ({ page, browser }) => {
  await signIn(page, SENCO);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Facilitator guide" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Running the course with a group/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "How long each module takes" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "A plan over two or three terms" })).toBeVisible();
  await expectAccessible(page, "facilitator guide");

  const sam = await newPage(browser);
  await signIn(sam, SAM);
  await expect(sam.getByRole("link", { name: "Facilitator guide" })).toHaveCount(0);
  await open(sam, "/facilitator");
  await expect(sam.getByRole("heading", { level: 1 })).toHaveText("You cannot see this page");
});

test("a module's practice note is submitted as one piece, read in order and answered once, on a tablet", async ({ browser, baseURL }) => {
  const tablet = { viewport: { width: 768, height: 1024 } };
  const sam = await (await browser.newContext(tablet)).newPage();
  const senco = await (await browser.newContext(tablet)).newPage();
  const name = `Robin ${String.fromCharCode(...[...String(Date.now()).slice(-6)].map((d) => 97 + Number(d)))}`;

  // The practice note's three parts, written last part first.
  await signIn(sam, (await newPractitioner(baseURL!, name)).email);
  await open(sam, "/modules/m1/practice");
  for (const part of ["next", "happened", "tried"]) {
    await sam.locator(`#answer-${part}`).fill(`${part}: with Jay, at the start of the day.`);
    await expect(sam.locator(`#answer-${part}-status`)).toHaveText("Saved");
  }
  // The answers' card leads to the log's module view, with the button for them all.
  await sam.locator(".answers").getByRole("link", { name: "learning log" }).click();
  await expect(sam).toHaveURL(/\/log\?module=m1$/);
  await waitForHydration(sam);
  await sam.getByRole("button", { name: "Submit every draft in module 1" }).click();
  await expect(sam.getByText("3 entries sent to your SENCo, who will read them together.")).toBeVisible();

  // One item in the SENCo's queue, not three.
  await signIn(senco, SENCO);
  await open(senco, "/review?module=m1");
  const rows = senco.getByRole("row").filter({ hasText: name });
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: /3 answers from Module 1/ }).click();
  await expect(senco.getByRole("heading", { level: 1 })).toHaveText(/^Module 1: /);
  // In the order the course asks them.
  await expect(senco.locator(".piece-answer h2")).toHaveText(["What I tried", "What happened", "What I'll do next"]);
  await expectAccessible(senco, "a submitted module");
  const overflow = await senco.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);

  // One reply for all three.
  await senco.getByRole("textbox", { name: "Feedback" }).fill("A clear note: keep the timetable going after half-term.");
  await senco.getByRole("button", { name: "Mark all 3 reviewed" }).click();
  const sent = senco.getByRole("heading", { name: "Reply sent" });
  await expect(sent).toBeVisible();
  await expect(senco.getByText(`${name} will see your reply beside each answer. Status: Reviewed.`)).toBeVisible();
  // On to whatever else waits, or back to the queue when nothing does.
  const next = senco.getByRole("link", { name: "Next submission" }).or(senco.getByRole("link", { name: "Back to the review queue" }));
  await expect(next.first()).toBeVisible();
  await expect(senco.locator(".piece-answer")).toHaveCount(0);
  await expectAccessible(senco, "a module replied to");

  // Sam finds the reply beside each part.
  await open(sam, "/log?module=m1");
  await expect(sam.getByRole("region", { name: /Feedback for you/ }).getByRole("link")).toHaveCount(3);
  await sam.getByRole("region", { name: /Feedback for you/ }).getByRole("link", { name: "What happened" }).click();
  await expect(sam.getByText("A clear note: keep the timetable going after half-term.")).toBeVisible();
  await sam.context().close();
  await senco.context().close();
});
