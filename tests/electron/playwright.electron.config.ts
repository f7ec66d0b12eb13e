import { defineConfig } from '@playwright/test';

/** The desktop app end to end (`npm run test:electron`): needs the Electron binary; skips without it. */
export default defineConfig({
  testDir: '.',
  testMatch: 'desktop.e2e.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
});
