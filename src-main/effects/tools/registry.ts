/**
 * The tool registry: what a tool is called, what it takes (a JSON schema the model sees
 * and the runtime enforces), how far it is trusted, and whether re-running it is harmless.
 */
import { ToolNotFoundError, ValidationError } from '../../../src-shared/errors';
import type { JsonObject } from '../../../src-shared/json';
import type { JsonSchema } from './jsonSchema';

/**
 * trusted: runs in the main process at once. approval: the run waits until a person
 * approves (possibly with edited arguments) or denies. passthrough: the run waits for a
 * result supplied from outside (another process, a remote executor, a person).
 */
export type ToolTrust = 'trusted' | 'approval' | 'passthrough';

export interface ToolContext {
  /** Aborted on timeout or when the run is cancelled. */
  readonly signal: AbortSignal;
  readonly callId: string;
  /** Stable across crash replays of the same call: tools that talk to the world may dedupe on it. */
  readonly idempotencyKey: string;
  /** The runtime's clock (injected in tests). */
  readonly now: Date;
  readonly runId: string;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchema;
  trust: ToolTrust;
  /** Whether running it twice is harmless (decides crash recovery: retry or ask a person). */
  idempotent: boolean;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Not needed for passthrough tools. The return value must be JSON (undefined becomes null). */
  execute?(args: JsonObject, ctx: ToolContext): unknown;
}

/** What an `llm_call` payload's `tools` takes. */
export interface ToolSpec extends JsonObject {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TRUSTS: readonly ToolTrust[] = ['trusted', 'approval', 'passthrough'];

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();

  register(def: ToolDefinition): void {
    checkDefinition(def);
    if (this.tools.has(def.name)) throw new ValidationError(`a tool named "${def.name}" is already registered`, { tool: def.name });
    this.tools.set(def.name, def);
  }

  /** Replaces a tool of the same name (user modules overriding a built-in's policy). */
  replace(def: ToolDefinition): void {
    checkDefinition(def);
    this.tools.set(def.name, def);
  }

  unregister(name: string): boolean {
    return this.tools.delete(name);
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  require(name: string): ToolDefinition {
    const t = this.tools.get(name);
    if (!t) throw new ToolNotFoundError(`unknown tool "${name}"`, { tool: name });
    return t;
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()];
  }

  /** Specs for an llm_call's `tools` (all tools, or the named ones; an unknown name throws). */
  specs(names?: string[]): ToolSpec[] {
    const defs = names ? names.map((n) => this.require(n)) : this.list();
    return defs.map((d) => ({ name: d.name, description: d.description, parameters: d.parameters }));
  }
}

function checkDefinition(def: ToolDefinition): void {
  if (!def || typeof def !== 'object') throw new ValidationError('a tool definition must be an object');
  const where = `tool "${String(def.name)}"`;
  if (typeof def.name !== 'string' || !TOOL_NAME.test(def.name))
    throw new ValidationError(`${where}: names are 1-64 letters, digits, "_" or "-" (what chat-completions providers accept)`);
  if (typeof def.description !== 'string') throw new ValidationError(`${where} needs a description`);
  if (!def.parameters || typeof def.parameters !== 'object' || def.parameters.type !== 'object')
    throw new ValidationError(`${where}: parameters must be a JSON schema of type "object"`);
  if (!TRUSTS.includes(def.trust)) throw new ValidationError(`${where}: trust must be one of ${TRUSTS.join(', ')}`);
  if (typeof def.idempotent !== 'boolean') throw new ValidationError(`${where}: idempotent must be true or false`);
  if (def.trust !== 'passthrough' && typeof def.execute !== 'function')
    throw new ValidationError(`${where}: a ${def.trust} tool needs an execute function`);
  if (def.timeoutMs !== undefined && !(Number.isInteger(def.timeoutMs) && def.timeoutMs > 0))
    throw new ValidationError(`${where}: timeoutMs must be a positive integer`);
}
