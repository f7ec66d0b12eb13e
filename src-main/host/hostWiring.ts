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
import { createSubworkflowEffectHandler, type StartChildRequest } from '../effects/subworkflow/index';
import { builtinWorkflows, registerExampleTools } from '../workflows/index';
import { EventBus } from './eventBus';
import { HostSettings } from './hostSettings';
import { hasArtifacts } from './artifactContent';
import type { HostParts, HostSigning, HostStore } from './hostParts';
import type { SettingsPatch } from './settingsFile';
import { loadWorkflowModules, mergeWorkflows } from './workflowLoader';

export interface HostCreateOptions {
  store: HostStore;
  clock?: Clock;
  ids?: IdGenerator;
  /** Identifies this host in run leases (two hosts on one database must differ). */
  leaseOwner?: string;
  leaseTtlMs?: number;
  /** A node handler's time limit (default 30 s; the run fails with HANDLER_TIMEOUT past it). */
  handlerTimeoutMs?: number;
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

export interface HostDeps {
  /** Called once the host exists: the subworkflow handler needs it to start children. */
  bindStartChild(fn: (req: StartChildRequest) => Promise<string>): void;
}

export async function buildHostParts(opts: HostCreateOptions): Promise<{ parts: HostParts; deps: HostDeps }> {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir ?? null;
  const projectFile =
    opts.projectFile !== undefined ? opts.projectFile : env.ABSTRACTRUNTIME_PROJECT ? resolve(env.ABSTRACTRUNTIME_PROJECT) : null;
  const modules = await loadWorkflowModules(projectFile);
  const { workflows, errors } = mergeWorkflows([...builtinWorkflows(), ...(opts.workflows ?? [])], modules);
  for (const e of errors) console.error(`[abstractruntime] workflow module ${e.file}: ${e.message}`);

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

  let startChild: ((req: StartChildRequest) => Promise<string>) | null = null;
  const effects: EffectHandlers = {
    llm_call: createLlmEffectHandler(() => settings.llm()),
    tool_calls: createToolCallsEffectHandler(registry, { mode: () => settings.llm().mode }),
    start_subworkflow: createSubworkflowEffectHandler({
      startChild: (req) => {
        if (!startChild) throw new Error('the host is not ready to start child runs');
        return startChild(req);
      },
    }),
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
    parts: {
      store: opts.store,
      runtime,
      clock,
      workflows,
      workflowErrors: errors,
      dataDir,
      dbPath: opts.dbPath ?? null,
      settings,
      signing: opts.signing ?? null,
      hostId,
      events: new EventBus(),
      ...(opts.onClose ? { onClose: opts.onClose } : {}),
    },
    deps: {
      bindStartChild(fn) {
        startChild = fn;
      },
    },
  };
}

/** What no tool may touch: the data folder (settings, keys) and the database with its WAL, SHM and anchor files. */
export function runtimeOwnPaths(dataDir: string | null, dbPath: string | null): string[] {
  // A server database (postgres://) is no path on this machine.
  return [dataDir, dbPath].filter((p): p is string => !!p && !isPostgresUrl(p)).map((p) => resolve(p));
}
