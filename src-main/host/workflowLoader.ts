/**
 * Loads workflows: the built-ins plus user modules (`.ts`/`.js`) listed in a project file
 * (`abstractruntime.project.json`: `{"workflows": ["./flows/my.ts"]}`, optionally
 * `"handlers": "threads" | "host"`, see HandlerPlacement). A module exports
 * `default` or `workflows` (a workflow or an array of them, made with defineWorkflow or plain
 * specs) and optionally `registerTools(registry)`. A broken module is reported with its file
 * and cause; the other workflows still load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { WorkflowDefinition, WorkflowSpec } from '../runtime/contracts';
import { defineWorkflow } from '../runtime/index';

export interface WorkflowLoadError {
  file: string;
  message: string;
}

export interface LoadedWorkflow {
  definition: WorkflowDefinition;
  source: 'builtin' | 'module';
  file: string | null;
}

/**
 * Where the node handlers of a project's modules run. `threads` (the default): in worker
 * threads, so a handler that busy-loops cannot freeze the host and is stopped at the time
 * limit. `host`: in the host's thread, as the built-in workflows' do: no thread hop per
 * step (about half the time of a run of pure steps on PostgreSQL), for modules the user
 * trusts not to loop; an async handler that never settles still times out.
 */
const HANDLER_PLACEMENTS = ['threads', 'host'] as const;
export type HandlerPlacement = (typeof HANDLER_PLACEMENTS)[number];

/** The project file, checked where it comes in; other keys are left for other tools. */
const WORKFLOWS_ERROR = '"workflows" must be an array of module paths';
const ProjectFileSchema = z.looseObject(
  {
    workflows: z.array(z.string({ error: WORKFLOWS_ERROR }), { error: WORKFLOWS_ERROR }),
    handlers: z
      .enum(HANDLER_PLACEMENTS, {
        error: (iss) =>
          `"handlers" must be "threads" (the default: each node handler in a worker thread) or "host" (in the host's thread: faster, but a handler that busy-loops freezes the host), not ${JSON.stringify(iss.input)}`,
      })
      .default('threads'),
  },
  { error: 'the project file must be a JSON object: {"workflows": ["./flows/my.ts"]}' },
);

export interface LoadedModules {
  workflows: LoadedWorkflow[];
  handlers: HandlerPlacement;
  /** `registerTools` exports, to be called with the host's tool registry. */
  toolRegistrars: ((registry: unknown) => void)[];
  errors: WorkflowLoadError[];
}

export interface ProjectFile {
  files: string[];
  handlers: HandlerPlacement;
  errors: WorkflowLoadError[];
}

export function readProjectFile(projectFile: string): ProjectFile {
  const refused = (message: string): ProjectFile => ({ files: [], handlers: 'threads', errors: [{ file: projectFile, message }] });
  if (!existsSync(projectFile)) return refused('project file not found');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(projectFile, 'utf8'));
  } catch (err) {
    return refused(`not valid JSON: ${(err as Error).message}`);
  }
  const checked = ProjectFileSchema.safeParse(parsed);
  if (!checked.success) return refused(checked.error.issues[0]!.message);
  const { workflows, handlers } = checked.data;
  return { files: workflows.map((p) => resolve(dirname(projectFile), p)), handlers, errors: [] };
}

export async function loadWorkflowModules(projectFile: string | null): Promise<LoadedModules> {
  const out: LoadedModules = { workflows: [], handlers: 'threads', toolRegistrars: [], errors: [] };
  if (!projectFile) return out;
  const { files, handlers, errors } = readProjectFile(projectFile);
  out.handlers = handlers;
  out.errors.push(...errors);
  if (files.length === 0) return out;
  // tsx compiles workflow modules on load; imported only when there are some, so a CLI call
  // without a project does not pay for the compiler.
  const { tsImport } = await import('tsx/esm/api');
  for (const file of files) {
    try {
      const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
      const defs = workflowsOf(mod, file);
      out.workflows.push(...defs.map((definition) => ({ definition, source: 'module' as const, file })));
      const registerTools = mod.registerTools ?? (mod.default as Record<string, unknown> | undefined)?.registerTools;
      if (typeof registerTools === 'function') out.toolRegistrars.push(registerTools as (r: unknown) => void);
    } catch (err) {
      out.errors.push({ file, message: (err as Error).message ?? String(err) });
    }
  }
  return out;
}

/** The workflows a loaded module exports (the handler worker finds a node's handler the same way). */
export function workflowsOf(mod: Record<string, unknown>, file: string): WorkflowDefinition[] {
  // tsx may wrap a CommonJS-style default export one level deeper.
  const inner = mod.default as Record<string, unknown> | undefined;
  const candidates = [mod.workflows, mod.default, inner?.workflows, inner?.default];
  const found = candidates.find((c) => c !== undefined && c !== null && (Array.isArray(c) || isSpec(c)));
  if (found === undefined)
    throw new Error(`${file} exports no workflows (export default or workflows: a defineWorkflow(...) result or an array of them)`);
  const list = Array.isArray(found) ? found : [found];
  return list.map((item, i) => {
    if (!isSpec(item)) throw new Error(`${file}: workflows[${i}] is not a workflow definition`);
    return (item as Partial<WorkflowDefinition>).validated ? (item as WorkflowDefinition) : defineWorkflow(item as WorkflowSpec);
  });
}

function isSpec(v: unknown): v is WorkflowSpec {
  return typeof v === 'object' && v !== null && typeof (v as WorkflowSpec).id === 'string' && typeof (v as WorkflowSpec).nodes === 'object';
}

/** Built-ins first; a module workflow with the same id+version as an earlier one is refused. */
export function mergeWorkflows(
  builtins: WorkflowDefinition[],
  modules: LoadedModules,
): { workflows: LoadedWorkflow[]; errors: WorkflowLoadError[] } {
  const seen = new Set<string>();
  const workflows: LoadedWorkflow[] = [];
  const errors = [...modules.errors];
  const all: LoadedWorkflow[] = [
    ...builtins.map((definition) => ({ definition, source: 'builtin' as const, file: null })),
    ...modules.workflows,
  ];
  for (const w of all) {
    const key = `${w.definition.id}@${w.definition.version}`;
    if (seen.has(key)) {
      errors.push({ file: w.file ?? '(builtin)', message: `workflow ${key} is defined twice; the second definition is ignored` });
      continue;
    }
    seen.add(key);
    workflows.push(w);
  }
  return { workflows, errors };
}
