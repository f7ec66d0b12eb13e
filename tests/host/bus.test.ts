import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src-main/host/eventBus';
import { RunQueues } from '../../src-main/host/runQueues';

describe('EventBus', () => {
  it('delivers to listeners until they unsubscribe; a throwing listener does not stop the others', () => {
    const bus = new EventBus();
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: string[] = [];
    const offBad = bus.on('attentionNeeded', () => {
      throw new Error('listener bug');
    });
    const off = bus.on('attentionNeeded', (d) => got.push(d.runId));
    bus.emit('attentionNeeded', { runId: 'r1', workflowId: 'w', reason: 'user', prompt: null });
    off();
    offBad();
    bus.emit('attentionNeeded', { runId: 'r2', workflowId: 'w', reason: 'user', prompt: null });
    expect(got).toEqual(['r1']);
    expect(err).toHaveBeenCalledTimes(1);
    expect(bus.listenerCount('attentionNeeded')).toBe(0);
    err.mockRestore();
  });
});

describe('RunQueues', () => {
  it('runs work for one run in order, other runs concurrently, and reports idle', async () => {
    const q = new RunQueues();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = q.run('a', async () => {
      await gate;
      order.push('a1');
    });
    const a2 = q.run('a', () => order.push('a2'));
    const b1 = q.run('b', () => order.push('b1'));
    await b1;
    expect(order).toEqual(['b1']);
    let idle = false;
    const whenIdle = q.whenIdle().then(() => (idle = true));
    release();
    await Promise.all([a1, a2, whenIdle]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(idle).toBe(true);
  });

  it('a failing job rejects its caller but does not block the next one', async () => {
    const q = new RunQueues();
    await expect(q.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(q.run('a', () => 42)).resolves.toBe(42);
    await q.whenIdle();
  });
});
