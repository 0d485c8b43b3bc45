// Every browser test runs with this `test`: it watches every page the test opens for errors
// of the page's code (a panic, a failed hydration, an island without its code) and fails
// the test if there were any, so "0 hydration errors in the console" is checked everywhere.
import { test as base, expect } from "@playwright/test";

const CODE_PROBLEM = /hydrat|island|panicked|RuntimeError|unreachable|wasm/i;
// Chromium's note that a preloaded file was not used within a few seconds of the load event
// is about timing, not code: a thread's address preloads its bundle, and the page says "not
// found" without islands to someone who may not see it; on a busy machine the test can stay
// on that page past Chromium's few seconds.
const NOT_A_PROBLEM = /was preloaded using link preload but not used within a few seconds/;

export const test = base.extend<{ codeProblems: string[] }>({
  codeProblems: [
    async ({ context }, use) => {
      const problems: string[] = [];
      const watch = (page: import("@playwright/test").Page) => {
        page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
        page.on("console", (message) => {
          if ((message.type() === "error" || message.type() === "warning") && CODE_PROBLEM.test(message.text()) && !NOT_A_PROBLEM.test(message.text())) {
            problems.push(`${page.url()}: ${message.text()}`);
          }
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      // Contexts a test makes itself (browser.newContext) are watched too.
      const browser = context.browser();
      const watchContext = (c: import("@playwright/test").BrowserContext) => {
        c.pages().forEach(watch);
        c.on("page", watch);
      };
      const original = browser?.newContext.bind(browser);
      if (browser && original) {
        browser.newContext = async (...args) => {
          const c = await original(...args);
          watchContext(c);
          return c;
        };
      }
      await use(problems);
      if (browser && original) browser.newContext = original;
      expect(problems, "errors from the page's code").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
