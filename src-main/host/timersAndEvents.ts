/**
 * Timers and event ingress: fires due `wait_until` timers (actor scheduler) and delivers
 * emitted events to the runs waiting for them, each through the host's command pipeline,
 * in batches so memory stays bounded however many runs are due or waiting.
 */
import type { JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, RunState } from '../../src-shared/types';
import { makeActor } from '../runtime/actor';
import type { Clock } from '../runtime/contracts';
import type { Runtime } from '../runtime/index';
import type { EventLog } from './eventLog';
import type { HostStore } from './hostParts';
import { resumeOnce, type HostCommands } from './hostCommands';

/** Runs fired or delivered to at once: memory stays bounded however many are due. */
export const WORK_BATCH = 32;

export interface TimersAndEventsDeps {
  store: HostStore;
  runtime: Runtime;
  clock: Clock;
  hostId: string;
  eventLog: EventLog;
  commands: HostCommands;
}

export class TimersAndEvents {
  constructor(private readonly d: TimersAndEventsDeps) {}

  /** Fires every due wait_until once, then advances those runs, WORK_BATCH at a time. */
  async runDueTimers(): Promise<string[]> {
    const { store, clock } = this.d;
    const now = clock.now();
    const fired: string[] = [];
    for (let page = store.listDueTimers(now, { limit: WORK_BATCH }); page.length;) {
      await Promise.all(
        page.map(async (due) => {
          if (await this.fireTimer(due.run_id, due.waiting!.wait_key, now)) fired.push(due.run_id);
        }),
      );
      page = store.listDueTimers(now, { limit: WORK_BATCH, after: page[page.length - 1]! });
    }
    return fired;
  }

  /** Fires one run's timer if it is still that wait and due; true when this call fired it. */
  async fireTimer(runId: string, waitKey: string, now: Date): Promise<boolean> {
    const { store, runtime, hostId, commands } = this.d;
    let fired = false;
    await commands.command(
      runId,
      async () => {
        const state = store.getRun(runId);
        const wait = state?.waiting;
        if (!state || state.status !== 'waiting' || state.paused || wait?.reason !== 'until' || wait.wait_key !== waitKey) return false;
        if (!wait.until || Date.parse(wait.until) > now.getTime() || !commands.workflowFor(state)) return false;
        const actor = makeActor('scheduler', 'scheduler', { host: hostId });
        return (fired = await resumeOnce(runtime, store, runId, waitKey, { firedAt: now.toISOString() }, actor));
      },
      'advance',
    );
    return fired;
  }

  /** Resumes every run waiting for this event; none waiting is reported, not an error. */
  async emitEvent(name: string, payload: JsonValue = null): Promise<{ delivered: string[] }> {
    const { store, clock, hostId, eventLog } = this.d;
    const delivered: string[] = [];
    const actor = makeActor('user', 'event-ingress', { event: name, host: hostId });
    for (let page = store.listWaitingForEvent(name, { limit: WORK_BATCH }); page.length;) {
      await this.deliver(page, name, payload, actor, delivered);
      page = store.listWaitingForEvent(name, { limit: WORK_BATCH, after: page[page.length - 1]! });
    }
    delivered.sort();
    eventLog.record({ name, payload, at: clock.now().toISOString(), delivered });
    return { delivered };
  }

  recentEvents() {
    return this.d.eventLog.list();
  }

  private async deliver(page: RunState[], name: string, payload: JsonValue, actor: ActorFingerprint, delivered: string[]): Promise<void> {
    const { store, runtime, commands } = this.d;
    await Promise.all(
      page.map((run) =>
        commands.command(
          run.run_id,
          async () => {
            const state = store.getRun(run.run_id);
            const wait = state?.waiting;
            if (!state || state.status !== 'waiting' || wait?.reason !== 'event' || wait.event_name !== name || state.paused) return false;
            if (!commands.workflowFor(state) || !(await resumeOnce(runtime, store, run.run_id, wait.wait_key, payload, actor)))
              return false;
            delivered.push(run.run_id);
            return true;
          },
          'advance',
        ),
      ),
    );
  }
}
