import { test, expect } from "./fixtures";
import { signIn, open, expectAccessible, newPractitioner } from "./helpers";

// Issue 29: a CPD plan starts from the practitioner's own self-review, private to her.
test("a practitioner's self-review is refused until complete, keeps what she typed, and suggests where to start", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, (await newPractitioner(baseURL!, "Robin Plans")).email);
  await page.getByRole("button", { name: /Menu/ }).click();
  await page.getByRole("link", { name: "CPD plan" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your CPD plan" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Start with a self-review" })).toBeVisible();
  await expectAccessible(page, "a new CPD plan");

  // Two areas answered, and words for a third: refused, each missing rating named, nothing lost.
  const area = (name: string) => page.getByRole("group", { name: new RegExp(name) });
  await area("adapting your everyday teaching").getByLabel("Confident", { exact: true }).check();
  await area("noticing a learner's needs").getByLabel("Getting there").check();
  const words = "Our targets are written about learners rather than with them.";
  await page.locator("#outcomes_words").fill(words);
  await page.getByLabel(/Which learners are you thinking about/).fill("J, Year 4");
  await page.getByRole("button", { name: "Save your self-review" }).click();
  const problems = page.getByRole("alert");
  await expect(problems).toContainText("Choose how confident you feel about participation and the learner's voice");
  await expect(problems.getByRole("link")).toHaveCount(4);
  await expect(page.locator("#outcomes_words")).toHaveValue(words);
  await expect(area("adapting your everyday teaching").getByLabel("Confident", { exact: true })).toBeChecked();
  await expectAccessible(page, "a self-review with problems");

  // The rest answered: saved, with the lowest-rated areas' modules suggested.
  await area("hearing what a learner").getByLabel("Not yet confident").check();
  await area("writing an outcome").getByLabel("Not yet confident").check();
  await area("assess, plan, do and review").getByLabel("Confident enough to help a colleague").check();
  await area("trying something small").getByLabel("Confident", { exact: true }).check();
  await page.getByRole("button", { name: "Save your self-review" }).click();
  await expect(page.getByRole("heading", { name: "Self-review saved" })).toBeVisible();
  const start = page.getByRole("region", { name: "Where to start" });
  await expect(start.getByRole("link")).toHaveText([/^Module 3: /, /^Module 4: /]);
  await expect(page.getByRole("heading", { name: "Your self-review" })).toBeVisible();
  await expect(page.locator("#outcomes_words")).toHaveValue(words);
  await expectAccessible(page, "a saved self-review");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await context.close();
});
