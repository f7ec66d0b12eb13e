import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { makeBigArtifactRun, makeHome, startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('audit: open an exported bundle, verify it offline, browse it', async ({ page }) => {
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 3}');
  const file = join(host.home, 'counter.bundle.json');
  host.cli('export', run.run_id, '-o', file);
  await page.goto(`${host.url}/#/audit`);
  await page.getByLabel('Bundle file').setInputFiles(file);
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid');
  await page.getByRole('button', { name: /#0/ }).click();
  await expect(page.getByText('record_hash')).toBeVisible();
  await screenshot(page, 'audit-bundle');

  const bundle = JSON.parse(readFileSync(file, 'utf8')) as { records: { body: string }[] };
  bundle.records[2]!.body = bundle.records[2]!.body.replace(/"started_at":"[^"]+"/, '"started_at":"2000-01-01T00:00:00.000Z"');
  await page
    .getByLabel('Bundle file')
    .setInputFiles({ name: 'tampered.bundle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain broken at seq 2');
});

test('audit: a 100 MB bundle opens and verifies (streamed to the host, not posted whole)', async ({ page }) => {
  // Two 100 MB files cross into Chromium and up to the host: more than the default minute on a loaded machine.
  test.setTimeout(240_000);
  // A genuine export: the run's start vars hold a 78 MB note, stored as an artifact its first record references.
  const { runId } = makeBigArtifactRun(host.dbPath, 78);
  const big = join(host.home, 'big.bundle.json');
  host.cli('export', runId, '-o', big);
  const bundle = JSON.parse(readFileSync(big, 'utf8')) as { artifacts: { base64: string }[] };
  expect(statSync(big).size).toBeGreaterThan(100 * 1024 * 1024);

  await page.goto(`${host.url}/#/audit`);
  await page.getByLabel('Bundle file').setInputFiles(big);
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid', { timeout: 60_000 });

  // The same bundle with one byte of the artifact changed is verified from the stream too, and refused.
  const last = bundle.artifacts[bundle.artifacts.length - 1]!;
  last.base64 = (last.base64[0] === 'A' ? 'B' : 'A') + last.base64.slice(1);
  const changed = join(host.home, 'big-changed.bundle.json');
  writeFileSync(changed, JSON.stringify(bundle));
  await page.getByLabel('Bundle file').setInputFiles(changed);
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('does not match its content', { timeout: 60_000 });
});

test('settings: LLM mode, endpoint, model, write-only key, signing', async ({ page }) => {
  await page.goto(`${host.url}/#/settings`);
  await page.getByLabel('LLM mode').selectOption('remote');
  await page.getByLabel('Endpoint').fill('http://127.0.0.1:9/v1');
  await page.getByLabel('Model').fill('test-model');
  await page.getByLabel('API key').fill('sk-secret-e2e');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved')).toBeVisible();
  await expect(page.getByLabel('API key')).toHaveValue('');
  await expect(page.getByLabel('API key')).toHaveAttribute('placeholder', /set/);
  const settings = await host.api<{ llm: Record<string, unknown> }>('getSettings');
  expect(JSON.stringify(settings)).not.toContain('sk-secret-e2e');
  expect(settings.llm).toMatchObject({ mode: 'remote', model: 'test-model', apiKeySet: true });
  await screenshot(page, 'settings');
});

test('an unreadable anchor file is shown as a banner, and the runs still open', async ({ page }) => {
  const dirs = makeHome();
  writeFileSync(`${dirs.dbPath}.anchors.json`, '{ this is not JSON');
  const broken = await startWebHost(dirs);
  try {
    await page.goto(`${broken.url}/#/runs`);
    const banner = page.getByRole('alert', { name: 'Integrity problems' });
    await expect(banner).toContainText('anchor file:');
    await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
    await screenshot(page, 'integrity-banner');
  } finally {
    await broken.stop();
  }
});
