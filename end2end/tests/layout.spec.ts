import { test, expect } from "./fixtures";
import { type Page } from "@playwright/test";
import { ADMIN, SENCO, SAM, open, signIn, expectAccessible } from "./helpers";

// A working day on a tablet and a phone (issue 28): room to read, targets big enough to
// tap, nothing off the side of the screen.
const SCREENS = [
  { name: "phone", width: 390, height: 844 },
  { name: "tablet", width: 768, height: 1024 },
];
/** The pages someone signed out sees (getting back in). */
const SIGNED_OUT = "signed out";
const PAGES: Record<string, string[]> = {
  [SIGNED_OUT]: ["/sign-in", "/forgot-password", "/reset-password?token=not-a-real-link"],
  [SENCO]: ["/", "/log", "/review", "/staff", "/community", "/community/sessions", "/modules/m1/reflection", "/plan", "/plan/proposals"],
  [ADMIN]: ["/admin", "/admin/import", "/admin/data"],
  [SAM]: ["/community/p/demo-post-000", "/community/new?kind=question", "/profile", "/plan"],
};

/** The controls a person taps (links inside running text are exempt, as WCAG 2.5.8 says),
 *  each with its size; a box's label row is its target. */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const controls = [
      ".site-header a", ".site-header button", "#sync-status button", ".breadcrumbs a", ".pager a",
      ".pager-list a", ".space-tabs a", ".action-links a", ".table a",
      "main button", "main summary", "main select", "main textarea",
      "main input:not([type=checkbox]):not([type=radio]):not([type=hidden])",
      ".checkbox label", ".radio label",
    ].join(", ");
    return [...document.querySelectorAll(controls)]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ el, r }) => r.width > 0 && r.height > 0 && !el.closest(".sr-only, thead"))
      .filter(({ r }) => r.height < 43.5 || r.width < 43.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  });
}

for (const screen of SCREENS) {
  test(`on a ${screen.name} every page fits, starts near the top and has targets of 44 px`, async ({ browser }) => {
    for (const [person, paths] of Object.entries(PAGES)) {
      const context = await browser.newContext({ viewport: screen });
      const page = await context.newPage();
      if (person !== SIGNED_OUT) await signIn(page, person);
      for (const path of paths) {
        await open(page, path);
        const where = `${path} at ${screen.width}px`;
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${where}: sideways scrolling`).toBeLessThanOrEqual(0);
        // The header and the sync bar leave the screen to the page (they took 205-270 px).
        const top = await page.getByRole("heading", { level: 1 }).evaluate((h) => h.getBoundingClientRect().top);
        expect(top, `${where}: where the title starts`).toBeLessThan(path.startsWith("/modules/") ? 260 : 200);
        expect(await smallTargets(page), `${where}: targets under 44 px`).toEqual([]);
        // A tick box's label sits beside it, however long (it dropped below the box).
        for (const row of await page.locator(".checkbox").all()) {
          const [box, label] = await row.evaluate((r) => [r.querySelector("input")!, r.querySelector("label")!].map((e) => {
            const b = e.getBoundingClientRect();
            return { right: b.right, left: b.left, top: b.top, bottom: b.bottom };
          }));
          expect(label.left, `${where}: a tick box's label`).toBeGreaterThan(box.right);
          expect(label.top, `${where}: a tick box's label`).toBeLessThan(box.bottom);
        }
        // A box to write in is as wide as the column it is in.
        for (const box of await page.locator("main textarea").all()) {
          const [own, column] = await box.evaluate((t) => [t.getBoundingClientRect().width, t.parentElement!.getBoundingClientRect().width]);
          expect(own, `${where}: a text box's width`).toBeGreaterThanOrEqual(column - 1);
        }
      }
      await context.close();
    }
  });
}

test("on a phone the navigation folds behind a menu button that works by keyboard", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, SENCO);
  const main = page.getByRole("navigation", { name: "Main" });
  const menu = page.getByRole("button", { name: /^Menu/ });
  await expect(main).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(main.getByRole("link", { name: "Review queue" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expectAccessible(page, "the open menu on a phone");
  await page.keyboard.press("Tab");
  await expect(main.getByRole("link", { name: "Home" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(main).toBeHidden();
  await expect(menu).toBeFocused();
  // Open again and follow a link: the next page starts with the menu folded.
  await menu.click();
  await main.getByRole("link", { name: "Staff progress" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff progress" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await context.close();
});

test("on a phone the staff table is a card per person, and can still be put in order", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, SENCO);
  await open(page, "/staff");
  // Only those taking part are counted: the setting's admin, who has not begun, is not.
  await expect(page.getByText(/taking part\./)).toBeVisible();
  await expect(page.getByRole("link", { name: "Alex Morgan" })).toHaveCount(0);
  const sam = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Sam Taylor" }) });
  // The column headers are out of sight: each cell names itself.
  await expect(page.getByRole("columnheader", { name: /CPD time/ })).not.toBeInViewport();
  const says = await sam.locator('td[data-label="Sections complete"]').evaluate((td) => getComputedStyle(td, "::before").content);
  expect(says).toContain("Sections complete");
  await expect(sam).toContainText("M1");
  await page.getByLabel("Order").selectOption({ label: "Most CPD time" });
  await page.getByRole("button", { name: "Show staff" }).click();
  await expect(page).toHaveURL(/sort=cpd/);
  await expect(page.getByLabel("Order")).toHaveValue("cpd");
  await expectAccessible(page, "the staff page on a phone");
  await context.close();
});

test("an admin's own row offers no way to lock themselves out", async ({ page }) => {
  await signIn(page, ADMIN);
  await open(page, "/admin");
  const own = page.getByRole("row").filter({ hasText: "admin@oakfield.example" });
  await expect(own).toContainText("this is you");
  await expect(own.getByText("Deactivate…")).toHaveCount(0);
  await expect(own.getByRole("combobox")).toHaveCount(0);
  const other = page.getByRole("row").filter({ hasText: "sam@oakfield.example" });
  await expect(other.getByText("Deactivate…")).toBeVisible();
});
