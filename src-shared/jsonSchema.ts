/**
 * A JSON-schema validator for the subset tool parameters and workflow inputs use: type (one or several),
 * properties, required, additionalProperties, items, enum, const, minimum/maximum,
 * minLength/maxLength, minItems/maxItems. Unknown keywords are ignored, as the spec says.
 */
import { canonicalJson, RawNumber } from './canonicalJson';
import { isJsonObject, type JsonValue } from './json';

export type JsonSchema = { [key: string]: JsonValue };

/** Every problem found, each naming its path (`$.items[2].name: ...`); empty when valid. */
export function validateJsonSchema(value: JsonValue, schema: JsonSchema, path = '$'): string[] {
  const errors: string[] = [];
  check(value, schema, path, errors);
  return errors;
}

function check(v: JsonValue, s: JsonSchema, path: string, errors: string[]): void {
  if (typeof s !== 'object' || s === null) return;
  if (s.type !== undefined && !matchesType(v, s.type)) {
    errors.push(`${path}: expected ${Array.isArray(s.type) ? s.type.join(' or ') : String(s.type)}, got ${typeName(v)}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => sameJson(e, v))) errors.push(`${path}: must be one of ${JSON.stringify(s.enum)}`);
  if (s.const !== undefined && !sameJson(s.const, v)) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (typeof v === 'number' || v instanceof RawNumber) checkNumber(v, s, path, errors);
  if (typeof v === 'string') checkLength(v.length, s.minLength, s.maxLength, 'characters', path, errors);
  if (Array.isArray(v)) checkArray(v, s, path, errors);
  else if (isJsonObject(v)) checkObject(v, s, path, errors);
}

function checkNumber(exact: number | RawNumber, s: JsonSchema, path: string, errors: string[]): void {
  // A RawNumber's bounds are checked on its nearest double: close enough for a bound.
  const v = typeof exact === 'number' ? exact : exact.toNumber();
  if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${path}: must be ≥ ${s.minimum}`);
  if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${path}: must be ≤ ${s.maximum}`);
}

function checkLength(
  n: number,
  min: JsonValue | undefined,
  max: JsonValue | undefined,
  unit: string,
  path: string,
  errors: string[],
): void {
  if (typeof min === 'number' && n < min) errors.push(`${path}: needs at least ${min} ${unit}`);
  if (typeof max === 'number' && n > max) errors.push(`${path}: allows at most ${max} ${unit}`);
}

function checkArray(v: JsonValue[], s: JsonSchema, path: string, errors: string[]): void {
  checkLength(v.length, s.minItems, s.maxItems, 'items', path, errors);
  if (isSchema(s.items)) v.forEach((item, i) => check(item, s.items as JsonSchema, `${path}[${i}]`, errors));
}

function checkObject(v: { [k: string]: JsonValue }, s: JsonSchema, path: string, errors: string[]): void {
  const props = isSchema(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
  if (Array.isArray(s.required)) {
    for (const name of s.required) {
      if (typeof name === 'string' && !Object.hasOwn(v, name)) errors.push(`${path}.${name}: is required`);
    }
  }
  for (const [k, child] of Object.entries(v)) {
    if (Object.hasOwn(props, k)) check(child, props[k]!, `${path}.${k}`, errors);
    else if (s.additionalProperties === false) errors.push(`${path}.${k}: is not an allowed property`);
    else if (isSchema(s.additionalProperties)) check(child, s.additionalProperties as JsonSchema, `${path}.${k}`, errors);
  }
}

function matchesType(v: JsonValue, type: JsonValue): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'integer':
        return (typeof v === 'number' && Number.isInteger(v)) || (v instanceof RawNumber && v.isInteger);
      case 'number':
        return typeof v === 'number' || v instanceof RawNumber;
      case 'array':
        return Array.isArray(v);
      case 'object':
        return isJsonObject(v);
      case 'null':
        return v === null;
      default:
        return typeof v === t;
    }
  });
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RawNumber) return v.isInteger ? 'integer' : 'number';
  return typeof v;
}

function isSchema(v: JsonValue | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: JsonValue, b: JsonValue): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
