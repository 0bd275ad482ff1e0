import { defineConfig, devices } from "@playwright/test";

import { CLERK_STATE, baseURL } from "./tests/accounts";

// The server is started by `cargo leptos end-to-end`; global-setup waits for
// it and signs the archivist in.

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // One more try for a test that fails, on a busy two-core machine, where a
  // tap can come before a page has hydrated; `make e2e` ends by listing every
  // test that needed it, so a flaky test is seen and fixed, not hidden.
  retries: 1,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // The JSON report is what `failures.mjs` reads when the run fails.
  reporter: [["list"], ["json", { outputFile: "playwright-report/results.json" }]],
  use: {
    baseURL,
    storageState: CLERK_STATE,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    {
      name: "tablet-landscape",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, hasTouch: true },
    },
    {
      name: "tablet-portrait",
      use: { ...devices["Desktop Chrome"], viewport: { width: 800, height: 1280 }, hasTouch: true },
    },
  ],
});
