/** Shared setup for host tests: a host over a MemoryStore with a fake clock, plus an event recorder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEventName, ApiEvents } from '../../src-shared/api';
import { RuntimeHost, type HostCreateOptions } from '../../src-main/host/RuntimeHost';
import { FakeClock } from '../../src-main/runtime/index';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';

export const START = '2026-03-01T09:00:00.000Z';

export async function memoryHost(opts: Partial<HostCreateOptions> = {}) {
  const clock = (opts.clock as FakeClock | undefined) ?? new FakeClock(START);
  const store = (opts.store as MemoryStore | undefined) ?? new MemoryStore();
  const host = await RuntimeHost.create({ env: {}, projectFile: null, ...opts, store, clock });
  return { host, clock, store };
}

export function tempDir(prefix = 'ar-host-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function recordEvents(host: RuntimeHost) {
  const seen: { [E in ApiEventName]: ApiEvents[E][] } = { runUpdated: [], ledgerAppended: [], attentionNeeded: [], runsChanged: [] };
  const offs = (Object.keys(seen) as ApiEventName[]).map((name) => host.events.on(name, (d) => (seen[name] as unknown[]).push(d)));
  return { seen, stop: () => offs.forEach((off) => off()) };
}

export function ledgerOf(host: RuntimeHost, runId: string) {
  return [...host.store.iterateLedger(runId)];
}
