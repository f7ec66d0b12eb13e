/**
 * A form for a workflow's vars, rendered from its input JSON Schema: one field per declared
 * property (text, number, checkbox, a choice for `enum`, JSON for lists and objects). It
 * edits the same vars object the JSON editor shows; numbers follow the one number policy.
 */
import { useState } from 'react';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import { parseJsonExact, stringifyExact } from '../../src-shared/exactJson';

type Schema = { [k: string]: JsonValue };

export function SchemaForm({ schema, vars, onChange }: { schema: JsonObject; vars: JsonObject; onChange(vars: JsonObject): void }) {
  const props = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  const set = (key: string, value: JsonValue | undefined) => {
    const next: JsonObject = { ...vars };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const names = Object.keys(props);
  if (names.length === 0) return <p className="muted">This workflow declares no inputs.</p>;
  return (
    <div className="schema-form" role="group" aria-label="Vars form">
      {names.map((name) => (
        <Field
          key={`${name}`}
          name={name}
          schema={props[name]!}
          required={required.includes(name)}
          value={vars[name]}
          onChange={(v) => set(name, v)}
        />
      ))}
    </div>
  );
}

function Field(props: {
  name: string;
  schema: Schema;
  required: boolean;
  value: JsonValue | undefined;
  onChange(v: JsonValue | undefined): void;
}) {
  const { name, schema, required, value, onChange } = props;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const title = `${name}${required ? ' *' : ''}`;
  const help = typeof schema.description === 'string' ? <span className="field-help">{schema.description}</span> : null;
  if (Array.isArray(schema.enum)) {
    const options = schema.enum;
    const index = options.findIndex((o) => stringifyExact(o) === stringifyExact(value));
    return (
      <label>
        {title}
        <select
          aria-label={name}
          value={index}
          onChange={(e) => onChange(Number(e.target.value) < 0 ? undefined : options[Number(e.target.value)])}
        >
          <option value={-1}>(not set)</option>
          {options.map((o, i) => (
            <option key={i} value={i}>
              {stringifyExact(o)}
            </option>
          ))}
        </select>
        {help}
      </label>
    );
  }
  if (type === 'boolean') {
    return (
      <label className="checkbox">
        <input type="checkbox" aria-label={name} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {title} {help}
      </label>
    );
  }
  if (type === 'string') {
    return (
      <label>
        {title}
        <input
          aria-label={name}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' && !required ? undefined : e.target.value)}
        />
        {help}
      </label>
    );
  }
  // Numbers, lists, objects and anything else: typed as JSON, parsed under the number policy.
  return (
    <JsonField title={title} name={name} value={value} help={help} onChange={onChange} numeric={type === 'integer' || type === 'number'} />
  );
}

function JsonField(props: {
  title: string;
  name: string;
  value: JsonValue | undefined;
  help: React.ReactNode;
  numeric: boolean;
  onChange(v: JsonValue | undefined): void;
}) {
  const { title, name, value, help, numeric, onChange } = props;
  const shown = value === undefined ? '' : stringifyExact(value);
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const text = draft ?? shown;
  const edit = (t: string) => {
    setDraft(t);
    if (t.trim() === '') {
      setProblem(null);
      onChange(undefined);
      return;
    }
    try {
      const v = parseJsonExact(t, `vars.${name}`);
      setProblem(null);
      onChange(v);
    } catch (err) {
      setProblem((err as Error).message);
      // Kept as typed, so the vars show what is wrong (and Start stays off) until it is fixed.
      onChange(t);
    }
  };
  return (
    <label>
      {title}
      <input
        aria-label={name}
        value={text}
        inputMode={numeric ? 'decimal' : undefined}
        spellCheck={false}
        onChange={(e) => edit(e.target.value)}
        aria-invalid={!!problem}
      />
      {help}
      {problem ? <span className="inline-error">{problem}</span> : null}
    </label>
  );
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
