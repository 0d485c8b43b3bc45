// Single sign-on against a real, certified OpenID provider (oidc-provider) that this file
// starts and stops: an admin sets it up, staff sign in with their school accounts.
import { test, expect, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";

import { startProvider, completeProviderLogin } from "../oidc/provider.mjs";
import { DEMO_PASSWORD, expectAccessible, open, signIn, waitForHydration } from "./helpers";

const root = path.resolve(__dirname, "../..");
const port = Number(process.env.TANDEM_E2E_PORT ?? 3100);
const tandem = `http://127.0.0.1:${port}`;
const stamp = Date.now();
const DOMAIN = `hillside${stamp}.example`;
const SETTING = `Hillside Academy ${stamp}`;
const ADMIN_EMAIL = `it.lead@${DOMAIN}`;
const LEE = `lee.hart@${DOMAIN}`;
const NIA = `nia.owusu@${DOMAIN}`;
const CLIENT = { client_id: `tandem-${stamp}`, client_secret: `secret-${stamp}-0123456789`, redirect_uris: [`${tandem}/sign-in/sso/callback`] };
const USERS = [
  { id: "nia", email: NIA, email_verified: true, name: "Nia Owusu" },
  { id: "lee", email: LEE, email_verified: true, name: "Lee Hart" },
  { id: "intruder", email: `intruder@elsewhere${stamp}.example`, email_verified: true, name: "Not Staff" },
];

let provider: { issuer: string; stop(): Promise<void> } | null = null;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  // A setting of its own, made with the operator's commands, so passwords can be turned off.
  const env = { ...process.env, TANDEM_DATABASE_URL: "sqlite://target/e2e/tandem.db" };
  const bin = process.env.TANDEM_BIN!;
  execFileSync(bin, ["setting", "add", "--name", SETTING, "--sector", "school-age"], { env, cwd: root });
  for (const [email, name, role] of [[ADMIN_EMAIL, "Ira Lead", "admin"], [LEE, "Lee Hart", "practitioner"]]) {
    execFileSync(bin, ["user", "add", "--email", email, "--name", name, "--role", role, "--setting", SETTING], {
      env,
      cwd: root,
      input: `${DEMO_PASSWORD}\n`,
    });
  }
});

test.afterAll(async () => {
  await provider?.stop();
});

async function fresh(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** Starts signing in with a school account from the sign-in page. */
async function continueWithSchoolAccount(page: Page, email: string) {
  await open(page, "/sign-in");
  await page.getByLabel("Your school account's email").fill(email);
  await page.getByRole("button", { name: "Continue with your school account" }).click();
}

async function ssoSignIn(page: Page, email: string, login: string) {
  await continueWithSchoolAccount(page, email);
  await page.waitForURL((url) => url.origin === provider!.issuer);
  await completeProviderLogin(page, login);
}

test("an admin sets up single sign-on; the first sign-in makes an account, the next links one", async ({ browser }) => {
  provider = await startProvider({ port: port + 200, clients: [CLIENT], users: USERS });
  const admin = await fresh(browser);
  await signIn(admin, ADMIN_EMAIL);
  await open(admin, "/admin");
  await admin.getByRole("link", { name: "Single sign-on" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Single sign-on" })).toBeVisible();
  await waitForHydration(admin);
  await expect(admin.getByText(`${tandem}/sign-in/sso/callback`)).toBeVisible();
  await expectAccessible(admin, "single sign-on settings");

  // A bad issuer and no secret: refused, with what was typed kept.
  await admin.getByLabel("Provider", { exact: true }).selectOption("other");
  await admin.getByLabel("Issuer URL").fill("http://idp.example.com");
  await admin.getByLabel("Client ID").fill(CLIENT.client_id);
  await admin.getByLabel("Allowed email domains").fill(DOMAIN);
  await admin.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(admin.getByRole("alert")).toContainText("must start with https://");
  await expect(admin.getByRole("alert")).toContainText("Enter the client secret");
  await expect(admin.getByLabel("Client ID")).toHaveValue(CLIENT.client_id);

  await admin.getByLabel("Issuer URL").fill(provider.issuer);
  await admin.getByLabel("Client secret").fill(CLIENT.client_secret);
  await admin.getByLabel("Role for people signing in for the first time").selectOption("practitioner");
  await admin.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(admin.getByText("Single sign-on is on")).toBeVisible();
  await expect(admin.getByText(`People with an address at ${DOMAIN}`)).toBeVisible();
  // The secret is never shown again, not even in the page's source.
  expect(await admin.content()).not.toContain(CLIENT.client_secret);
  await expect(admin.getByLabel("Client secret")).toHaveValue("");
  await expectAccessible(admin, "single sign-on on");

  // First sign-in: a new account in Hillside, with the configured role.
  const nia = await fresh(browser);
  await ssoSignIn(nia, NIA, "nia");
  await expect(nia.getByRole("heading", { level: 1, name: "Hello, Nia" })).toBeVisible();
  await open(nia, "/profile");
  await expect(nia.locator("main")).toContainText(`Signed in as ${NIA} (${SETTING})`);

  // Second: an existing account (made with a password) is linked by its verified email.
  const lee = await fresh(browser);
  await ssoSignIn(lee, LEE, "lee");
  await expect(lee.getByRole("heading", { level: 1, name: "Hello, Lee" })).toBeVisible();
  // Its password still works while the setting allows passwords.
  const leeAgain = await fresh(browser);
  await signIn(leeAgain, LEE);

  // The admin sees the new person among the staff, with the configured role.
  await open(admin, "/admin");
  await expect(admin.getByLabel("Role for Nia Owusu")).toHaveValue("practitioner");
});

test("a provider account at another domain is refused", async ({ browser }) => {
  const page = await fresh(browser);
  // The person types a school address, then signs in at the provider as someone else.
  await ssoSignIn(page, NIA, "intruder");
  await expect(page).toHaveURL(/\/sign-in\?sso=wrong-domain/);
  await expect(page.getByRole("alert")).toContainText("which is not an address your setting allows");
  await expectAccessible(page, "sign-in refused");
  // Not signed in: the home page is the welcome for visitors.
  await open(page, "/");
  await expect(page.getByRole("heading", { level: 2, name: "Already have an account?" })).toBeVisible();
});

test("an answer with a tampered state is refused; the real one still signs in", async ({ browser }) => {
  const page = await fresh(browser);
  await continueWithSchoolAccount(page, NIA);
  await page.waitForURL((url) => url.origin === provider!.issuer);
  // The provider's sign-in page, to come back to, and the state Tandem gave this browser
  // for this sign-in (its cookie).
  const authorize = page.url();
  const state = (await page.context().cookies(`${tandem}/sign-in/sso/callback`)).find((c) => c.name === "tandem_sso")?.value;
  expect(state).toBeTruthy();
  const answer = (s: string) => `${tandem}/sign-in/sso/callback?code=made-up-code&state=${s}&iss=${encodeURIComponent(provider!.issuer)}`;
  // An altered state: refused.
  const altered = state!.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
  await page.goto(answer(altered));
  await expect(page).toHaveURL(/\/sign-in\?sso=expired/);
  await expect(page.getByRole("alert")).toContainText("had expired or did not start on this device");
  // The right state from another browser (no cookie from this sign-in): refused too.
  const other = await fresh(browser);
  await other.goto(answer(state!));
  await expect(other).toHaveURL(/\/sign-in\?sso=expired/);
  // Neither used the sign-in up: this browser finishes it at the provider and is in.
  await page.goto(authorize);
  await completeProviderLogin(page, "nia");
  await expect(page.getByRole("heading", { level: 1, name: "Hello, Nia" })).toBeVisible();
});

test("with the provider down the message is clear and password sign-in still works", async ({ browser }) => {
  await provider!.stop();
  const page = await fresh(browser);
  await continueWithSchoolAccount(page, LEE);
  await expect(page).toHaveURL(/\/sign-in\?sso=unavailable/);
  await expect(page.getByRole("alert")).toContainText("We could not reach your school's sign-in just now");
  // What was typed is kept.
  await expect(page.getByLabel("Your school account's email")).toHaveValue(LEE);
  await signIn(page, LEE);
  provider = await startProvider({ port: port + 200, clients: [CLIENT], users: USERS });
});

test("passwords turned off: staff use their school account, admins keep theirs; a closed account stays refused", async ({ browser }) => {
  const admin = await fresh(browser);
  await signIn(admin, ADMIN_EMAIL);
  await open(admin, "/admin/sign-in");
  await admin.getByLabel("Password sign-in stays available").uncheck();
  await admin.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(admin.getByText("Single sign-on is on")).toBeVisible();
  await expect(admin.getByLabel("Password sign-in stays available")).not.toBeChecked();

  const lee = await fresh(browser);
  await open(lee, "/sign-in");
  await lee.getByLabel("Email address").fill(LEE);
  await lee.getByLabel("Password").fill(DEMO_PASSWORD);
  await lee.getByRole("button", { name: "Sign in" }).click();
  await expect(lee.getByRole("alert")).toContainText("Your setting signs in with your school account");
  await ssoSignIn(lee, LEE, "lee");
  await expect(lee.getByRole("heading", { level: 1, name: "Hello, Lee" })).toBeVisible();

  // The admin closes Lee's account: the school account no longer gets in.
  await open(admin, "/admin");
  await admin.getByRole("button", { name: "Deactivate Lee Hart" }).click();
  await expect(admin.locator("tr").filter({ hasText: "Lee Hart" })).toContainText("Deactivated");
  const again = await fresh(browser);
  await ssoSignIn(again, LEE, "lee");
  await expect(again).toHaveURL(/\/sign-in\?sso=closed/);
  await expect(again.getByRole("alert")).toContainText("This account has been deactivated");
});
