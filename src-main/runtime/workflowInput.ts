/**
 * A workflow's declared input (`inputSchema`, a JSON Schema for its vars), checked where vars
 * come in: at start (the vars given, with the workflow's defaults filled in) and at fork
 * (the edited vars). Bad input is refused before anything is written, naming each field.
 */
import { ValidationError } from '../../src-shared/errors';
import type { JsonObject } from '../../src-shared/json';
import { validateJsonSchema, type JsonSchema } from '../../src-shared/jsonSchema';
import { forkVarProblems, isSchema } from '../../src-shared/forkVars';
import type { WorkflowDefinition } from './contracts';

/**
 * Start: the whole vars object must match the schema, so unknown keys are refused when it
 * says `additionalProperties: false`. When it allows them, each key it does not declare is
 * returned as a warning (recorded in `run_started`), since it is most likely a typo.
 */
export function checkStartVars(wf: WorkflowDefinition, vars: JsonObject): string[] {
  const schema = wf.inputSchema;
  if (!schema) return [];
  refuse(wf, validateJsonSchema(vars, schema, 'vars'));
  return undeclaredKeys(schema, vars).map((k) => `vars.${k}: is not declared by the input schema of ${wf.id}`);
}

/** Keys of `vars` a schema with declared properties does not name. */
export function undeclaredKeys(schema: JsonSchema, vars: JsonObject): string[] {
  if (!isSchema(schema.properties)) return [];
  const props = schema.properties as Record<string, JsonSchema>;
  return Object.keys(vars).filter((k) => !Object.hasOwn(props, k));
}

/** Fork: the edited vars, by the one rule in src-shared/forkVars.ts. */
export function checkForkVars(wf: WorkflowDefinition, edited: JsonObject, current: JsonObject): void {
  refuse(wf, forkVarProblems(wf.id, wf.inputSchema, edited, current));
}

function refuse(wf: WorkflowDefinition, problems: string[]): void {
  if (problems.length === 0) return;
  const named = problems.map((p) => p.replace(/: is not an allowed property$/, `: is not an input of ${wf.id}`));
  throw new ValidationError(`${wf.id}@${wf.version} refuses these vars: ${named.join('; ')}`, {
    workflowId: wf.id,
    path: named[0]!.split(':')[0],
    problems: named,
  });
}
