import { test, expect } from "./fixtures";
import {
  ADMIN, SAM, ELLA, open, signIn, signOut, expectAccessible, newPage, uniqueEmail, waitForHydration,
  emailedCode, mailTo, newPractitioner,
} from "./helpers";

test("the landing and sign-in pages render and pass an accessibility scan", async ({ page }) => {
  await open(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("SEND professional development");
  await expectAccessible(page, "landing page");
  await open(page, "/sign-in");
  await expectAccessible(page, "sign-in page");
  await open(page, "/join");
  await expectAccessible(page, "join page");
});

test("a wrong password shows an error and keeps the email", async ({ page }) => {
  await open(page, "/sign-in");
  await page.getByLabel("Email address").fill(SAM);
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  const summary = page.getByRole("alert");
  await expect(summary).toContainText("There is a problem");
  await expect(summary).toContainText("The email address or password is not right");
  await expect(summary).toBeFocused();
  await expect(page.getByLabel("Email address")).toHaveValue(SAM);
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "sign-in page with an error");
});

test("an admin creates an invite, a new person joins with it, signs out and back in", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await expectAccessible(page, "admin dashboard");
  await page.getByRole("link", { name: "Staff and invites" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff and invites" })).toBeVisible();
  await expectAccessible(page, "staff and invites page");
  await page.getByRole("radio", { name: "SENCo" }).check();
  await page.getByLabel("Days the code lasts").fill("7");
  await page.getByRole("button", { name: "Create invite code" }).click();
  const banner = page.getByRole("status").filter({ hasText: "Invite code created" });
  await expect(banner).toBeVisible();
  const code = (await banner.locator(".invite-code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.getByRole("table").first()).toContainText(code);

  const newcomer = await newPage(browser);
  const email = uniqueEmail("jo");
  await open(newcomer, "/join");
  await newcomer.getByLabel("Invite code").fill(code.toLowerCase());
  await newcomer.getByLabel("Your name").fill("Jo Newcomer");
  await newcomer.getByLabel("Email address").fill(email);
  await newcomer.getByLabel("Create a password").fill("harbour lantern violet");
  await newcomer.getByRole("radio", { name: "Post-16" }).check();
  await newcomer.getByRole("button", { name: "Create account" }).click();
  // The code proves nothing about the address: the one emailed to it does, typed on this
  // device. Until then nobody is signed in.
  await expect(newcomer.getByRole("heading", { level: 1, name: "Confirm your email address" })).toBeVisible();
  await waitForHydration(newcomer);
  await expect(newcomer.getByRole("status")).toContainText("We sent a code to j***@oakfield.example");
  await expectAccessible(newcomer, "confirm your email address");
  const emailed = await emailedCode(email);
  await newcomer.getByLabel("Code from the email").fill(emailed === "123456" ? "654321" : "123456");
  await newcomer.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(newcomer.getByRole("alert")).toContainText("That code is not right. 4 tries left.");
  await expect(newcomer.getByLabel("Code from the email")).toHaveAttribute("aria-invalid", "true");
  await newcomer.getByLabel("Code from the email").fill(emailed);
  await newcomer.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(newcomer.getByRole("heading", { level: 1, name: "Hello, Jo" })).toBeVisible();
  await expect(newcomer.getByText("SENCo · Post-16")).toBeVisible();
  await waitForHydration(newcomer);
  await expectAccessible(newcomer, "SENCo dashboard");

  await signOut(newcomer);
  await signIn(newcomer, email, "harbour lantern violet");
  await expect(newcomer.getByRole("heading", { level: 1, name: "Hello, Jo" })).toBeVisible();
});

test("joining with an unknown code says so and keeps what was typed", async ({ page }) => {
  await open(page, "/join");
  await page.getByLabel("Invite code").fill("ZZZZ-9999");
  await page.getByLabel("Your name").fill("Kim Lee");
  await page.getByLabel("Email address").fill("kim@oakfield.example");
  await page.getByLabel("Create a password").fill("short");
  await page.getByRole("radio", { name: "Early Years" }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("at least 10 characters");
  await page.getByLabel("Create a password").fill("meadow copper kite");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("invite code is not recognised");
  await expect(page.getByLabel("Your name")).toHaveValue("Kim Lee");
  await expect(page.getByLabel("Email address")).toHaveValue("kim@oakfield.example");
  await expect(page.getByRole("radio", { name: "Early Years" })).toBeChecked();
  await expectAccessible(page, "join page with errors");
});

test("an admin changes a member's role", async ({ page }) => {
  await signIn(page, ADMIN);
  await open(page, "/admin");
  const select = page.getByLabel("Role for Ella Hughes");
  await expect(select).toHaveValue("practitioner");
  await select.selectOption("senco");
  await page.getByRole("button", { name: "Change role for Ella Hughes" }).click();
  await expect(page.getByLabel("Role for Ella Hughes")).toHaveValue("senco");
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel("Role for Ella Hughes")).toHaveValue("senco");
  // Put it back so the other tests see the demo as seeded.
  await page.getByLabel("Role for Ella Hughes").selectOption("practitioner");
  await page.getByRole("button", { name: "Change role for Ella Hughes" }).click();
  await expect(page.getByLabel("Role for Ella Hughes")).toHaveValue("practitioner");
});

test("an admin sets the setting's time zone by keyboard, and a wrong one is refused", async ({ page }) => {
  await signIn(page, ADMIN);
  await open(page, "/admin");
  const zone = page.getByLabel("Your setting's time zone");
  await expect(zone).toHaveValue("Europe/London");
  await zone.focus();
  await zone.selectOption("Asia/Singapore");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Save time zone" })).toBeFocused();
  // The page loads afresh so every date on it is in the new zone.
  await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
  await waitForHydration(page);
  await expect(page.getByLabel("Your setting's time zone")).toHaveValue("Asia/Singapore");
  await expectAccessible(page, "admin page after a time zone change");
  // A name that is not a time zone (a tampered form) is refused in words, beside the field.
  const refused = await page.request.post("/api/admin/time_zone", {
    form: { time_zone: "Mars/Olympus_Mons" },
    headers: { Accept: "application/json", Origin: new URL(page.url()).origin },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain("Choose a time zone from the list");
  // Put it back for the other tests.
  await page.getByLabel("Your setting's time zone").selectOption("Europe/London");
  await Promise.all([
    page.waitForEvent("framenavigated"),
    page.getByRole("button", { name: "Save time zone" }).click(),
  ]);
  await waitForHydration(page);
  await expect(page.getByLabel("Your setting's time zone")).toHaveValue("Europe/London");
});

test("a practitioner is refused the admin page", async ({ page }) => {
  await signIn(page, SAM);
  await expect(page.getByRole("link", { name: "Staff and invites" })).toHaveCount(0);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You cannot see this page");
  await expect(page.getByText("Invite staff")).toHaveCount(0);
  await waitForHydration(page);
  await expectAccessible(page, "refusal page");
});

test("unknown addresses get a 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await waitForHydration(page);
  await expectAccessible(page, "404 page");
});

test("reading preferences change the page and persist after reload", async ({ page }) => {
  await signIn(page, ELLA);
  await open(page, "/profile");
  await expectAccessible(page, "profile page");
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/pref-high-contrast/);
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  await page.getByRole("radio", { name: "Largest" }).check();
  await page.getByLabel("High contrast colours").check();
  await page.getByLabel("Use a dyslexia-friendly font").check();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Preferences saved" })).toBeVisible();
  await expect(html).toHaveClass(/pref-text-largest/);
  await expect(html).toHaveClass(/pref-high-contrast/);
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(after).toBeGreaterThan(before);
  await expectAccessible(page, "profile page in high contrast");

  // Server-rendered on reload: the class is in the HTML before any script runs.
  const response = await page.reload();
  expect(await response!.text()).toContain('class="pref-text-largest pref-dyslexia-font pref-high-contrast"');
  await waitForHydration(page);
  await expect(page.getByRole("radio", { name: "Largest" })).toBeChecked();
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  expect(font).toContain("OpenDyslexic");

  // Back to the defaults for the other tests.
  await page.getByRole("radio", { name: "Standard" }).first().check();
  await page.getByLabel("High contrast colours").uncheck();
  await page.getByLabel("Use a dyslexia-friendly font").uncheck();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(html).not.toHaveClass(/pref-high-contrast/);
});

test("the whole sign-in journey works by keyboard alone", async ({ page }) => {
  await open(page, "/sign-in");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email address")).toBeFocused();
  await page.keyboard.type(SAM);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type("tandem-demo-2026");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Hello, Sam" })).toBeVisible();
  await waitForHydration(page);
  // Sign out by keyboard too: tab until the button has focus.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    if (await page.getByRole("button", { name: "Sign out" }).evaluate((el) => el === document.activeElement)) break;
  }
  await expect(page.getByRole("button", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await expect(page.getByRole("heading", { name: "You have signed out" })).toBeVisible();
});

for (const viewport of [
  { name: "tablet portrait", width: 768, height: 1024 },
  { name: "tablet landscape", width: 1024, height: 768 },
  { name: "phone", width: 375, height: 667 },
]) {
  test(`the layout fits a ${viewport.name} without sideways scrolling`, async ({ browser }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, ADMIN);
    for (const path of ["/", "/profile", "/admin"]) {
      await open(page, path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
}

test("a form sent from outside Tandem's pages is refused with a page of its own that passes axe", async ({ page, baseURL }) => {
  // A page of another origin (about:blank) posts a form to Tandem, as a hostile site would.
  await page.setContent(
    `<form method="post" action="${baseURL}/api/sign_out"><button>Send</button></form>`,
  );
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(`${baseURL}/api/sign_out`);
  await expect(page.getByRole("heading", { level: 1, name: "Refused" })).toBeVisible();
  await expect(page.getByText("did not come from Tandem's own pages")).toBeVisible();
  // Styled (its stylesheet loads under its own policy), with the way back.
  // toHaveCSS waits: the heading can be in the DOM before the stylesheet has arrived.
  await expect(page.locator(".site-header")).toHaveCSS("background-color", "rgb(29, 78, 95)");
  await expect(page.getByRole("link", { name: "Go to your home page" })).toBeVisible();
  await expectAccessible(page, "the refusal page");
});

test("a forgotten password is set again from a link sent to the person's own address, and signs them out elsewhere", async ({ browser, baseURL }) => {
  const { email, api, headers } = await newPractitioner(baseURL!, "Robin Forgets");
  const other = await api.post("/api/me", { headers });
  expect(await other.text()).toContain("Robin Forgets");
  const page = await newPage(browser);
  await open(page, "/sign-in");
  await page.getByRole("link", { name: "Forgotten your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Forgotten your password" })).toBeVisible();
  await expectAccessible(page, "forgotten password");
  // A mistyped address is refused beside its field, and kept.
  await page.getByLabel("Email address").fill("robin@school");
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.locator("#email-error")).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveValue("robin@school");
  const since = Date.now();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  // The message is quoted-printable, as a mail program reads it: decoded first.
  const mail = (await mailTo(email, since))
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  const token = /reset-password\?token=(\S+)/.exec(mail)?.[1];
  expect(token, mail).toBeTruthy();

  await open(page, `/reset-password?token=${token}`);
  await expectAccessible(page, "set a new password");
  const fresh = "robin's fresh pass phrase";
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("The new password again").fill("not the same one at all");
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.locator("#confirm_password-error")).toContainText("do not match");
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("The new password again").fill(fresh);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.getByRole("heading", { name: "Your new password is set" })).toBeVisible();
  // Signed out on the other device; in with the new password; the link is spent.
  const after = await api.post("/api/me", { headers });
  expect(await after.text()).not.toContain("Robin Forgets");
  await signIn(page, email, fresh);
  await open(page, `/reset-password?token=${token}`);
  await expect(page.getByText("This link has been used or has expired.")).toBeVisible();
  await page.context().close();
});
