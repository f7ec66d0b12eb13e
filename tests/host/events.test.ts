import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryHost, tempDir } from './hostFixture';

describe('event ingress', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));

  it('resumes every run waiting for the event name, with the payload, and only those', async () => {
    const { host } = await memoryHost();
    const a = await host.startRun('examples.event');
    const b = await host.startRun('examples.event', { eventName: 'approved' });
    const other = await host.startRun('examples.event', { eventName: 'shipped' });
    const { delivered } = await host.emitEvent('approved', { by: 'alice' });
    expect(delivered).toEqual([a.run_id, b.run_id].sort());
    for (const id of delivered) expect(host.getRun(id)).toMatchObject({ status: 'completed', output: { event: { by: 'alice' } } });
    expect(host.getRun(other.run_id).status).toBe('waiting');
  });

  it('an event nobody waits for is recorded and reported as delivered to none', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const { host } = await memoryHost({ dataDir: t.dir });
    expect(await host.emitEvent('nobody-listens', { x: 1 })).toEqual({ delivered: [] });
    expect(host.recentEvents()).toMatchObject([{ name: 'nobody-listens', payload: { x: 1 }, delivered: [] }]);
    const file = join(t.dir, 'events.jsonl');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toMatchObject({ name: 'nobody-listens', delivered: [] });
  });

  it('delivering the same event twice resumes a run once', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.event', { eventName: 'go' });
    const [first, second] = await Promise.all([host.emitEvent('go', 1), host.emitEvent('go', 2)]);
    expect([...first.delivered, ...second.delivered]).toEqual([run.run_id]);
    expect(host.getRun(run.run_id).status).toBe('completed');
  });

  it('a paused run does not receive the event', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.event', { eventName: 'go' });
    await host.pauseRun(run.run_id);
    expect(await host.emitEvent('go')).toEqual({ delivered: [] });
    expect(host.getRun(run.run_id).status).toBe('waiting');
  });
});
