/**
 * What a RuntimeHost is made of: the store it drives and the parts hostWiring builds. Kept
 * apart from both so neither imports the other (no RuntimeHost <-> hostWiring cycle).
 */
import type { ActorFingerprint } from '../../src-shared/types';
import type { ChangeFeedStore, Clock, RuntimeStore, SnapshotStore, WorkQueueStore } from '../runtime/contracts';
import type { Runtime } from '../runtime/index';
import type { EventBus } from './eventBus';
import type { HandlerPool } from './handlerPool';
import type { HostSettingsAccess } from './hostSettings';
import type { LoadedWorkflow, WorkflowLoadError } from './workflowLoader';
import type { WorkflowCatalog } from './workflowCatalog';

export type HostStore = RuntimeStore & SnapshotStore & WorkQueueStore & ChangeFeedStore & { close?(): void };

export interface HostParts {
  store: HostStore;
  runtime: Runtime;
  clock: Clock;
  /** The workflows registered here (the subworkflow handler and the host look them up in the same one). */
  catalog: WorkflowCatalog;
  workflows: LoadedWorkflow[];
  workflowErrors: WorkflowLoadError[];
  dataDir: string | null;
  dbPath: string | null;
  settings: HostSettingsAccess | null;
  hostId: string;
  signing: HostSigning | null;
  events: EventBus;
  /** Runs project modules' node handlers in worker threads (null: no project modules). */
  handlerPool: HandlerPool | null;
  userActor?: ActorFingerprint;
  onClose?: () => void;
}

export interface HostSigning {
  sign(recordHash: string): string;
  publicKey(): string;
  /** Signs the run's head and writes it to the store and the anchor file. */
  anchor(runId: string): void;
  /** The anchor file verify reads (null: none). */
  anchorPath: string | null;
}
