import { defineConfig } from "@playwright/test";
import path from "node:path";

// The suite drives the real release server in Debian's Chromium. `scripts/e2e.sh` (run by
// `make test`) starts the server on a fresh database with demo data; with
// TANDEM_E2E_URL set (for example by `cargo leptos end-to-end`) it uses that server instead.
const port = process.env.TANDEM_E2E_PORT ?? "3100";
const baseURL = process.env.TANDEM_E2E_URL ?? `http://127.0.0.1:${port}`;
const serverCommand = process.env.TANDEM_E2E_SERVER;
// Where this run writes (scripts/e2e.sh): its database, mail and traces.
const dir = process.env.TANDEM_E2E_DIR ?? "target/e2e";
// The mail server the Tandem server sends to (scripts/e2e.sh points TANDEM_SMTP_URL at it).
const mailPort = Number(process.env.TANDEM_E2E_MAIL_PORT ?? Number(port) + 300);

export default defineConfig({
  testDir: "./tests",
  outputDir: path.resolve(__dirname, "..", dir, "test-results"),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: serverCommand
    ? [
        {
          command: `node end2end/mail/sink.mjs ${mailPort} ${dir}/mail`,
          cwd: path.resolve(__dirname, ".."),
          port: mailPort,
          timeout: 20_000,
          reuseExistingServer: false,
        },
        {
          command: serverCommand,
          cwd: path.resolve(__dirname, ".."),
          url: `${baseURL}/healthz`,
          timeout: 60_000,
          reuseExistingServer: false,
          stdout: "ignore",
          stderr: "pipe",
        },
      ]
    : undefined,
});
