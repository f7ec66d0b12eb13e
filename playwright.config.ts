import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the inspector in Debian's Chromium against the web host.
 * `npx playwright install` cannot download browsers here: we always use /usr/bin/chromium
 * (override with CHROMIUM_PATH).
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // The tests spawn bin/abstractruntime.mjs: build its bundle from the sources under test first.
  globalSetup: './tests/globalSetup.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1400, height: 900 },
  },
});
