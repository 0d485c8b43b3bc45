// A trust's deployment: two app servers on one PostgreSQL database behind a round-robin
// proxy, as a load balancer would put them. A practitioner's requests alternate between the
// servers while she writes online and offline; her SENCo reviews; one server is stopped
// part-way (a rolling update stops each in turn) and the other carries on; the email digest
// goes out once, from whichever server holds the job. Runs on PostgreSQL only (`make e2e`'s
// second pass); on SQLite the suite's one server and one file is all there is.
import { test, expect } from "./fixtures";
import { type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { SENCO, open, signIn, practitionerOnDevice, serverData, pendingOps, startTandem, stopTandem, httpProxy, E2E_DIR, setConnection } from "./helpers";

const root = path.resolve(__dirname, "../..");
const first = Number(process.env.TANDEM_E2E_PORT ?? 3100) + 2;
const ports = [first, first + 1];

test.skip(process.env.TANDEM_E2E_ENGINE !== "postgres", "several app servers share a PostgreSQL database");

const startServer = (port: number, database: string, publicUrl: string) =>
  startTandem(port, {
    TANDEM_DATABASE_URL: database,
    TANDEM_PUBLIC_URL: publicUrl,
    TANDEM_MAIL_FROM: "tandem@oakfield.example",
    // Digests every two seconds, so the test sees several turns of the job on each server.
    TANDEM_TEST_DIGEST_SECONDS: "2",
  });

/** Every digest the suite's mail server kept for `email`, oldest first. */
function digestsTo(email: string): string[] {
  const folder = path.join(E2E_DIR, "mail");
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .sort()
    .map((name) => fs.readFileSync(path.join(folder, name), "utf8"))
    .filter((mail) => mail.split("\n")[0].toLowerCase().includes(email.toLowerCase()))
    .filter((mail) => mail.includes("You have feedback on your learning log"));
}

const answer = (page: Page, n: number) => page.locator("textarea.answer-text").nth(n);
const saveStatus = (page: Page, n: number) => page.locator(".save-status").nth(n);

/** The SENCo opens `name`'s newest submission and answers it with `button`. */
async function review(senco: Page, name: string, button: "Ask for a revision" | "Mark reviewed", comment: string) {
  await open(senco, "/review");
  await senco.getByRole("row").filter({ hasText: name }).first().getByRole("link").click();
  await senco.getByRole("textbox", { name: "Feedback" }).fill(comment);
  await senco.getByRole("button", { name: button }).click();
  await expect(senco.locator(".meta .tag")).toHaveText(button === "Mark reviewed" ? "Reviewed" : "Revision requested");
}

/** Submits the log entry whose text is `text`. */
async function submit(page: Page, text: string) {
  await open(page, `/log?q=${encodeURIComponent(text.split(" ")[0])}`);
  await page.getByRole("table").getByRole("link").first().click();
  await expect(page.locator(".entry-body")).toHaveText(text);
  await page.getByRole("button", { name: "Submit to your SENCo" }).click();
  await expect(page.locator(".meta .tag")).toHaveText("Submitted");
}

test("two app servers on one database lose, repeat and overwrite nothing, and one can stop", async ({ browser }) => {
  test.setTimeout(180_000);
  const database = execFileSync("bash", ["scripts/postgres.sh", "fresh", "servers"], { cwd: root }).toString().trim();
  const proxy = await httpProxy(ports);
  // The first server makes the schema and the demo data; the second finds them there. The
  // first takes the digest job (a lease in the database) on its first turn.
  const servers = [await startServer(ports[0], database, proxy.origin)];
  servers.push(await startServer(ports[1], database, proxy.origin));
  try {
    const stamp = Date.now();
    const name = `Noor ${String.fromCharCode(...[...String(stamp).slice(-5)].map((d) => 97 + Number(d)))}`;
    // Each browser talks to the proxy, not to the suite's own server.
    const device = { baseURL: proxy.origin };
    const { person, context, page } = await practitionerOnDevice(browser, proxy.origin, { name, device });
    const senco = await (await browser.newContext(device)).newPage();
    await signIn(senco, SENCO);

    // Online, then offline (kept on the tablet), then back: every answer reaches the
    // database once, whichever server each request went to.
    const texts = {
      noise: `Noise${stamp} in the hall was the trigger for R.`,
      plan: `Plan${stamp}: a quieter table for R at lunch.`,
      edited: `Noise${stamp} in the hall was the trigger for R, and the queue before it.`,
    };
    await open(page, "/modules/m2/reflection");
    await answer(page, 0).fill(texts.noise);
    await expect(saveStatus(page, 0)).toHaveText("Saved");
    await setConnection(context, false);
    await answer(page, 1).fill(texts.plan);
    await answer(page, 0).fill(texts.edited);
    await expect(saveStatus(page, 0)).toContainText("will retry");
    await setConnection(context, true);
    await expect.poll(() => pendingOps(page), { timeout: 30_000 }).toBe(0);
    const bodies = async () => (await serverData(person.api, proxy.origin)).entries.map((e: any) => e.body).sort();
    expect(await bodies()).toEqual([texts.edited, texts.plan].sort());

    // She submits; her SENCo asks for a revision; the digest tells her, once.
    await submit(page, texts.edited);
    await review(senco, name, "Ask for a revision", "What did R do when the queue was shorter?");
    await expect.poll(() => digestsTo(person.email).length, { timeout: 20_000 }).toBe(1);
    expect(proxy.answered(ports[0])).toBeGreaterThan(0);
    expect(proxy.answered(ports[1])).toBeGreaterThan(0);

    // The server holding the digest job stops (as a rolling update stops it): the other
    // carries on, with the same sessions, and takes over the job.
    await stopTandem(servers[0]);
    const before = proxy.answered(ports[1]);
    await open(page, "/modules/m2/reflection");
    await expect(answer(page, 0)).toHaveValue(texts.edited);
    await expect(answer(page, 1)).toHaveValue(texts.plan);
    const revised = `${texts.edited} With a short queue she went straight in.`;
    await answer(page, 0).fill(revised);
    await expect(saveStatus(page, 0)).toHaveText("Saved");
    await submit(page, revised);
    await review(senco, name, "Mark reviewed", "Good. What will you try next week?");
    expect(proxy.answered(ports[1])).toBeGreaterThan(before);

    // The second digest comes from the server still running, and names only what is new.
    // A first digest sent twice (by both servers on one turn) would have arrived within a
    // turn of the first, long before this one, and be taken for it here.
    await expect.poll(() => digestsTo(person.email).length, { timeout: 20_000 }).toBe(2);
    const [one, two] = digestsTo(person.email);
    expect(one).toContain("Revision requested from Priya Shah");
    expect(one).not.toContain("Marked reviewed");
    expect(two).toContain("Marked reviewed from Priya Shah");
    expect(two).not.toContain("Revision requested");
    expect(await bodies()).toEqual([revised, texts.plan].sort());
    await context.close();
  } finally {
    for (const server of servers) await stopTandem(server);
    await proxy.close();
  }
});
