/**
 * Step mode and breakpoints kept in a file that every process on the database reads: a change
 * made by one process is honoured by another from its next turn, a write never drops another
 * process's change, and an ended run's prefs are forgotten (step mode and breakpoints both).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DebugPrefs } from '../../src-main/host/debugPrefs';

const nextTurn = () => new Promise((res) => setImmediate(res));
const dirs: string[] = [];
function prefsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'art-prefs-'));
  dirs.push(dir);
  return join(dir, 'debug-prefs.json');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('DebugPrefs shared through its file', () => {
  it("another process's step mode and breakpoints are honoured from the next turn", async () => {
    const file = prefsFile();
    const worker = new DebugPrefs(file);
    const inspector = new DebugPrefs(file);
    expect(worker.stepMode('r1')).toBe(false);
    inspector.setStepMode('r1', true);
    inspector.setBreakpoints('r2', ['n3', 'n3', 'n4']);
    await nextTurn();
    expect(worker.stepMode('r1')).toBe(true);
    expect(worker.breakpoints('r2')).toEqual(['n3', 'n4']);
    inspector.setStepMode('r1', false);
    await nextTurn();
    expect(worker.stepMode('r1')).toBe(false);
  });

  it('a write reads the file first, in the same turn as a read: it keeps what another process wrote since', () => {
    const file = prefsFile();
    const a = new DebugPrefs(file);
    const b = new DebugPrefs(file);
    expect(a.stepMode('r1')).toBe(false);
    b.setStepMode('r1', true);
    a.setBreakpoints('r2', ['n1']);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { stepMode: string[]; breakpoints: Record<string, string[]> };
    expect(stored.stepMode).toEqual(['r1']);
    expect(stored.breakpoints).toEqual({ r2: ['n1'] });
  });

  it("forgetting an ended run drops its step mode and its breakpoints, and leaves the others' alone", async () => {
    const file = prefsFile();
    const prefs = new DebugPrefs(file);
    prefs.setStepMode('ended', true);
    prefs.setBreakpoints('ended', ['n2']);
    prefs.setBreakpoints('other', ['n5']);
    prefs.forget('ended');
    await nextTurn();
    const reread = new DebugPrefs(file);
    expect(reread.stepMode('ended')).toBe(false);
    expect(reread.breakpoints('ended')).toEqual([]);
    expect(reread.breakpoints('other')).toEqual(['n5']);
  });
});
