/**
 * What a workflow's input schema says about vars edited before a fork, decided once: the
 * kernel refuses a fork with these problems (src-main/runtime/workflowInput.ts) and the fork
 * dialog shows them before it lets the person confirm.
 *
 * Each edited var the schema declares must match its property schema. A key it does not
 * declare may be edited only when the run already holds it (working state such as a
 * counter's `i`) or when the schema allows extra keys; anything else is a typo, refused.
 */
import type { JsonObject } from './json';
import { validateJsonSchema, type JsonSchema } from './jsonSchema';

/** Every problem, each naming its field (`vars.eventName: needs at least 1 characters`); empty when the edit is allowed. */
export function forkVarProblems(
  workflowId: string,
  schema: JsonSchema | null | undefined,
  edited: JsonObject,
  current: JsonObject,
): string[] {
  if (!schema) return [];
  const props = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(edited)) {
    if (Object.hasOwn(props, key)) problems.push(...validateJsonSchema(value, props[key]!, `vars.${key}`));
    else if (schema.additionalProperties === false && !Object.hasOwn(current, key))
      problems.push(`vars.${key}: is not an input of ${workflowId}`);
  }
  return problems;
}

export function isSchema(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
