// Single sign-on against a real, certified OpenID provider (oidc-provider) that this file
// starts and stops: an admin sets it up, staff sign in with their school accounts.
import { test, expect } from "./fixtures";
import { type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";

import { startProvider, completeProviderLogin } from "../oidc/provider.mjs";
import { DEMO_PASSWORD, emailedCode, expectAccessible, mailTo, open, signIn, waitForHydration } from "./helpers";

const root = path.resolve(__dirname, "../..");
const port = Number(process.env.TANDEM_E2E_PORT ?? 3100);
const tandem = `http://127.0.0.1:${port}`;
// Who takes part: new people at a new school each time the file runs (`make soak` runs it
// several times against one server), set by `beforeAll`.
let stamp = 0;
let DOMAIN = "";
let SETTING = "";
let ADMIN_EMAIL = "";
let LEE = "";
let NIA = "";
let HEAD = "";
let CLIENT = { client_id: "", client_secret: "", redirect_uris: [] as string[] };
let USERS: { id: string; email: string; email_verified: boolean; name: string }[] = [];

/** The provider's own name for someone at this school: it says who signed in by this (the
 *  `sub`), so each run's people need names no earlier run's had. */
const who = (id: string) => `${id}-${stamp}`;

function newSchool() {
  stamp = Date.now();
  DOMAIN = `hillside${stamp}.example`;
  SETTING = `Hillside Academy ${stamp}`;
  ADMIN_EMAIL = `it.lead@${DOMAIN}`;
  LEE = `lee.hart@${DOMAIN}`;
  NIA = `nia.owusu@${DOMAIN}`;
  HEAD = `new.head@${DOMAIN}`;
  CLIENT = { client_id: `tandem-${stamp}`, client_secret: `secret-${stamp}-0123456789`, redirect_uris: [`${tandem}/sign-in/sso/callback`] };
  USERS = [
    { id: who("nia"), email: NIA, email_verified: true, name: "Nia Owusu" },
    { id: who("lee"), email: LEE, email_verified: true, name: "Lee Hart" },
    { id: who("intruder"), email: `intruder@elsewhere${stamp}.example`, email_verified: true, name: "Not Staff" },
    // The new head teacher, who has not used Tandem yet.
    { id: who("head"), email: HEAD, email_verified: true, name: "Hana Head" },
    // The provider is the admin's own: it can say anyone at the domain signed in, the IT lead
    // included. Saying so must not get it into their account.
    { id: who("fake-lead"), email: ADMIN_EMAIL, email_verified: true, name: "Ira Lead" },
  ];
}

let provider: { issuer: string; stop(): Promise<void> } | null = null;

/** Whoever runs Tandem approves what the admin saved (`tandem sso approve`). */
function operatorApproves() {
  const env = { ...process.env, TANDEM_DATABASE_URL: process.env.TANDEM_E2E_DATABASE };
  return execFileSync(process.env.TANDEM_BIN!, ["sso", "approve", "--setting", SETTING], { env, cwd: root }).toString();
}

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  newSchool();
  // A setting of its own, made with the operator's commands, so passwords can be turned off.
  const env = { ...process.env, TANDEM_DATABASE_URL: process.env.TANDEM_E2E_DATABASE };
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
  // The provider of a run before this one (same port) gives way to this school's.
  await provider?.stop();
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
  // Nobody signs in through it until whoever runs Tandem approves the provider and domain.
  await expect(admin.getByText("Waiting for approval")).toBeVisible();
  await expectAccessible(admin, "single sign-on waiting for approval");
  const early = await fresh(browser);
  await continueWithSchoolAccount(early, NIA);
  await expect(early).toHaveURL(/\/sign-in\?sso=waiting/);
  await expect(early.getByRole("alert")).toContainText("has not approved it yet");
  expect(operatorApproves()).toContain(DOMAIN);
  await open(admin, "/admin/sign-in");
  await expect(admin.getByText("Single sign-on is on")).toBeVisible();
  await expect(admin.getByText(`People with an address at ${DOMAIN}`)).toBeVisible();
  // The secret is never shown again, not even in the page's source.
  expect(await admin.content()).not.toContain(CLIENT.client_secret);
  await expect(admin.getByLabel("Client secret")).toHaveValue("");
  await expectAccessible(admin, "single sign-on on");

  // First sign-in: a new account in Hillside, with the configured role.
  const nia = await fresh(browser);
  await ssoSignIn(nia, NIA, who("nia"));
  await expect(nia.getByRole("heading", { level: 1, name: "Hello, Nia" })).toBeVisible();
  await open(nia, "/profile");
  await expect(nia.locator("main")).toContainText(`Signed in as ${NIA} (${SETTING})`);

  // Second: an existing account (made with a password) is never linked by its email alone:
  // Lee shows it is hers with its password, and is told by email that a link was made.
  const lee = await fresh(browser);
  const beforeLink = Date.now();
  await ssoSignIn(lee, LEE, who("lee"));
  await expect(lee).toHaveURL(/\/sign-in\/link$/);
  await expect(lee.getByRole("heading", { level: 1, name: "Link your school account" })).toBeVisible();
  await waitForHydration(lee);
  await expectAccessible(lee, "link your school account");
  await lee.getByLabel("Your Tandem password", { exact: true }).fill("not her password");
  await lee.getByRole("button", { name: "Link and sign in" }).click();
  await expect(lee.getByRole("alert")).toContainText("That password is not right. 4 tries left.");
  await lee.getByLabel("Your Tandem password", { exact: true }).fill(DEMO_PASSWORD);
  await lee.getByRole("button", { name: "Link and sign in" }).click();
  await expect(lee.getByRole("heading", { level: 1, name: "Hello, Lee" })).toBeVisible();
  expect(await mailTo(LEE, beforeLink)).toContain("was linked to your Tandem account");
  await open(lee, "/profile");
  await expect(lee.locator("#sign-in-links")).toContainText("Your school account, linked");
  await expectAccessible(lee, "profile with a linked account");
  // The next time, the school account signs straight in.
  const leeLater = await fresh(browser);
  await ssoSignIn(leeLater, LEE, who("lee"));
  await expect(leeLater.getByRole("heading", { level: 1, name: "Hello, Lee" })).toBeVisible();
  // Its password still works while the setting allows passwords.
  const leeAgain = await fresh(browser);
  await signIn(leeAgain, LEE);

  // The admin sees the new person among the staff, with the configured role.
  await open(admin, "/admin");
  await expect(admin.getByLabel("Role for Nia Owusu")).toHaveValue("practitioner");
});

test("the admin's own provider saying it signed in as someone else gets nowhere near their account", async ({ browser }) => {
  const attacker = await fresh(browser);
  const before = Date.now();
  await ssoSignIn(attacker, ADMIN_EMAIL, who("fake-lead"));
  await expect(attacker).toHaveURL(/\/sign-in\/link$/);
  await waitForHydration(attacker);
  // The address is not shown whole, and a code goes to the real owner's mailbox.
  await expect(attacker.locator("main")).toContainText(`i***@${DOMAIN}`);
  await attacker.getByRole("button", { name: "Email me a code" }).click();
  await expect(attacker.getByRole("status")).toContainText("We sent a code to");
  expect(await mailTo(ADMIN_EMAIL, before)).toContain("Someone is linking a school sign-in account");
  // Guessing: a few tries, then the check ends.
  for (let left = 4; left >= 1; left--) {
    await attacker.getByLabel("Code from the email").fill(String(100000 + left));
    await attacker.getByRole("button", { name: "Confirm" }).click();
    await expect(attacker.getByRole("alert")).toContainText(`${left} ${left === 1 ? "try" : "tries"} left`);
  }
  await attacker.getByLabel("Code from the email").fill("100000");
  await attacker.getByRole("button", { name: "Confirm" }).click();
  await expect(attacker.getByRole("alert")).toContainText("Too many wrong tries");
  // Even the right code is no use now, and nobody is signed in.
  const code = await emailedCode(ADMIN_EMAIL, before);
  await open(attacker, "/sign-in/link");
  await expect(attacker.getByRole("heading", { level: 1, name: "This check has ended" })).toBeVisible();
  await open(attacker, "/");
  await expect(attacker.getByRole("heading", { level: 2, name: "Already have an account?" })).toBeVisible();
  expect(code).toMatch(/^\d{6}$/);
});

test("someone who joined with an open code as the new head's address loses it when she signs in", async ({ browser }) => {
  // An open invite code of the setting's, in the wrong hands.
  const admin = await fresh(browser);
  await signIn(admin, ADMIN_EMAIL);
  await open(admin, "/admin");
  await admin.getByRole("button", { name: "Create invite code" }).click();
  const code = (await admin.locator(".banner .invite-code").innerText()).trim();
  const pretender = await fresh(browser);
  await open(pretender, `/join?code=${code}`);
  await pretender.getByLabel("Your name").fill("Hana Head");
  await pretender.getByLabel("Email address").fill(HEAD);
  await pretender.getByLabel("School age").check();
  await pretender.getByLabel("Create a password").fill("the pretender's own pass phrase");
  await pretender.getByRole("button", { name: /Create/ }).click();
  // Not in: the address has to be proved, and the code went to the head's mailbox.
  await expect(pretender.getByRole("heading", { level: 1, name: "Confirm your email address" })).toBeVisible();
  await open(pretender, "/sign-in");
  await pretender.getByLabel("Email address").fill(HEAD);
  await pretender.getByLabel("Password").fill("the pretender's own pass phrase");
  await pretender.getByRole("button", { name: "Sign in" }).click();
  await expect(pretender.getByRole("heading", { level: 1, name: "Confirm your email address" })).toBeVisible();
  // The head signs in with her school account: the account is hers, the password gone.
  const head = await fresh(browser);
  await ssoSignIn(head, HEAD, who("head"));
  await expect(head.getByRole("heading", { level: 1, name: "Hello, Hana" })).toBeVisible();
  const again = await fresh(browser);
  await open(again, "/sign-in");
  await again.getByLabel("Email address").fill(HEAD);
  await again.getByLabel("Password").fill("the pretender's own pass phrase");
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.getByRole("alert")).toContainText("not right");
});

test("a provider account at another domain is refused", async ({ browser }) => {
  const page = await fresh(browser);
  // The person types a school address, then signs in at the provider as someone else.
  await ssoSignIn(page, NIA, who("intruder"));
  await expect(page).toHaveURL(/\/sign-in\?sso=wrong-domain/);
  await expect(page.getByRole("alert")).toContainText("has an address your setting does not allow");
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
  await completeProviderLogin(page, who("nia"));
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
  await ssoSignIn(lee, LEE, who("lee"));
  await expect(lee.getByRole("heading", { level: 1, name: "Hello, Lee" })).toBeVisible();

  // The admin closes Lee's account: the school account no longer gets in.
  await open(admin, "/admin");
  await admin.locator("summary").filter({ hasText: "Lee Hart" }).click();
  await admin.getByRole("button", { name: "Deactivate Lee Hart" }).click();
  await expect(admin.locator("tr").filter({ hasText: "Lee Hart" })).toContainText("Deactivated");
  const again = await fresh(browser);
  await ssoSignIn(again, LEE, who("lee"));
  await expect(again).toHaveURL(/\/sign-in\?sso=closed/);
  await expect(again.getByRole("alert")).toContainText("This account has been deactivated");
});
