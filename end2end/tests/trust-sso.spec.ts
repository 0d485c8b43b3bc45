// One sign-on for a whole trust: whoever runs Tandem sets it up for a network; a person new
// to Tandem lands only in the setting whose staff import named them, and anyone else is told
// to ask their setting's admin. Against the same certified provider as sso.spec.ts.
import { test, expect } from "./fixtures";
import { type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";

import { startProvider, completeProviderLogin } from "../oidc/provider.mjs";
import { DEMO_PASSWORD, expectAccessible, newPage, open, signIn, waitForHydration } from "./helpers";

const root = path.resolve(__dirname, "../..");
const port = Number(process.env.TANDEM_E2E_PORT ?? 3100);
const tandem = `http://127.0.0.1:${port}`;
const stamp = Date.now();
const DOMAIN = `riverside${stamp}.example`;
const TRUST = `Riverside Trust ${stamp}`;
const BROOK = `Brook Primary ${stamp}`;
const MARSH = `Marsh College ${stamp}`;
const BROOK_ADMIN = `office@brook${stamp}.example`;
const ADA = `ada.stone@${DOMAIN}`;
const BO = `bo.green@${DOMAIN}`;
const LEE = `lee.fox@${DOMAIN}`;
const CLIENT = { client_id: `trust-${stamp}`, client_secret: `trust-secret-${stamp}-0123456789`, redirect_uris: [`${tandem}/sign-in/sso/callback`] };
const USERS = [
  { id: `ada-${stamp}`, email: ADA, email_verified: true, name: "Ada Stone" },
  { id: `bo-${stamp}`, email: BO, email_verified: true, name: "Bo Green" },
  { id: `lee-${stamp}`, email: LEE, email_verified: true, name: "Lee Fox" },
];

let provider: { issuer: string; stop(): Promise<void> } | null = null;

/** A `tandem` command, as whoever runs Tandem types it on the server. */
function tandemCli(args: string[], extra: Record<string, string> = {}, input?: string) {
  const env = { ...process.env, TANDEM_DATABASE_URL: process.env.TANDEM_E2E_DATABASE, ...extra };
  return execFileSync(process.env.TANDEM_BIN!, args, { env, cwd: root, input }).toString();
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // Brook joins the trust; Marsh is not in it, and has an account at the trust's domain.
  for (const name of [BROOK, MARSH]) tandemCli(["setting", "add", "--name", name, "--sector", "school-age"]);
  tandemCli(["user", "add", "--email", BROOK_ADMIN, "--name", "Brook Office", "--role", "admin", "--setting", BROOK], {}, `${DEMO_PASSWORD}\n`);
  tandemCli(["user", "add", "--email", LEE, "--name", "Lee Fox", "--role", "practitioner", "--setting", MARSH], {}, `${DEMO_PASSWORD}\n`);
  tandemCli(["network", "add", TRUST]);
  tandemCli(["network", "join", "--network", TRUST, "--setting", BROOK]);
  provider = await startProvider({ port: port + 201, clients: [CLIENT], users: USERS });
});

test.afterAll(async () => {
  await provider?.stop();
});

async function signInAtTrust(browser: Browser, email: string, login: string): Promise<Page> {
  const page = await newPage(browser);
  await open(page, "/sign-in");
  await page.getByLabel("Your school account's email").fill(email);
  await page.getByRole("button", { name: "Continue with your school account" }).click();
  await page.waitForURL((url) => url.origin === provider!.issuer);
  await completeProviderLogin(page, login);
  return page;
}

test("a trust's sign-on places a newcomer only where a staff import named them", async ({ browser }) => {
  // Brook's admin accepts the trust's invitation and imports Ada as the SENCo.
  const admin = await newPage(browser);
  await signIn(admin, BROOK_ADMIN);
  await open(admin, "/community");
  await admin.getByRole("button", { name: "Join the network" }).click();
  await expect(admin.getByRole("button", { name: "Join the network" })).toHaveCount(0);
  await open(admin, "/admin/import");
  const csv = `Name,Email,Role\r\nAda Stone,${ADA},senco\r\n`;
  await admin.getByLabel("Staff list (CSV file)").setInputFiles({ name: "staff.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await admin.getByRole("button", { name: "Upload and preview" }).click();
  await waitForHydration(admin);
  await admin.getByRole("button", { name: "Import these staff" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Staff imported" })).toBeVisible();

  // Whoever runs Tandem sets up the trust's provider; a bad issuer is refused with why.
  const set = (issuer: string) => [
    "sso", "trust", "--network", TRUST, "--kind", "other", "--issuer", issuer,
    "--client-id", CLIENT.client_id, "--domain", DOMAIN,
  ];
  expect(() => tandemCli(set("ftp://nowhere"), { TANDEM_SSO_CLIENT_SECRET: CLIENT.client_secret })).toThrow(/https:\/\//);
  expect(() => tandemCli(set(provider!.issuer))).toThrow(/TANDEM_SSO_CLIENT_SECRET/);
  expect(tandemCli(set(provider!.issuer), { TANDEM_SSO_CLIENT_SECRET: CLIENT.client_secret })).toContain(DOMAIN);
  expect(tandemCli(["sso", "list"])).toContain(TRUST);
  // Brook's admin sees it on their own sign-on page, with what they must do for newcomers.
  await open(admin, "/admin/sign-in");
  const trustPart = admin.getByRole("region", { name: `${TRUST}'s single sign-on` });
  await expect(trustPart).toContainText(`People with an address at ${DOMAIN} sign in`);
  await expect(trustPart.getByRole("link", { name: "Import staff" })).toHaveAttribute("href", "/admin/import");
  await expectAccessible(admin, "single sign-on covered by a trust");

  // Ada lands in Brook as its SENCo.
  const ada = await signInAtTrust(browser, ADA, `ada-${stamp}`);
  await expect(ada.getByRole("heading", { level: 1, name: "Hello, Ada" })).toBeVisible();
  await open(ada, "/profile");
  await expect(ada.locator("main")).toContainText(`Signed in as ${ADA} (${BROOK})`);
  await open(admin, "/admin");
  await expect(admin.getByLabel("Role for Ada Stone")).toHaveValue("senco");

  // Bo, whom no setting named, is told what to do, and no account is made.
  const bo = await signInAtTrust(browser, BO, `bo-${stamp}`);
  await expect(bo).toHaveURL(/\/sign-in\?sso=not-placed/);
  await expect(bo.getByRole("alert")).toContainText("none of your trust's settings has added you");
  await expectAccessible(bo, "sign-in, not placed by a trust");
  await open(admin, "/admin");
  await expect(admin.locator("main")).not.toContainText("Bo Green");

  // Lee's account is in Marsh, which is not in the trust: refused.
  const lee = await signInAtTrust(browser, LEE, `lee-${stamp}`);
  await expect(lee).toHaveURL(/\/sign-in\?sso=other-setting/);
  await expect(lee.getByRole("alert")).toContainText("another setting");

  // Turned off, the trust's domain no longer signs anyone in.
  expect(tandemCli(["sso", "trust-off", "--network", TRUST])).toContain("is off");
  // The sign-in page shows the school-account form only while some setting has sign-on,
  // which on this shared database depends on other specs: send the form as the page does.
  const later = await newPage(browser);
  await open(later, "/sign-in");
  await later.evaluate((email) => {
    const form = Object.assign(document.createElement("form"), { method: "post", action: "/sign-in/sso" });
    form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "email", value: email }));
    document.body.append(form);
    form.submit();
  }, ADA);
  await expect(later).toHaveURL(/\/sign-in\?sso=not-set-up/);
});
