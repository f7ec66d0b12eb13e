import { InvalidWorkflowError, WorkflowNotFoundError } from '../../src-shared/errors';
import { findNonJsonPath, isJsonObject } from '../../src-shared/json';
import { validateJsonSchema } from '../../src-shared/jsonSchema';
import type { EdgeLabel, NodeDefinition, WorkflowDefinition, WorkflowRegistry, WorkflowSpec } from './contracts';
import { EDGE_CONDITION_MAX, EDGE_LABEL_MAX } from './workflowContract';

export type NodeList = (NodeDefinition & { id: string })[];
export type WorkflowInput = Omit<WorkflowSpec, 'nodes'> & { nodes: WorkflowSpec['nodes'] | NodeList };

/**
 * Validates a workflow once, when it is defined, so a broken graph fails at load time with
 * the offending node named, not in the middle of a run.
 */
export function defineWorkflow(spec: WorkflowInput): WorkflowDefinition {
  if (!spec || typeof spec !== 'object') throw new InvalidWorkflowError('a workflow spec must be an object');
  const where = `workflow "${spec.id}"`;
  if (typeof spec.id !== 'string' || !spec.id.trim()) throw new InvalidWorkflowError('a workflow needs a non-empty id');
  if (typeof spec.version !== 'string' || !spec.version.trim()) throw new InvalidWorkflowError(`${where} needs a non-empty version`);
  const nodes = normalizeNodes(spec.nodes, where);
  checkNodes(nodes, spec.entry, where);
  if (spec.defaultVars !== undefined) {
    const bad = findNonJsonPath(spec.defaultVars, 'defaultVars');
    if (bad) throw new InvalidWorkflowError(`${where}: ${bad} is not plain JSON`, { path: bad });
  }
  if (spec.inputSchema !== undefined) checkInputSchema(spec, where);
  const frozenNodes: Record<string, NodeDefinition> = {};
  for (const [id, node] of Object.entries(nodes)) {
    const edgeLabels = node.edgeLabels === undefined ? {} : { edgeLabels: normalizeEdgeLabels(node, id, where) };
    frozenNodes[id] = Object.freeze({ ...node, next: Object.freeze([...(node.next ?? [])]) as string[], ...edgeLabels });
  }
  return Object.freeze({ ...spec, nodes: Object.freeze(frozenNodes), validated: true as const });
}

function checkInputSchema(spec: WorkflowInput, where: string): void {
  const schema = spec.inputSchema;
  const bad = findNonJsonPath(schema, 'inputSchema');
  if (bad) throw new InvalidWorkflowError(`${where}: ${bad} is not plain JSON`, { path: bad });
  if (!isJsonObject(schema) || (schema.type !== undefined && schema.type !== 'object'))
    throw new InvalidWorkflowError(`${where}: inputSchema must be a JSON Schema object describing vars (type "object")`, {
      path: 'inputSchema',
    });
  // Defaults the workflow itself gives must be valid input, or every start would be refused.
  const problems = validateJsonSchema(spec.defaultVars ?? {}, schema, 'defaultVars').filter((p) => !p.endsWith('is required'));
  if (problems.length)
    throw new InvalidWorkflowError(`${where}: defaultVars do not match inputSchema: ${problems.join('; ')}`, { path: 'defaultVars' });
}

/** Every label names one of the node's own edges and is short plain text, so the graph can draw it. */
function normalizeEdgeLabels(node: NodeDefinition, id: string, where: string): Record<string, EdgeLabel> {
  const labels: unknown = node.edgeLabels;
  const at = `${where}: node "${id}" edgeLabels`;
  if (!labels || typeof labels !== 'object' || Array.isArray(labels))
    throw new InvalidWorkflowError(`${at} must be an object of labels by target node id`, { nodeId: id });
  const out: Record<string, EdgeLabel> = Object.create(null) as Record<string, EdgeLabel>;
  for (const [target, value] of Object.entries(labels)) {
    if (!(node.next ?? []).includes(target))
      throw new InvalidWorkflowError(`${at} labels "${target}", which is not one of its declared edges [${(node.next ?? []).join(', ')}]`, {
        nodeId: id,
        target,
      });
    const spec: unknown = typeof value === 'string' ? { label: value } : value;
    const { label, when } = (spec ?? {}) as { label?: unknown; when?: unknown };
    if (typeof label !== 'string' || !label.trim() || label.length > EDGE_LABEL_MAX)
      throw new InvalidWorkflowError(`${at}.${target}: the label must be text of 1 to ${EDGE_LABEL_MAX} characters`, {
        nodeId: id,
        target,
      });
    if (when !== undefined && (typeof when !== 'string' || !when.trim() || when.length > EDGE_CONDITION_MAX))
      throw new InvalidWorkflowError(`${at}.${target}: "when" must be text of 1 to ${EDGE_CONDITION_MAX} characters`, {
        nodeId: id,
        target,
      });
    const extra = Object.keys(spec as object).filter((k) => k !== 'label' && k !== 'when');
    if (extra.length)
      throw new InvalidWorkflowError(`${at}.${target}: unknown field "${extra[0]}" (a label has label and when)`, { nodeId: id, target });
    out[target] = Object.freeze(when === undefined ? { label } : { label, when });
  }
  return Object.freeze(out);
}

function normalizeNodes(nodes: WorkflowInput['nodes'], where: string): Record<string, NodeDefinition> {
  if (!nodes || typeof nodes !== 'object') throw new InvalidWorkflowError(`${where} needs nodes`);
  if (!Array.isArray(nodes)) return { ...nodes };
  const out: Record<string, NodeDefinition> = {};
  for (const [i, { id, ...node }] of nodes.entries()) {
    if (typeof id !== 'string' || !id) throw new InvalidWorkflowError(`${where}: node #${i} has no id`);
    if (Object.hasOwn(out, id)) throw new InvalidWorkflowError(`${where}: duplicate node id "${id}"`, { nodeId: id });
    out[id] = node;
  }
  return out;
}

function checkNodes(nodes: Record<string, NodeDefinition>, entry: string, where: string): void {
  const ids = Object.keys(nodes);
  if (ids.length === 0) throw new InvalidWorkflowError(`${where} has no nodes`);
  if (!Object.hasOwn(nodes, entry)) throw new InvalidWorkflowError(`${where}: entry node "${entry}" does not exist`, { nodeId: entry });
  for (const id of ids) {
    const node = nodes[id]!;
    if (typeof node?.handler !== 'function')
      throw new InvalidWorkflowError(`${where}: node "${id}" has no handler function`, { nodeId: id });
    for (const target of node.next ?? []) {
      if (!Object.hasOwn(nodes, target))
        throw new InvalidWorkflowError(`${where}: node "${id}" has an edge to missing node "${target}"`, {
          nodeId: id,
          target,
        });
    }
    if (node.onEffectError !== undefined && node.onEffectError !== 'continue' && node.onEffectError !== 'fail')
      throw new InvalidWorkflowError(`${where}: node "${id}" onEffectError must be "continue" or "fail"`, { nodeId: id });
    const retry = node.retry;
    if (retry && (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1))
      throw new InvalidWorkflowError(`${where}: node "${id}" retry.maxAttempts must be an integer >= 1`, { nodeId: id });
  }
  const reached = reachableFrom(nodes, entry);
  const unreachable = ids.filter((id) => !reached.has(id));
  if (unreachable.length)
    throw new InvalidWorkflowError(`${where}: node "${unreachable[0]}" is unreachable from entry "${entry}"`, {
      nodeId: unreachable[0],
      unreachable,
    });
}

function reachableFrom(nodes: Record<string, NodeDefinition>, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const next of nodes[queue.pop()!]?.next ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Workflows by id and version; `get(id)` without a version returns the latest. */
export function createWorkflowRegistry(defs: WorkflowDefinition[] = []): WorkflowRegistry & {
  register(def: WorkflowDefinition): void;
  require(id: string, version?: string): WorkflowDefinition;
} {
  const byKey = new Map<string, WorkflowDefinition>();
  const register = (def: WorkflowDefinition) => {
    if (!def?.validated) throw new InvalidWorkflowError('register() takes a workflow made by defineWorkflow()');
    const key = `${def.id}@${def.version}`;
    if (byKey.has(key)) throw new InvalidWorkflowError(`workflow "${def.id}" version "${def.version}" is already registered`);
    byKey.set(key, def);
  };
  defs.forEach(register);
  const get = (id: string, version?: string) => {
    if (version !== undefined) return byKey.get(`${id}@${version}`);
    const all = [...byKey.values()].filter((d) => d.id === id);
    return all.sort((a, b) => compareVersions(b.version, a.version))[0];
  };
  return {
    register,
    get,
    list: () => [...byKey.values()],
    require(id, version) {
      const def = get(id, version);
      if (!def)
        throw new WorkflowNotFoundError(`workflow "${id}"${version ? ` version "${version}"` : ''} is not registered`, {
          workflowId: id,
          version: version ?? null,
        });
      return def;
    },
  };
}

/** Numeric-aware comparison so "1.10" sorts after "1.9". */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
