import { test, expect } from "./fixtures";
import { type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";

import {
  SAM,
  SENCO,
  ELLA,
  DEMO_PASSWORD,
  open,
  signIn,
  newPage,
  expectAccessible,
  practitionerOnDevice,
  pendingOps,
  serviceWorkerReady,
  cachedPages,
  setConnection,
} from "./helpers";

// The demo network: Oakfield and a second setting with a specialist school.
const NIAMH = "niamh.doherty@riversidebridge.example";
const NETWORK = "Riverside SEND Partnership";
/** Demo posts: one shared with Oakfield only, one with the whole network. */
const OAKFIELD_ONLY = "/community/p/demo-post-007";
const NETWORK_POST = "/community/p/demo-post-000";

const marker = (what: string) => `${what}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function publish(page: Page) {
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page).toHaveURL(/\/community\/p\//);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function ask(page: Page, title: string, shareWith: string) {
  await open(page, "/community/new?kind=question");
  await page.getByLabel("Share with").selectOption({ label: shareWith });
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Area of need").selectOption({ label: "Social, emotional and mental health" });
  await page.getByLabel("Your question").fill("a pupil in year 3 finds lining up after break very hard. what has worked for you?");
  await page.getByLabel("Nothing in this post identifies").check();
  await publish(page);
}

test("a practitioner shares a learning-log entry as a practice example, and a colleague finds it", async ({ browser, baseURL }) => {
  const { page: sam } = await practitionerOnDevice(browser, baseURL!, { name: "Rowan Kemp" });
  const ella = await newPage(browser);
  const word = marker("doorway");
  await open(sam, "/modules/m1/reflection");
  const text = `the visual timetable at the ${word} helped the pupil start the morning calmly.`;
  await sam.locator("textarea").first().fill(text);
  await expect(sam.locator(".save-status").first()).toHaveText("Saved");
  await open(sam, `/log?q=${word}`);
  await sam.getByRole("table").getByRole("link").first().click();
  await sam.getByRole("link", { name: "Share as a practice example" }).click();
  await expect(sam.getByRole("heading", { level: 1, name: "Share a practice example" })).toBeVisible();
  await expect(sam.getByLabel("What you tried")).toHaveValue(text);
  await expectAccessible(sam, "sharing form");
  await sam.getByLabel("Title").fill(`a visual timetable at the ${word}`);
  await sam.getByLabel("The need").fill("a pupil in year 2 found arriving in the morning very hard.");
  await sam.getByLabel("What happened").fill("calm starts on 8 of 10 days, up from 3.");
  // Without the privacy confirmation nothing is published, and nothing typed is lost.
  await sam.getByRole("button", { name: "Publish" }).click();
  await expect(sam.getByRole("link", { name: /identifies a learner/ })).toBeVisible();
  await expect(sam.getByLabel("What you tried")).toHaveValue(text);
  await sam.getByLabel("Nothing in this post identifies").check();
  await publish(sam);
  await expect(sam.getByRole("heading", { level: 1 })).toHaveText(`a visual timetable at the ${word}`);
  await expect(sam.getByText(text)).toBeVisible();
  await expectAccessible(sam, "a practice example");

  // A colleague in the same setting finds it by search and marks it helpful.
  await signIn(ella, ELLA);
  await open(ella, `/community?q=${word}`);
  await expectAccessible(ella, "the community");
  // Nobody has found it helpful yet, so the list says nothing about it.
  const card = ella.locator(".post-card", { hasText: `a visual timetable at the ${word}` });
  await expect(card).not.toContainText("helpful");
  await card.getByRole("link", { name: `a visual timetable at the ${word}` }).click();
  await expect(ella.getByText(text)).toBeVisible();
  await ella.getByRole("button", { name: "Helpful", exact: true }).click();
  await expect(ella.getByText("You found this helpful (1 in all)")).toBeVisible();
  await open(ella, `/community?q=${word}`);
  await expect(card).toContainText("1 found this helpful");
});

test("a question is answered from the other setting of the network and marked as the answer that helped", async ({ browser }) => {
  const sam = await newPage(browser);
  const niamh = await newPage(browser);
  const title = `lining up after break ${marker("q")}`;
  await signIn(sam, SAM);
  await ask(sam, title, NETWORK);
  const url = new URL(sam.url()).pathname;

  await signIn(niamh, NIAMH);
  await expect(niamh.getByRole("link", { name: /Community \d+ new since you last looked/ })).toBeVisible();
  await open(niamh, "/community");
  await niamh.getByRole("link", { name: NETWORK }).click();
  await niamh.getByRole("link", { name: title }).click();
  await expect(niamh).toHaveURL(new RegExp(`${url}$`));
  await niamh.getByLabel("Your answer").fill("a visual countdown and letting him go first worked for one of ours.");
  await niamh.getByRole("button", { name: "Post answer" }).click();
  const answer = niamh.locator(".reply").filter({ hasText: "a visual countdown" });
  await expect(answer).toContainText("Specialist setting");

  await open(sam, url);
  await expect(sam.locator(".reply")).toHaveCount(1);
  await expectAccessible(sam, "a question with an answer");
  await sam.getByRole("button", { name: "Mark as the answer that helped" }).click();
  await expect(sam.getByText("This answer helped the asker")).toBeVisible();
  await open(niamh, url);
  await expect(niamh.getByText("This answer helped the asker")).toBeVisible();
  // The answerer cannot mark it themselves.
  await expect(niamh.getByRole("button", { name: "Mark as the answer that helped" })).toHaveCount(0);
});

test("I tried this puts the example in the person's own log with a follow-up", async ({ browser, baseURL }) => {
  const { page } = await practitionerOnDevice(browser, baseURL!, { name: "Kit Ames" });
  await open(page, NETWORK_POST);
  await page.getByRole("button", { name: "I tried this" }).click();
  await expect(page.getByRole("heading", { name: "You tried this" })).toBeVisible();
  await expect(page.locator("#tried")).toContainText("Tandem will ask what has changed since");
  const note = page.locator("#tried textarea");
  await expect(note).toHaveValue(/^I tried “Objects of reference/);
  await note.fill("I tried it with a reception pupil at home time: a bag that only lives by the door.");
  const status = page.locator("#tried .save-status");
  await expect(status).not.toHaveText("Saved");
  await expect(status).toHaveText("Saved");
  await expectAccessible(page, "a tried example");
  // Once the note has reached the server, the log shows it.
  await expect(async () => {
    await page.goto("/log");
    const row = page.getByRole("row").filter({ hasText: "Tried from the community" });
    await expect(row).toContainText("a bag that only lives by the door", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
});

test("a report reaches the author's SENCo, who hides the post for everyone but its author", async ({ browser, baseURL }) => {
  const author = await practitionerOnDevice(browser, baseURL!, { name: "Jo Reyes" });
  const niamh = await newPage(browser);
  const senco = await newPage(browser);
  const title = `a question to report ${marker("r")}`;
  await ask(author.page, title, NETWORK);
  const url = new URL(author.page.url()).pathname;

  await signIn(niamh, NIAMH);
  await open(niamh, url);
  await niamh.getByText("Report this post").click();
  await niamh.getByLabel("What is wrong with it?").first().fill("It gives the pupil's full name.");
  await niamh.getByRole("button", { name: "Send report" }).first().click();
  await expect(niamh.getByRole("heading", { name: "Report sent" })).toBeVisible();

  await signIn(senco, SENCO);
  await open(senco, "/community/reports");
  await expectAccessible(senco, "reports");
  const report = senco.locator("article").filter({ hasText: title });
  await expect(report).toContainText("It gives the pupil's full name.");
  await report.getByText("Moderate: hide").click();
  await report.getByLabel(/Reason/).fill("Names a pupil: please edit and ask for it to be shown again.");
  await report.getByRole("button", { name: "Hide it" }).click();
  await expect(senco).toHaveURL(new RegExp(`${url}$`));
  await expect(senco.getByRole("heading", { name: "Hidden by a moderator" })).toBeVisible();

  await open(author.page, url);
  await expect(author.page.getByText("The reason given: Names a pupil")).toBeVisible();
  await open(niamh, url);
  await expect(niamh.getByText("There is no such post, or it is not shared with you.")).toBeVisible();
});

test("a session scheduled by the SENCo and attended adds to CPD time", async ({ browser, baseURL }) => {
  const senco = await newPage(browser);
  const topic = `swap and support ${marker("s")}`;
  await signIn(senco, SENCO);
  // Opened plainly, sessions open where the next one is: the network's, next week.
  await open(senco, "/community/sessions");
  const tab = senco.getByRole("navigation", { name: "Spaces" }).getByRole("link", { name: NETWORK });
  await expect(tab).toHaveAttribute("href", "/community/sessions?space=network-1");
  await expect(tab).toHaveAttribute("aria-current", "page");
  await open(senco, "/community/sessions?space=network-1");
  await expect(senco.getByText("redrafting our graduated response document")).toBeVisible();
  await expectAccessible(senco, "sessions");
  await senco.getByText("Schedule a session").click();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await senco.getByLabel("Topic").fill(topic);
  await senco.getByLabel("Date").fill(yesterday);
  await senco.getByLabel("Start time").fill("16:00");
  await senco.getByLabel("Length in minutes").fill("45");
  await senco.getByLabel("Where, or how to join").fill("The staff room");
  await senco.getByRole("button", { name: "Schedule" }).click();
  await expect(senco.locator("article").filter({ hasText: topic })).toBeVisible();
  // Held yesterday: nobody is "coming" to it any more.
  await expect(senco.locator("article").filter({ hasText: topic })).not.toContainText("coming");

  const { page } = await practitionerOnDevice(browser, baseURL!, { name: "Lee Hart" });
  await expect(page.locator(".stats p").filter({ hasText: "of CPD so far" })).toContainText("0 minutes");
  await open(page, "/community/sessions?space=network-1");
  const session = page.locator("article").filter({ hasText: topic });
  await session.getByRole("button", { name: "I attended" }).click();
  await expect(page.locator("article").filter({ hasText: topic })).toContainText("45 minutes added to your CPD time");
  await open(page, "/");
  await expect(page.locator(".stats p").filter({ hasText: "of CPD so far" })).toContainText("45 minutes");
});

test("setting-only, network and hidden posts are refused to everyone else", async ({ browser }) => {
  // Someone in a setting outside the network, added with the operator's commands.
  const email = `outsider.${Date.now()}@elsewhere.example`;
  const env = { ...process.env, TANDEM_DATABASE_URL: process.env.TANDEM_E2E_DATABASE };
  const bin = process.env.TANDEM_BIN!;
  const name = `Elsewhere School ${Date.now()}`;
  execFileSync(bin, ["setting", "add", "--name", name, "--sector", "school-age"], { env, cwd: `${__dirname}/../..` });
  execFileSync(bin, ["user", "add", "--email", email, "--name", "Olu Grant", "--role", "senco", "--setting", name], {
    env,
    cwd: `${__dirname}/../..`,
    input: `${DEMO_PASSWORD}\n`,
  });
  const outsider = await newPage(browser);
  await signIn(outsider, email);
  await open(outsider, "/community");
  await expect(outsider.getByRole("navigation", { name: "Spaces" }).getByRole("link")).toHaveText([name]);
  for (const path of [NETWORK_POST, OAKFIELD_ONLY]) {
    await open(outsider, path);
    await expect(outsider.getByText("There is no such post, or it is not shared with you.")).toBeVisible();
  }
  // The network's other setting sees network posts, not Oakfield's own.
  const niamh = await newPage(browser);
  await signIn(niamh, NIAMH);
  await open(niamh, OAKFIELD_ONLY);
  await expect(niamh.getByText("There is no such post, or it is not shared with you.")).toBeVisible();
  await open(niamh, NETWORK_POST);
  await expect(niamh.getByRole("heading", { level: 1 })).toContainText("Objects of reference");
});

test("posting and answering work without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(SAM);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const title = `a plain question ${marker("n")}`;
  await page.goto("/community/new?kind=question");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Your question").fill("how do you keep a visual timetable up to date?");
  await page.getByRole("button", { name: "Publish" }).click();
  // Refused without the confirmation: back on the form with the text kept.
  await expect(page.getByLabel("Your question")).toHaveValue("how do you keep a visual timetable up to date?");
  await expect(page.getByLabel("Title")).toHaveValue(title);
  await page.getByLabel("Nothing in this post identifies").check();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await page.getByLabel("Your answer").fill("we update ours every friday.");
  await page.getByRole("button", { name: "Post answer" }).click();
  await expect(page.locator(".reply")).toContainText("we update ours every friday.");
  await context.close();
});

test("a comment written offline is kept on the device, posted when the connection returns, and the thread reads offline", async ({ browser, baseURL }) => {
  const { page, context, person } = await practitionerOnDevice(browser, baseURL!, { name: "Ari Vale" });
  const thread = "/community/p/demo-post-003";
  await open(page, thread);
  await serviceWorkerReady(page);
  // Following keeps the thread on this device.
  await page.getByRole("button", { name: "Follow (and keep on this device)" }).click();
  await expect(page.getByText("Kept on this device: you can read this thread offline.")).toBeVisible();

  await setConnection(context, false);
  const text = `we tried this with a year 6 group ${marker("o")}`;
  await page.getByLabel("Your comment").fill(text);
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.getByText("Kept on this device: it will be sent when Tandem can be reached.")).toBeVisible();
  expect(await pendingOps(page)).toBe(1);
  // The followed thread opens while offline.
  const reader = await context.newPage();
  await reader.goto(thread);
  await expect(reader.getByRole("heading", { level: 1 })).toContainText("independent travel");
  await reader.close();

  await setConnection(context, true);
  await expect.poll(() => pendingOps(page), { timeout: 30_000 }).toBe(0);
  // On the server once, and the page loads again to show it in its place.
  const onServer = async () => ((await (await person.api.get(thread)).text()).split(text).length - 1);
  expect(await onServer(), "the comment is on the server once").toBe(1);
  await expect(page).toHaveURL(/[?]replied=/);
  await expect(page.locator(".reply").filter({ hasText: text })).toHaveCount(1);
  await page.reload();
  await expect(page.locator(".reply").filter({ hasText: text })).toHaveCount(1);
});

test("a thread deleted by its author is no longer kept on a follower's device", async ({ browser, baseURL }) => {
  const author = await practitionerOnDevice(browser, baseURL!, { name: "Del Author" });
  const title = `a question its author deletes ${marker("d")}`;
  await ask(author.page, title, NETWORK);
  const thread = new URL(author.page.url()).pathname;
  // A colleague follows it: kept on their device for reading offline.
  const { page, context } = await practitionerOnDevice(browser, baseURL!, { name: "Fol Lower" });
  await open(page, thread);
  await serviceWorkerReady(page);
  await page.getByRole("button", { name: "Follow (and keep on this device)" }).click();
  await expect(page.getByText("Kept on this device: you can read this thread offline.")).toBeVisible();
  await expect.poll(async () => (await cachedPages(page)).some((c) => c.path === thread)).toBe(true);

  await open(author.page, thread);
  await author.page.getByRole("button", { name: "Delete" }).click();
  await expect(author.page).toHaveURL(/\/community\?deleted=1/);

  // Online, the follower is told it has gone (a 404), and the kept copy goes with it.
  const gone = await page.goto(thread);
  expect(gone?.status()).toBe(404);
  await expect(page.getByText("There is no such post, or it is not shared with you.")).toBeVisible();
  await expect.poll(async () => (await cachedPages(page)).some((c) => c.path === thread)).toBe(false);
  // Offline, it no longer opens.
  await setConnection(context, false);
  const reader = await context.newPage();
  await reader.goto(thread);
  await expect(reader.getByText(title)).toHaveCount(0);
  await setConnection(context, true);
});

test("the filters stay folded away until asked for, and stay open while one is in use", async ({ page }) => {
  await signIn(page, SAM);
  await open(page, "/community?space=network-1");
  const type = page.getByLabel("Type");
  await expect(type).toBeHidden();
  await page.getByText("Filter by type, sector, area of need or module").click();
  await type.selectOption({ label: "Question" });
  await page.getByRole("button", { name: "Show posts" }).click();
  await expect(page).toHaveURL(/kind=question/);
  await expect(page.getByText("Filters (1 in use)")).toBeVisible();
  await expect(page.getByLabel("Type")).toHaveValue("question");
  await expect(page.locator(".post-list > li").first()).toContainText("Question");
  await expectAccessible(page, "the community with a filter in use");
});
