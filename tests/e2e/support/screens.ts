/**
 * Screenshots of the real UI. `npm run screenshots` (UPDATE_SCREENSHOTS=1) writes them to
 * docs/screenshots, where the README shows them; ordinary test runs write them under
 * test-results/screenshots, so `npm test` never dirties the docs.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const DIR = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../../docs/screenshots/' : '../../../test-results/screenshots/', import.meta.url),
);

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}${name}.png` });
}
