/**
 * Chromium side of the inspector figures: Debian's /usr/bin/chromium driven by Playwright.
 * The page records, with a MutationObserver installed before any app script runs, the
 * wall-clock time at which each ledger row (an element carrying `data-seq`) first enters
 * the DOM (placeholder rows excluded), so the bench can compare it with the time the record
 * was committed.
 */
import { chromium, type Browser, type Page } from '@playwright/test';

export const ROW_SELECTOR_ATTR = 'data-seq';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Installed before the app: `window.__rowSeen[seq] = epoch ms` when a row first appears. */
const OBSERVER_SCRIPT = `(() => {
  const seen = Object.create(null);
  window.__rowSeen = seen;
  // Wall-clock ms, like the bench's side: monotonic clocks of two processes are not comparable.
  const now = () => Date.now();
  const mark = (el) => {
    if (!(el instanceof Element)) return;
    // A placeholder row ("loading…") is not the record on screen yet: only real rows count.
    const stamp = (e) => { const s = e.getAttribute('${ROW_SELECTOR_ATTR}'); if (s !== null && !(s in seen) && !e.classList.contains('placeholder')) seen[s] = now(); };
    if (el.hasAttribute('${ROW_SELECTOR_ATTR}')) stamp(el);
    el.querySelectorAll('[${ROW_SELECTOR_ATTR}]').forEach(stamp);
  };
  new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.type === 'attributes') mark(m.target);
      else m.addedNodes.forEach(mark);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['${ROW_SELECTOR_ATTR}'] });
})();`;

export async function openObservedPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(OBSERVER_SCRIPT);
  return page;
}

/** Epoch ms at which each seq's row first appeared (only rows that were ever rendered). */
export async function rowsSeen(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => ({ ...((globalThis as unknown as { __rowSeen: Record<string, number> }).__rowSeen ?? {}) }));
}

/** Wall-clock epoch ms, comparable with the page's stamps. */
export function epochNow(): number {
  return Date.now();
}
