import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src-main/host/eventBus';
import { RunActivity } from '../../src-main/host/runActivity';

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

describe('RunActivity', () => {
  it('tracks work per run without ordering it (the kernel queues the operations of a run), and reports idle', async () => {
    const activity = new RunActivity();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = activity.track('a', async () => {
      await gate;
      order.push('a1');
    });
    const a2 = activity.track('a', () => order.push('a2'));
    await a2;
    // Not behind a1: ordering a run's operations is the kernel's job (runtime/runLocks.ts).
    expect(order).toEqual(['a2']);
    expect(activity.busy('a')).toBe(true);
    expect(activity.busy('b')).toBe(false);
    let idle = false;
    const whenIdle = activity.whenIdle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    release();
    await Promise.all([a1, whenIdle]);
    expect(order).toEqual(['a2', 'a1']);
    expect(idle).toBe(true);
    expect(activity.busy('a')).toBe(false);
  });

  it('a failing job rejects its caller and stops counting as work', async () => {
    const activity = new RunActivity();
    await expect(activity.track('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(activity.busy('a')).toBe(false);
    await expect(activity.track('a', () => 42)).resolves.toBe(42);
    await activity.whenIdle();
  });
});
