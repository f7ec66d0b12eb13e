/**
 * Builds what a RuntimeHost owns: workflows (built-ins + project modules), effect handlers
 * (llm_call, tool_calls, start_subworkflow), settings, optional signing, and the Runtime.
 */
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Clock, EffectHandlers, IdGenerator, WorkflowDefinition } from '../runtime/contracts';
import { createWorkflowRegistry, randomIds, Runtime, systemClock } from '../runtime/index';
import { processLeaseOwner } from '../store/processLeaseOwner';
import { isPostgresUrl } from '../store/postgres/pgUrl';
import { createLlmEffectHandler } from '../effects/llm/index';
import { createToolCallsEffectHandler, registerBuiltinTools, ToolRegistry } from '../effects/tools/index';
import { createSubworkflowEffectHandler } from '../effects/subworkflow/index';
import { WorkflowCatalog } from './workflowCatalog';
import { builtinWorkflows, registerExampleTools } from '../workflows/index';
import { EventBus } from './eventBus';
import { HostSettings } from './hostSettings';
import { hasArtifacts } from './artifactContent';
import type { HostParts, HostSigning, HostStore } from './hostParts';
import type { SettingsPatch } from './settingsFile';
import { loadWorkflowModules, mergeWorkflows } from './workflowLoader';
import { HandlerPool, type HandlerPoolOptions } from './handlerPool';

export interface HostCreateOptions {
  store: HostStore;
  clock?: Clock;
  ids?: IdGenerator;
  /** Identifies this host in run leases (two hosts on one database must differ). */
  leaseOwner?: string;
  leaseTtlMs?: number;
  /** A node handler's time limit (default 30 s; the run fails with HANDLER_TIMEOUT past it). */
  handlerTimeoutMs?: number;
  /** The worker threads that run project modules' node handlers. */
  handlerPool?: HandlerPoolOptions;
  dataDir?: string | null;
  dbPath?: string | null;
  /** `abstractruntime.project.json`; defaults to ABSTRACTRUNTIME_PROJECT. */
  projectFile?: string | null;
  settingsOverrides?: SettingsPatch;
  env?: NodeJS.ProcessEnv;
  /** Extra workflow definitions (tests, embedders), registered after the built-ins. */
  workflows?: WorkflowDefinition[];
  /** Folders the file tools may touch (default: the project folder and the OS temp folder; never the data folder or the database). */
  toolFolders?: string[];
  allowedHosts?: string[];
  /** Registers extra tools (tests, embedders) after the built-ins and the examples'. */
  registerTools?: (registry: ToolRegistry) => void;
  /** Signs record hashes when signing is enabled in settings (null: signing unavailable). */
  signing?: HostSigning | null;
  onClose?: () => void;
}

export type { HostSigning } from './hostParts';

export async function buildHostParts(opts: HostCreateOptions): Promise<HostParts> {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir ?? null;
  const projectFile =
    opts.projectFile !== undefined ? opts.projectFile : env.ABSTRACTRUNTIME_PROJECT ? resolve(env.ABSTRACTRUNTIME_PROJECT) : null;
  const modules = await loadWorkflowModules(projectFile);
  const merged = mergeWorkflows([...builtinWorkflows(), ...(opts.workflows ?? [])], modules);
  const errors = merged.errors;
  for (const e of errors) console.error(`[abstractruntime] workflow module ${e.file}: ${e.message}`);
  // Project modules' handlers run in worker threads (a busy loop cannot freeze the host),
  // unless the project asks for the host's thread; ours stay here.
  const moduleWorkflows = merged.workflows.some((w) => w.source === 'module');
  const handlerPool = moduleWorkflows && modules.handlers === 'threads' ? new HandlerPool(opts.handlerPool) : null;
  const workflows = merged.workflows.map((w) =>
    handlerPool && w.source === 'module' && w.file ? { ...w, definition: Object.freeze(handlerPool.isolate(w.definition, w.file)) } : w,
  );
  handlerPool?.warm();

  let signingOn = false;
  const defaultToolFolders = [projectFile ? dirname(projectFile) : null, tmpdir()].filter((f): f is string => !!f);
  const settings = new HostSettings({
    dataDir,
    env,
    defaultToolFolders,
    ...(opts.settingsOverrides ? { overrides: opts.settingsOverrides } : {}),
    signingPublicKey: () => opts.signing?.publicKey() ?? null,
    onSigningChange: (enabled) => {
      signingOn = enabled;
    },
  });
  signingOn = settings.signingEnabled();

  const registry = new ToolRegistry();
  const folders = opts.toolFolders ?? (() => settings.toolFolders());
  const forbiddenPaths = runtimeOwnPaths(dataDir, opts.dbPath ?? null);
  registerBuiltinTools(registry, { allowedFolders: folders, allowedHosts: opts.allowedHosts ?? [], forbiddenPaths });
  registerExampleTools(registry, { allowedFolders: folders, forbiddenPaths });
  opts.registerTools?.(registry);
  for (const register of modules.toolRegistrars as ((r: ToolRegistry) => void)[]) {
    try {
      register(registry);
    } catch (err) {
      console.error('[abstractruntime] registerTools failed:', (err as Error).message);
    }
  }

  const catalog = new WorkflowCatalog(workflows);
  const effects: EffectHandlers = {
    llm_call: createLlmEffectHandler(() => settings.llm()),
    tool_calls: createToolCallsEffectHandler(registry, { mode: () => settings.llm().mode }),
    // Decides which child to start; the host starts it after the parent's commit.
    start_subworkflow: createSubworkflowEffectHandler({ resolveWorkflow: (id, version) => catalog.require(id, version) }),
  };

  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  // Names this process, so a host restarted after a crash takes over its dead leases at once.
  const hostId = opts.leaseOwner ?? processLeaseOwner();
  const signer = opts.signing ? (hash: string) => (signingOn ? opts.signing!.sign(hash) : null) : undefined;
  const runtime = new Runtime({
    store: opts.store,
    snapshots: opts.store,
    workflows: createWorkflowRegistry(workflows.map((w) => w.definition)),
    effects,
    clock,
    ids,
    leaseOwner: hostId,
    ...(opts.leaseTtlMs ? { leaseTtlMs: opts.leaseTtlMs } : {}),
    ...(opts.handlerTimeoutMs ? { handlerTimeoutMs: opts.handlerTimeoutMs } : {}),
    ...(signer ? { signer: signer as (hash: string) => string } : {}),
    ...(hasArtifacts(opts.store) ? { artifacts: opts.store } : {}),
  });

  return {
    store: opts.store,
    runtime,
    clock,
    catalog,
    workflows,
    workflowErrors: errors,
    dataDir,
    dbPath: opts.dbPath ?? null,
    settings,
    signing: opts.signing ?? null,
    hostId,
    events: new EventBus(),
    handlerPool,
    ...(opts.onClose ? { onClose: opts.onClose } : {}),
  };
}

/** What no tool may touch: the data folder (settings, keys) and the database with its WAL, SHM and anchor files. */
export function runtimeOwnPaths(dataDir: string | null, dbPath: string | null): string[] {
  // A server database (postgres://) is no path on this machine.
  return [dataDir, dbPath].filter((p): p is string => !!p && !isPostgresUrl(p)).map((p) => resolve(p));
}
