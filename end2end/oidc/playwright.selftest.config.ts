import { defineConfig } from "@playwright/test";
import mainConfig from "../playwright.config";

// Self-test of the test OIDC provider (end2end/oidc/provider.mjs), kept out of the main suite:
//   npx playwright test --config end2end/oidc/playwright.selftest.config.ts
// Same browser and launch options as the main suite; no Tandem server needed.
export default defineConfig({
  testDir: ".",
  testMatch: "*.selftest.spec.ts",
  outputDir: "../test-results/oidc-selftest",
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: { launchOptions: mainConfig.use?.launchOptions },
});
