/**
 * Bookmarks of a run's state: taking one (a `snapshot` record in the run's ledger), finding
 * and reading them, rolling a run back to one (a `restored` record, waits re-armed, then it
 * advances) and forking a new run from one. Each change goes through the command pipeline.
 */
import type { JsonObject } from '../../src-shared/json';
import { RunNotResumableError, SnapshotNotFoundError } from '../../src-shared/errors';
import type { ActorFingerprint, RunState, Snapshot, SnapshotSummary } from '../../src-shared/types';
import type { SnapshotQuery } from '../runtime/contracts';
import type { Runtime } from '../runtime/index';
import type { ChildRunner } from './childRunner';
import type { HostCommands } from './hostCommands';
import type { HostStore } from './hostParts';
import type { RunPublisher } from './publisher';

export interface SnapshotCommandsDeps {
  store: HostStore;
  runtime: Runtime;
  publisher: RunPublisher;
  children: ChildRunner;
  commands: HostCommands;
  userActor: ActorFingerprint;
  /** A run that exists and can be resumed here (else RunNotFoundError / RunNotResumableError). */
  writableRun(runId: string): RunState;
  getRun(runId: string): RunState;
}

export class SnapshotCommands {
  constructor(private readonly d: SnapshotCommandsDeps) {}

  async create(runId: string, opts: { name: string; description?: string; tags?: string[] }): Promise<SnapshotSummary> {
    const { runtime, commands, userActor } = this.d;
    this.d.getRun(runId);
    let snap!: Snapshot;
    await commands.command(runId, async () => (snap = await runtime.createSnapshot(runId, opts, userActor)), 'none');
    const { state: _state, ...summary } = snap;
    return summary;
  }

  search(query: SnapshotQuery): SnapshotSummary[] {
    return this.d.store.searchSnapshots(query);
  }

  get(snapshotId: string): Snapshot {
    const snap = this.d.store.getSnapshot(snapshotId);
    if (!snap) throw new SnapshotNotFoundError(`snapshot ${snapshotId} does not exist`, { snapshotId });
    return snap;
  }

  /** The run's state becomes the snapshot's (a `restored` record; waits re-armed), then it advances. */
  async restore(snapshotId: string): Promise<RunState> {
    const { runtime, commands, userActor, children } = this.d;
    const snap = this.get(snapshotId);
    this.d.writableRun(snap.run_id);
    const restored = await commands.command(snap.run_id, () => runtime.restore(snap.run_id, snap, userActor), 'advance');
    await children.settleAfterRestore(restored);
    return this.d.getRun(snap.run_id);
  }

  /** A new run from a snapshot (optionally with edited vars, recorded with the user as actor). */
  async fork(snapshotId: string, vars?: JsonObject): Promise<RunState> {
    const { runtime, publisher, commands, userActor } = this.d;
    const snap = this.get(snapshotId);
    const reason = runtime.notResumableReason(snap.state);
    if (reason) throw new RunNotResumableError(reason, { runId: snap.run_id });
    const forked = await runtime.fork(snap, { ...(vars ? { vars } : {}), actor: userActor });
    publisher.markNew(forked.run_id);
    publisher.publish(forked.run_id);
    return commands.advance(forked.run_id);
  }
}
