import { test, expect } from "./fixtures";
import { signIn, open, expectAccessible, newPractitioner, serverData, waitForHydration, SENCO, setConnection } from "./helpers";

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

// Issue 29: goals in her own words, shared by choice, talked over and agreed together;
// a change from an old page never overwrites, and a withdrawn share closes the door.
test("a teacher writes and shares her goals; her SENCo comments and they agree the plan together", async ({ browser, baseURL }) => {
  const { email } = await newPractitioner(baseURL!, "Kit Goals");
  const teacherContext = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const teacher = await teacherContext.newPage();
  await signIn(teacher, email);
  await open(teacher, "/plan");
  const goals = teacher.getByRole("region", { name: "Your goals" });
  const goal1 = goals.getByRole("group", { name: "Goal 1" });
  await goal1.getByLabel("What you would like to be able to do").fill("Help K join in from the start of lessons");
  await goal1.getByLabel(/^Module 4: /).check();
  await goal1.getByLabel("Which learners it is for").fill("K, Year 5");
  // A learner list in the second goal with no goal is refused, and nothing typed is lost.
  await goals.getByRole("group", { name: /Goal 2/ }).getByLabel("Which learners it is for").fill("M");
  await teacher.getByRole("button", { name: "Save goals" }).click();
  await expect(teacher.getByRole("alert")).toContainText("Say in your own words what goal 2 is");
  await expect(goal1.getByLabel("What you would like to be able to do")).toHaveValue("Help K join in from the start of lessons");
  await expect(goal1.getByLabel(/^Module 4: /)).toBeChecked();
  await goals.getByRole("group", { name: /Goal 2/ }).getByLabel("Which learners it is for").fill("");
  await teacher.getByRole("button", { name: "Save goals" }).click();
  await expect(teacher.getByRole("heading", { name: "Goals saved" })).toBeVisible();
  await expect(teacher.getByText("Private: only you can see it.")).toBeVisible();
  await expectAccessible(teacher, "a plan with goals");
  await teacher.getByRole("button", { name: "Share with your SENCo" }).click();
  await expect(teacher.getByRole("heading", { name: "Plan shared" })).toBeVisible();

  // Her SENCo, on another device, finds it, comments and agrees it.
  const sencoContext = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const senco = await sencoContext.newPage();
  await signIn(senco, SENCO);
  await open(senco, "/plan");
  await expect(senco.getByRole("region", { name: "What your staff need" })).toContainText(/\d+ people share their plan/);
  await expectAccessible(senco, "the SENCo's plan page");
  await senco.getByRole("region", { name: "Plans your staff share with you" }).getByRole("link", { name: "Kit Goals" }).click();
  await expect(senco.getByRole("heading", { level: 1, name: "Kit Goals's CPD plan" })).toBeVisible();
  const planUrl = senco.url();
  await expect(senco.getByLabel("What you would like to be able to do").first()).toHaveValue("Help K join in from the start of lessons");
  await senco.getByLabel("Comment or suggest something to Kit Goals").fill("Could goal 1 say how you will know K has joined in?");
  await senco.getByRole("button", { name: "Send comment" }).click();
  await expect(senco.getByRole("heading", { name: "Comment sent" })).toBeVisible();
  await senco.getByRole("button", { name: "Agree the plan as it stands" }).click();
  await expect(senco.getByText("You have agreed it; it waits for Kit Goals to agree it too.")).toBeVisible();
  await expectAccessible(senco, "a shared plan, for the SENCo");

  // The teacher sees the comment, that it was read, and agrees it too.
  await open(teacher, "/plan");
  const talk = teacher.getByRole("region", { name: "Conversation and history" });
  await expect(talk.getByRole("listitem").filter({ hasText: "Priya Shah commented" })).toContainText("how you will know K has joined in");
  await expect(teacher.getByText(/^Who has read it \(\d+\)$/)).toBeVisible();
  await teacher.getByRole("button", { name: "Agree the plan as it stands" }).click();
  await expect(teacher.getByText("Agreed by both of you, as it stands now.")).toBeVisible();

  // The SENCo's page is now out of date: her change is refused, and her words kept.
  await open(senco, planUrl);
  await open(teacher, "/plan");
  await goal1.getByLabel("What you would like to be able to do").fill("Help K join in, and know it from what K does");
  await teacher.getByRole("button", { name: "Save goals" }).click();
  await expect(teacher.getByRole("heading", { name: "Goals saved" })).toBeVisible();
  await expect(teacher.getByText("Not agreed yet.")).toBeVisible();
  const theirs = senco.getByLabel("What you would like to be able to do").first();
  await theirs.fill("An older idea of the goal");
  await senco.getByRole("button", { name: "Save goals" }).click();
  await expect(senco.getByRole("alert")).toContainText("The plan changed while you had it open");
  await expect(theirs).toHaveValue("An older idea of the goal");

  // Withdrawn, the plan is closed to her.
  await teacher.getByRole("button", { name: "Stop sharing with your SENCo" }).click();
  await expect(teacher.getByRole("heading", { name: "Plan no longer shared" })).toBeVisible();
  await open(senco, planUrl);
  await expect(senco.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await open(senco, "/plan");
  await expect(senco.getByRole("link", { name: "Kit Goals" })).toHaveCount(0);
  await teacherContext.close();
  await sencoContext.close();
});

// Issue 29: the rhythm over two terms. A check-in is answered like any log answer (offline
// too, sent when the connection returns); two terms on, the end review sits beside the
// self-review the plan started from. (Reminders, which hang on the day's date, are tested
// through the router with term dates set around it.)
test("a teacher answers a check-in offline and, two terms on, reads her end review beside her first", async ({ browser, baseURL }) => {
  const { email, api } = await newPractitioner(baseURL!, "Dana Rhythm");
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, email);
  await open(page, "/plan");
  const areas = page.getByRole("group", { name: /^How confident/ });
  await expect(areas).toHaveCount(6);
  for (let i = 0; i < 6; i++) await areas.nth(i).getByLabel("Getting there").check();
  await page.getByRole("button", { name: "Save your self-review" }).click();
  await expect(page.getByRole("heading", { name: "Self-review saved" })).toBeVisible();
  const goal1 = page.getByRole("region", { name: "Your goals" }).getByRole("group", { name: "Goal 1" });
  await goal1.getByLabel("What you would like to be able to do").fill("Help D use a visual timetable");
  await goal1.getByLabel(/^Module 4: /).check();
  await page.getByRole("button", { name: "Save goals" }).click();
  await expect(page.getByRole("heading", { name: "Goals saved" })).toBeVisible();

  // Four check-ins: the first open from today, the rest with their half-terms.
  const checkIns = page.getByRole("region", { name: "Check-ins over two terms" });
  await expect(checkIns.getByRole("listitem")).toHaveCount(4);
  await expect(checkIns.getByRole("listitem").nth(1)).toContainText("Opens with its half-term");
  await expectAccessible(page, "a plan with its check-ins");
  await checkIns.getByRole("link", { name: "Answer check-in 1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Check-in 1 of 4");
  await waitForHydration(page);
  await expectAccessible(page, "a check-in");

  // Written offline: kept on the tablet, then sent when the connection returns.
  const text = `Used the timetable with D every morning ${Date.now()}`;
  await setConnection(context, false);
  await page.locator("textarea.answer-text").first().fill(text);
  await expect(page.locator(".save-status").first()).toContainText("will retry");
  await setConnection(context, true);
  await expect
    .poll(async () => (await serverData(api, baseURL!)).entries.filter((e: any) => e.body === text).length, { timeout: 30_000 })
    .toBe(1);
  await open(page, "/plan");
  await expect(checkIns.getByRole("listitem").first()).toContainText("Done");

  // Brought forward two terms (she began it before writing it here): the end review opens.
  await page.getByText("Started this plan before you wrote it here?").click();
  const started = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("The day your plan started").fill(started);
  await page.getByRole("button", { name: "Save the start day" }).click();
  await expect(page.getByRole("heading", { name: "Start day saved" })).toBeVisible();
  await page.getByRole("link", { name: "Write your end review" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your end review" })).toBeVisible();
  const evidence = page.getByRole("region", { name: "Your goals and the evidence for them" });
  await expect(evidence).toContainText("Help D use a visual timetable");
  for (let i = 0; i < 6; i++) await areas.nth(i).getByLabel("Confident", { exact: true }).check();
  await page.getByRole("button", { name: "Save your end review" }).click();
  await expect(page.getByRole("heading", { name: "End review saved" })).toBeVisible();
  const table = page.getByRole("table", { name: "How confident you felt at the start, and two terms on" });
  await expect(table.getByRole("row")).toHaveCount(7);
  await expect(table.getByRole("row").nth(1).getByRole("cell")).toHaveText(["Getting there", "Confident"]);
  await expectAccessible(page, "the end review");

  // On one page, to print.
  await open(page, "/plan/summary");
  await expect(page.getByRole("heading", { level: 1, name: "CPD plan: Dana Rhythm" })).toBeVisible();
  await expect(page.getByText(text)).toBeVisible();
  await expectAccessible(page, "the plan summary");
  await context.close();
});

// Issue 29: the SENCo's picture of need shows counts once 5 or more people share (the demo's
// staff part-way through plans), hides smaller groups, and from a need she proposes a session
// that a teacher, on her own device, adds to her plan.
test("the SENCo sees her staff's need as counts, hides small groups, and proposes a session a teacher adds to her plan", async ({ browser, baseURL }) => {
  const sencoContext = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const senco = await sencoContext.newPage();
  await signIn(senco, SENCO);
  await open(senco, "/plan");
  const need = senco.getByRole("region", { name: "What your staff need" });
  await expect(need).toContainText(/\d+ people share their plan\./);
  const shared = Number((await need.getByText(/people share their plan/).textContent())!.match(/\d+/)![0]);
  expect(shared).toBeGreaterThanOrEqual(5);
  const outcomes = need.getByRole("row", { name: /Meaningful outcomes/ });
  const needing = Number(await outcomes.getByRole("cell").first().textContent());
  expect(needing).toBeGreaterThanOrEqual(5);
  await expectAccessible(senco, "the picture of need with counts");
  // Early Years staff: only Ella shares, so nothing about them is shown.
  await need.getByLabel("Sector").selectOption({ label: "Early Years" });
  await need.getByRole("button", { name: "Show" }).click();
  await expect(senco.getByRole("region", { name: "What your staff need" })).toContainText("Fewer than 5 people in this group share their plan, so nothing is shown.");
  await expect(senco.getByRole("region", { name: "What your staff need" }).getByRole("table")).toHaveCount(0);

  // From the need to a proposal: refused without a title, nothing typed lost.
  await open(senco, "/plan");
  await senco.getByRole("link", { name: "Propose something for Meaningful outcomes" }).click();
  await expect(senco.getByRole("heading", { level: 1, name: "From need to action" })).toBeVisible();
  await expect(senco.getByLabel("The need it answers")).toHaveValue("outcomes");
  const title = `Outcomes with learners ${Date.now()}`;
  await senco.getByLabel(/What it will involve/).fill("Bring one target you wrote this term.");
  await senco.getByRole("button", { name: "Propose it" }).click();
  await expect(senco.getByRole("alert")).toContainText("Give it a title");
  await expect(senco.getByLabel(/What it will involve/)).toHaveValue("Bring one target you wrote this term.");
  await expectAccessible(senco, "a refused proposal");
  await senco.getByLabel("Title").fill(title);
  await senco.getByRole("button", { name: "Propose it" }).click();
  await expect(senco.getByRole("heading", { name: "Proposal sent" })).toBeVisible();
  const card = senco.getByRole("article", { name: title });
  await expect(card).toContainText("Nobody has added it to their plan yet.");
  await expectAccessible(senco, "the SENCo's proposals");

  // A teacher, on her own device, finds it on her plan and adds it.
  const { email } = await newPractitioner(baseURL!, "Lee Offers");
  const teacherContext = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const teacher = await teacherContext.newPage();
  await signIn(teacher, email);
  await open(teacher, "/plan");
  const offer = teacher.getByRole("region", { name: "Proposed by your SENCo" }).getByRole("article", { name: title });
  await expect(offer).toContainText("Proposed by Priya Shah.");
  await expectAccessible(teacher, "a plan with a proposal");
  await offer.getByRole("button", { name: `Add to my plan (${title})` }).click();
  await expect(teacher.getByRole("heading", { name: "Added to your plan" })).toBeVisible();
  await expect(teacher.getByRole("article", { name: title })).toContainText("On your plan.");

  // The SENCo sees who added it; withdrawn, the teacher sees it called off.
  await open(senco, "/plan/proposals");
  await expect(senco.getByRole("article", { name: title })).toContainText("On 1 plan: Lee Offers.");
  await senco.getByRole("article", { name: title }).getByRole("button", { name: `Withdraw it (${title})` }).click();
  await expect(senco.getByRole("heading", { name: "Proposal withdrawn" })).toBeVisible();
  await expect(senco.getByRole("article", { name: title })).toHaveCount(0);
  await open(teacher, "/plan");
  await expect(teacher.getByRole("article", { name: title })).toContainText("Called off by Priya Shah.");
  await expect(teacher.getByRole("article", { name: title }).getByRole("button")).toHaveCount(0);
  await teacherContext.close();
  await sencoContext.close();
});

// Issue 29: the plan works offline like the log. Its forms are plain forms; sent with no
// connection, one joins the outbox (kept on the device, under its person) and goes when the
// connection returns, with nothing typed lost meanwhile.
test("goals saved with no connection are kept on the device and sent when it returns", async ({ browser, baseURL }) => {
  const { email } = await newPractitioner(baseURL!, "Noor Offline");
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await signIn(page, email);
  await open(page, "/plan");
  const goal1 = page.getByRole("region", { name: "Your goals" }).getByRole("group", { name: "Goal 1" });
  const words = "Plan with N what she needs before the lesson starts";
  await goal1.getByLabel("What you would like to be able to do").fill(words);
  await goal1.getByLabel(/^Module 3: /).check();
  await goal1.getByLabel(/^Module 4: /).check();
  await setConnection(context, false);
  await page.getByRole("button", { name: "Save goals" }).click();
  await expect(page.getByRole("status").filter({ hasText: "No connection just now" })).toBeVisible();
  await expect(goal1.getByLabel("What you would like to be able to do")).toHaveValue(words);
  await page.waitForFunction(() => (window as any).tandemOffline.status().pending === 1);
  // Pressed again unchanged: kept once, and said so.
  await page.getByRole("button", { name: "Save goals" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Already kept on this device" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).tandemOffline.status().pending)).toBe(1);
  await expectAccessible(page, "goals kept while offline");

  await setConnection(context, true);
  await expect(page.getByRole("status").filter({ hasText: "Sent." })).toBeVisible();
  await page.waitForFunction(() => (window as any).tandemOffline.status().pending === 0);
  await open(page, "/plan");
  await expect(goal1.getByLabel("What you would like to be able to do")).toHaveValue(words);
  await expect(goal1.getByLabel(/^Module 3: /)).toBeChecked();
  await expect(goal1.getByLabel(/^Module 4: /)).toBeChecked();
  await expect(page.getByText("Private: only you can see it.")).toBeVisible();
  await context.close();
});
