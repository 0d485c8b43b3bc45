// An IT lead and a setting admin running Tandem: importing staff from a spreadsheet, data
// protection (retention, erasure, the privacy notice) and everything held about a person.
import { test, expect } from "./fixtures";

import { ADMIN, DEMO_PASSWORD, confirmEmail, expectAccessible, newPage, open, signIn, waitForHydration } from "./helpers";

test("an admin imports staff from a spreadsheet: preview, apply, codes, and the same file again changes nothing", async ({ browser }) => {
  const stamp = Date.now();
  const newcomer = `kit.marsh.${stamp}@oakfield.example`;
  const csv = `\uFEFFName,Email,Role,Sector\r\n"Marsh, Kit",${newcomer},Teacher,Early Years\r\nElla Brown,ella@oakfield.example,practitioner,\r\nBad Row,not-an-address,practitioner,\r\n`;
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await open(admin, "/admin");
  await admin.getByRole("link", { name: "Import staff" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Import staff from a spreadsheet" })).toBeVisible();
  await waitForHydration(admin);
  await expectAccessible(admin, "import staff");
  const upload = async () => {
    await open(admin, "/admin/import");
    await admin.getByLabel("Staff list (CSV file)").setInputFiles({ name: "staff.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await admin.getByRole("button", { name: "Upload and preview" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Check the import" })).toBeVisible();
    await waitForHydration(admin);
  };
  await upload();
  await expect(admin.locator("main")).toContainText("Nothing has changed yet");
  const row = (text: string) => admin.getByRole("row").filter({ hasText: text });
  await expect(row(newcomer)).toContainText("New: gets a personal invite code");
  await expect(row("ella@oakfield.example")).toContainText("Already in Tandem: no change");
  await expect(row("not-an-address")).toContainText("“not-an-address” is not an email address");
  await expectAccessible(admin, "import preview");

  await admin.getByRole("button", { name: "Import these staff" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Staff imported" })).toBeVisible();
  const sheet = admin.getByRole("region", { name: "Invite codes to hand out" });
  await expect(sheet.getByRole("row").filter({ hasText: newcomer })).toContainText(/[A-Z0-9]{4}-[A-Z0-9]{4}/);
  const code = (await sheet.getByRole("row").filter({ hasText: newcomer }).locator(".invite-code").innerText()).trim();
  await expectAccessible(admin, "import applied");
  // The page reports what the import did, then and when opened again.
  for (const when of ["just applied", "reloaded"]) {
    await expect(admin.locator(".lead"), when).toContainText("1 invited");
    await expect(admin.locator("main"), when).not.toContainText("Already invited, not joined yet");
    if (when === "just applied") await admin.reload();
  }

  // The same file again: nothing new to do.
  await upload();
  await expect(row(newcomer)).toContainText("Already invited, not joined yet");

  // The newcomer joins with their code and their own address only.
  const kit = await newPage(browser);
  await open(kit, `/join?code=${code}`);
  await kit.getByLabel("Your name").fill("Kit Marsh");
  await kit.getByLabel("Email address").fill(`someone.else.${stamp}@oakfield.example`);
  await kit.getByLabel("School age").check();
  await kit.getByLabel("Create a password").fill(DEMO_PASSWORD);
  await kit.getByRole("button", { name: /Create/ }).click();
  await expect(kit.getByRole("alert")).toContainText("made for a different email address");
  await kit.getByLabel("Email address").fill(newcomer);
  await kit.getByLabel("Create a password").fill(DEMO_PASSWORD);
  await kit.getByRole("button", { name: /Create/ }).click();
  await expect(kit.getByRole("heading", { level: 1, name: "Hello, Kit" })).toBeVisible();
});

test("data protection: the admin's page, the privacy notice everyone reads, and erasing a closed account", async ({ browser }) => {
  const stamp = Date.now();
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  await open(admin, "/admin/data");
  await expect(admin.getByRole("heading", { level: 1, name: "Data protection" })).toBeVisible();
  await expectAccessible(admin, "data protection");
  await expect(admin.getByLabel("Years to keep records after an account is closed")).toHaveValue("6");

  // The setting's own privacy notice, read by anyone in it from the footer.
  const notice = `Oakfield keeps training records for six years (${stamp}).`;
  await admin.getByLabel("Your setting's privacy notice").fill(`## How Oakfield uses Tandem\n${notice}\n\n- You can ask for a copy.`);
  await admin.getByRole("button", { name: "Save privacy notice" }).click();
  await expect(admin.getByLabel("Your setting's privacy notice")).toHaveValue(new RegExp(String(stamp)));
  await admin.getByRole("link", { name: "Privacy notice" }).click();
  await expect(admin.getByRole("heading", { level: 2, name: "How Oakfield uses Tandem" })).toBeVisible();
  await expect(admin.getByText(notice)).toBeVisible();
  await expect(admin.getByRole("listitem").filter({ hasText: "You can ask for a copy." })).toBeVisible();
  await expectAccessible(admin, "privacy notice");
  // Before signing in, Tandem's own notice (from the join page).
  const visitor = await newPage(browser);
  await open(visitor, "/join");
  await visitor.getByRole("link", { name: "privacy notice", exact: true }).click();
  await expect(visitor.getByRole("heading", { level: 2, name: "Your rights" })).toBeVisible();
  await expectAccessible(visitor, "privacy notice before sign-in");

  // A person who leaves and asks for erasure: joined with an invite, wrote, was closed.
  await open(admin, "/admin");
  await admin.getByRole("button", { name: "Create invite code" }).click();
  const code = (await admin.locator(".banner .invite-code").innerText()).trim();
  const leaver = await newPage(browser);
  const email = `leaver.${stamp}@oakfield.example`;
  await open(leaver, `/join?code=${code}`);
  await leaver.getByLabel("Your name").fill("Rowan Leaver");
  await leaver.getByLabel("Email address").fill(email);
  await leaver.getByLabel("School age").check();
  await leaver.getByLabel("Create a password").fill(DEMO_PASSWORD);
  await leaver.getByRole("button", { name: /Create/ }).click();
  await confirmEmail(leaver, email);
  await expect(leaver.getByRole("heading", { level: 1, name: "Hello, Rowan" })).toBeVisible();
  // Their own copy of everything first (subject access).
  await open(leaver, "/log");
  const download = leaver.waitForEvent("download");
  await leaver.getByRole("link", { name: "Download all my data (JSON)" }).click();
  const data = JSON.parse(await (await (await download).createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
  expect(data.account.email).toBe(email);
  expect(Array.isArray(data.audit_about_you)).toBe(true);

  await open(admin, "/admin");
  // Asked twice: the first tap says what it does.
  await expect(admin.getByRole("button", { name: "Deactivate Rowan Leaver" })).toBeHidden();
  const asked = admin.locator("details.confirm-action").filter({ hasText: "Rowan Leaver" });
  await asked.locator("summary").click();
  await expect(asked.getByText("They will no longer be able to sign in.")).toBeVisible();
  await expectAccessible(admin, "deactivating asked twice");
  await admin.getByRole("button", { name: "Deactivate Rowan Leaver" }).click();
  await expect(admin.getByRole("button", { name: "Reactivate Rowan Leaver" })).toBeVisible();
  await open(admin, "/admin/data");
  await admin.getByLabel("Person (deactivated accounts)").selectOption({ label: `Rowan Leaver (${email})` });
  await admin.getByRole("button", { name: "Erase records" }).click();
  await expect(admin.getByRole("alert")).toContainText("Tick the box to confirm");
  await admin.getByLabel("I understand that this person's records will be erased").check();
  await admin.getByRole("button", { name: "Erase records" }).click();
  await expect(admin.getByText("Records erased")).toBeVisible();
  await expect(admin.getByRole("region", { name: "What has been erased" })).toContainText("Erased on request by");
  await expect(admin.getByRole("region", { name: "What has been erased" })).not.toContainText("Rowan");
  await expectAccessible(admin, "data protection after an erasure");
  // The person is gone from the staff list and cannot sign in.
  await open(admin, "/admin");
  await expect(admin.locator("main")).not.toContainText("Rowan Leaver");
  const again = await newPage(browser);
  await open(again, "/sign-in");
  await again.getByLabel("Email address").fill(email);
  await again.getByLabel("Password").fill(DEMO_PASSWORD);
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.getByRole("alert")).toBeVisible();
});
