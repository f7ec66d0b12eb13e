/**
 * Case 9 of issue #11: no anchor update is lost when two processes sign at once (the
 * anchor file's read-modify-write holds a lock), and an unreadable anchor file is reported
 * but never stops the database from opening, reading or verifying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anchorPathFor } from '../../src-main/ledger/index';
import { readAnchors } from '../../src-main/ledger/anchors';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { ROOT, runCli } from '../reliability/support/processes';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-anchors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writer(path: string, prefix: string, count: number, startAt: number): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'tests/security/support/anchorWriter.ts'),
      path,
      prefix,
      String(count),
      String(startAt),
      join(dir, `keys-${prefix}`),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('anchors with many hosts', () => {
  it('two processes anchoring at the same moment lose no head', async () => {
    const path = join(dir, 'race.db.anchors.json');
    const count = 150;
    const startAt = Date.now() + 3000;
    const codes = await Promise.all([writer(path, 'a', count, startAt), writer(path, 'b', count, startAt)]);
    expect(codes).toEqual([0, 0]);
    const heads = readAnchors(path);
    const missing = [...Array(count).keys()].flatMap((i) => [`a-${i}`, `b-${i}`]).filter((id) => !heads[id]);
    expect(missing).toEqual([]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 60_000);

  it('an unreadable anchor file is reported but the database opens, reads and verifies', async () => {
    const db = join(dir, 'broken.db');
    const data = join(dir, 'data');
    let runId: string;
    {
      const host = await RuntimeHost.open({ dbPath: db, dataDir: data, env: {}, projectFile: null });
      await createApiHandlers(host).setSettings({ signing: { enabled: true } });
      runId = (await host.startRun('examples.counter', { n: 2 })).run_id;
      await host.close();
    }
    writeFileSync(anchorPathFor(db), 'garbage appended by someone\n');
    const host = await RuntimeHost.open({ dbPath: db, dataDir: data, env: {}, projectFile: null });
    try {
      const api = createApiHandlers(host);
      const info = await api.getInfo({});
      expect(info.integrityProblems?.[0]?.message).toMatch(/anchor file .* is unreadable/);
      expect((await api.listRuns({})).total).toBe(1);
      const report = await api.verifyRun({ runId });
      expect(report.valid).toBe(true);
      expect(report.message).toMatch(/not checked against the anchor file/);
    } finally {
      await host.close();
    }
    const cli = await runCli(['--db', db, 'verify', runId], { ABSTRACTRUNTIME_HOME: data });
    expect(cli.code).toBe(0);
    expect(cli.stdout + cli.stderr).toMatch(/unreadable/);
    // Kept for inspection, not overwritten.
    expect(readFileSync(anchorPathFor(db), 'utf8')).toBe('garbage appended by someone\n');
  }, 60_000);
});
