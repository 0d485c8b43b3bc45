import { expect, type Page, type Browser } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import nodePath from "node:path";

export const DEMO_PASSWORD = "tandem-demo-2026";
/** Where this run of the suite writes (scripts/e2e.sh): its database, mail and traces. */
export const E2E_DIR = nodePath.resolve(__dirname, "../..", process.env.TANDEM_E2E_DIR ?? "target/e2e");
export const ADMIN = "admin@oakfield.example";
export const SENCO = "senco@oakfield.example";
export const SAM = "sam@oakfield.example";
export const ELLA = "ella@oakfield.example";

/** Opens a page and waits until its code has taken over (see `waitForHydration`). */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
}

/** Waits until the page's islands have their code (`/islands.js` sets the marker), or, on
 *  a page that loads no code for islands (signed out), until the outbox script has run. */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(
    () =>
      document.body?.dataset.hydrated === "true" ||
      (!document.getElementById("tandem-islands") && Boolean((window as any).tandemOffline)),
    null,
    { timeout: 20_000 },
  );
}

/** Runs axe-core against WCAG 2.2 A and AA and fails on any violation. The markup is the
 *  same on either database, so `make e2e`, which runs the suite on both at once, scans in the
 *  SQLite run alone (TANDEM_E2E_SCAN=no in the other): a scan takes close to a second of
 *  CPU, and there are about a hundred. */
export async function expectAccessible(page: Page, what: string) {
  if (process.env.TANDEM_E2E_SCAN === "no") return;
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await open(page, "/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello,/ })).toBeVisible();
  await waitForHydration(page);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  // The page hides itself at once, then goes to the sign-in page.
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "You have signed out" })).toBeVisible();
}

export async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

export function uniqueEmail(prefix: string) {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@oakfield.example`;
}

/** The newest email to `email` that the suite's mail server kept (end2end/mail/sink.mjs),
 *  waiting for it to arrive; `since` (ms) skips older ones. */
export async function mailTo(email: string, since = 0): Promise<string> {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const folder = path.join(E2E_DIR, "mail");
  let found = "";
  await expect
    .poll(
      () => {
        const names = fs.existsSync(folder) ? fs.readdirSync(folder).sort().reverse() : [];
        for (const name of names) {
          if (Number(name.split("-")[0]) < since) break;
          const text = fs.readFileSync(path.join(folder, name), "utf8");
          if (text.split("\n")[0].toLowerCase().includes(email.toLowerCase())) {
            found = text;
            return true;
          }
        }
        return false;
      },
      { timeout: 15_000, message: `an email to ${email}` },
    )
    .toBe(true);
  return found;
}

/** The code in the newest email to `email` (sent after `since`). */
export async function emailedCode(email: string, since = 0) {
  const mail = await mailTo(email, since);
  const code = /^\s+(\d{6})\s*$/m.exec(mail)?.[1];
  expect(code, mail).toBeTruthy();
  return code!;
}

/** On the "Confirm your email address" page: the code from the email, and in. */
export async function confirmEmail(page: Page, email: string, since = 0) {
  await expect(page.getByRole("heading", { level: 1, name: "Confirm your email address" })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("Code from the email").fill(await emailedCode(email, since));
  await page.getByRole("button", { name: "Confirm" }).click();
}

/** A new practitioner, made through the real invite and join functions (the admin invites,
 *  the person joins). Returns their email; the password is the demo password. */
export async function newPractitioner(baseURL: string, name = "Robin Lane") {
  const { request } = await import("@playwright/test");
  const headers = { Origin: baseURL, Accept: "application/json" };
  const admin = await request.newContext({ baseURL });
  const signedIn = await admin.post("/api/sign_in", { form: { email: ADMIN, password: DEMO_PASSWORD }, headers });
  expect(signedIn.ok(), await signedIn.text()).toBe(true);
  const invite = await admin.post("/api/admin/create_invite", { form: { role: "practitioner", days: "7" }, headers });
  expect(invite.ok(), await invite.text()).toBe(true);
  const { code } = await invite.json();
  const email = uniqueEmail("robin");
  const joining = await request.newContext({ baseURL });
  const joined = await joining.post("/api/join", {
    form: { code, display_name: name, email, password: DEMO_PASSWORD, sector: "school_age" },
    headers,
  });
  expect(joined.ok(), await joined.text()).toBe(true);
  // An open code proves nothing about the address: the emailed code does.
  const proved = await joining.post("/api/proof/code", { form: { code: await emailedCode(email) }, headers });
  expect(proved.ok(), await proved.text()).toBe(true);
  await admin.dispose();
  return { email, api: joining, headers };
}

/** A new practitioner signed in on a device of their own (a fresh browser context). */
export async function practitionerOnDevice(
  browser: Browser,
  baseURL: string,
  options: { name?: string; device?: import("@playwright/test").BrowserContextOptions } = {},
) {
  const person = await newPractitioner(baseURL, options.name);
  const context = await browser.newContext(options.device);
  const page = await context.newPage();
  await signIn(page, person.email);
  return { person, context, page };
}

/** Everything the server holds for the person behind `api` ("download my data"). */
export async function serverData(api: import("@playwright/test").APIRequestContext, baseURL: string) {
  const reply = await api.post("/api/log/export", { headers: { Origin: baseURL, Accept: "application/json" } });
  expect(reply.ok(), await reply.text()).toBe(true);
  return reply.json();
}

/** Drops (or brings back) the connection of every page in `context` and of its service
 *  worker, as a tablet's Wi-Fi does. Playwright changes each page first and the worker after
 *  it: in between, a page back online loads through a worker still offline (and is served
 *  the offline page), or a page gone offline loads through a worker still online. So while
 *  it changes, requests wait for the change (going online) or fail (going offline); then each
 *  page is waited for until its `navigator.onLine` says so too. A request is held for at most
 *  3 s: a service worker starting up (an app update) fetches its script while Playwright
 *  changes its connection, and that change waits for the script (seen once in CI: the held
 *  script and `setOffline` waited for each other until the test timed out). */
export async function setConnection(context: import("@playwright/test").BrowserContext, online: boolean) {
  let changed!: () => void;
  const set = new Promise<void>((resolve) => (changed = resolve));
  const done = Promise.race([set, new Promise<void>((resolve) => setTimeout(resolve, 3_000))]);
  const meanwhile = (route: import("@playwright/test").Route) =>
    (online ? done.then(() => route.continue()) : route.abort("internetdisconnected")).catch(() => {});
  await context.route("**/*", meanwhile);
  await context.setOffline(!online);
  changed();
  await context.unroute("**/*", meanwhile);
  for (const p of context.pages()) {
    await expect.poll(() => p.evaluate(() => navigator.onLine).catch(() => online), { timeout: 10_000 }).toBe(online);
  }
}

/** Waits until a service worker controls the page. The worker claims open pages when it
 *  activates, but a page that was still loading then can be missed (seen once in ~60
 *  runs): such a page is controlled from its next load, as a person's next page is. */
export async function serviceWorkerReady(page: Page) {
  const controlled = () =>
    page.evaluate(async () => {
      await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 1000))]);
      return Boolean(navigator.serviceWorker.controller);
    });
  const within = (ms: number) =>
    expect.poll(controlled, { timeout: ms }).toBe(true).then(() => true, () => false);
  if (await within(15_000)) return;
  await page.reload();
  await waitForHydration(page);
  await expect.poll(controlled, { timeout: 15_000 }).toBe(true);
}

/** Writes still to send in this page's outbox; -1 while the page is between documents (a
 *  sent reply reloads its thread), so a poll for 0 waits for the page that follows. */
export const pendingOps = (page: Page) =>
  page
    .evaluate(() => ((window as any).tandemOffline?.pending().length ?? -1) as number)
    .catch((e: Error) => {
      if (/context was destroyed|navigat/i.test(e.message)) return -1;
      throw e;
    });

/** How many answers (writes with a merge key, as opposed to progress records such as a
 *  section's "opened") wait in the page's outbox. */
export const pendingAnswers = (page: Page) =>
  page.evaluate(() => ((window as any).tandemOffline?.pending() ?? []).filter((o: any) => o.merge).length as number);

/** Every cached page path, with the cache it is in. */
export const cachedPages = (page: Page) =>
  page.evaluate(async () => {
    const out: { cache: string; path: string }[] = [];
    for (const cache of await caches.keys()) {
      if (!cache.includes("-pages-")) continue;
      for (const r of await (await caches.open(cache)).keys()) out.push({ cache, path: new URL(r.url).pathname });
    }
    return out;
  });

/** The session cookie of a browser context ("tandem_session=…"). */
export async function sessionCookie(context: import("@playwright/test").BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === "tandem_session");
  return cookie ? `tandem_session=${cookie.value}` : null;
}

/** An API client that sends exactly this cookie, as another device holding it would. */
export async function apiWithCookie(baseURL: string, cookie: string) {
  const { request } = await import("@playwright/test");
  return request.newContext({ baseURL, extraHTTPHeaders: { Cookie: cookie, Origin: baseURL, Accept: "application/json" } });
}

/** Saves a module for offline use from its page. */
export async function saveModuleForOffline(page: Page, module: string) {
  await open(page, `/modules/${module}`);
  await serviceWorkerReady(page);
  await page.getByRole("button", { name: "Save for offline use" }).click();
  await expect(page.locator(".offline-state")).toHaveText(/Saved on this device/);
}

/** A TCP proxy in front of the server whose connections can be made to hang, as a school's
 *  Wi-Fi does when it is connected but passing nothing. */
export async function flakyProxy(targetPort: number) {
  const net = await import("node:net");
  let stalled = false;
  const sockets = new Set<import("node:net").Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (stalled) return; // accepted, never answered
    const upstream = net.connect(targetPort, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as import("node:net").AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    /** From now on nothing gets through; open connections are cut. */
    stall() {
      stalled = true;
      for (const s of sockets) s.destroy();
    },
    recover() {
      stalled = false;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A Tandem server of the test's own on `port` (the build in TANDEM_BIN, which
 *  scripts/e2e.sh sets), with demo data and the suite's mail server; `env` adds to or
 *  overrides that. Resolves once it answers /healthz. */
export async function startTandem(port: number, env: Record<string, string>) {
  const { spawn } = await import("node:child_process");
  const path = await import("node:path");
  const binary = process.env.TANDEM_BIN;
  if (!binary) throw new Error("TANDEM_BIN is not set: run the suite with `make e2e` (scripts/e2e.sh)");
  const root = path.resolve(__dirname, "../..");
  const server = spawn(binary, ["serve"], {
    cwd: root,
    env: {
      ...process.env,
      TANDEM_ADDR: `127.0.0.1:${port}`,
      TANDEM_DEMO: "true",
      LEPTOS_SITE_ROOT: path.resolve(root, process.env.TANDEM_E2E_SITE ?? "target/site"),
      RUST_LOG: "warn",
      TANDEM_SMTP_URL: `smtp://127.0.0.1:${process.env.TANDEM_E2E_MAIL_PORT}`,
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status ?? 0, { timeout: 30_000, intervals: [50] })
    .toBe(200);
  return server;
}

/** Stops a server from `startTandem` as an IT lead would (SIGTERM: it finishes what is in
 *  flight and gives up its jobs), and waits for it to exit. */
export async function stopTandem(server: import("node:child_process").ChildProcess) {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

/** An HTTP proxy in front of Tandem servers on `upstreams`, listening on `port` (any free
 *  one if 0), as a load balancer: each request goes to the next server in turn (a
 *  connection per request, so every request takes its turn). A server that refuses the
 *  connection (stopped) got nothing, so the request goes to the next one; anything else
 *  that fails is a 502. `cut` drops the next requests whose path matches, as a connection
 *  lost on the way does, whoever makes them (a page or a service worker). */
export async function httpProxy(upstreams: number[], port = 0) {
  const http = await import("node:http");
  let turn = 0;
  const answered = new Map<number, number>(upstreams.map((p) => [p, 0]));
  const cuts: { path: RegExp; left: number }[] = [];
  let cutCount = 0;
  const server = http.createServer((req, res) => {
    const cut = cuts.find((c) => c.left > 0 && c.path.test(req.url ?? ""));
    if (cut) {
      cut.left -= 1;
      cutCount += 1;
      req.socket.destroy();
      return;
    }
    const body: Buffer[] = [];
    req.on("data", (chunk) => body.push(chunk));
    req.on("end", () => forward(Buffer.concat(body), 0));
    function forward(payload: Buffer, tries: number) {
      const upstreamPort = upstreams[turn++ % upstreams.length];
      const upstream = http.request(
        { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false },
        (reply) => {
          answered.set(upstreamPort, answered.get(upstreamPort)! + 1);
          res.writeHead(reply.statusCode!, reply.statusMessage, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED" && tries + 1 < upstreams.length) return forward(payload, tries + 1);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(payload);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const listening = (server.address() as import("node:net").AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${listening}`,
    answered: (upstream: number) => answered.get(upstream)!,
    /** Drops the next `count` requests whose path (with its query) matches `path`. */
    cut: (path: RegExp, count: number) => void cuts.push({ path, left: count }),
    /** How many requests `cut` has dropped. */
    cutCount: () => cutCount,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
