/**
 * examples.toolapproval: one node proposes two calls of `write_note`, a tool whose trust is
 * `approval`, so the run waits (reason `tool_calls`) until a person approves (possibly with
 * edited arguments) or denies each call; `done` completes with every call's result. It is
 * the end-to-end workload for the approval path (host test and GUI test).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJsonObject, type JsonValue } from '../../src-shared/json';
import { defineWorkflow } from '../runtime/index';
import { stringifyExact } from '../../src-shared/exactJson';

export const toolApprovalWorkflow = defineWorkflow({
  id: 'examples.toolapproval',
  version: '1',
  label: 'Tool approval',
  description: 'Proposes one write_note call per entry of vars.notes (appending to vars.path); a person approves, edits or denies each.',
  entry: 'propose',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1, description: 'The notes file (inside the folders tools may write).' },
      notes: { type: 'array', description: 'One write_note call per entry.' },
    },
    additionalProperties: false,
  },
  defaultVars: { path: join(tmpdir(), 'abstractruntime-notes.txt'), notes: ['first', 'second'] },
  nodes: {
    propose: {
      label: 'Propose notes',
      kind: 'tool_calls',
      next: ['done'],
      handler: (run) => {
        const path = typeof run.vars.path === 'string' ? run.vars.path : '';
        const notes = Array.isArray(run.vars.notes) ? run.vars.notes : [];
        const toolCalls = notes.map((text, i) => ({
          name: 'write_note',
          arguments: { path, text: noteText(text) },
          call_id: `note-${i + 1}`,
        }));
        return {
          effect: { type: 'tool_calls', payload: { tool_calls: toolCalls, allowed_tools: ['write_note'] } },
          resultKey: 'tool',
          next: 'done',
        };
      },
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({ complete: { path: run.vars.path ?? null, results: resultsOf(run.vars.tool) } }),
    },
  },
});

function noteText(v: JsonValue): string {
  // stringifyExact: a note 98765432109876543210 or 1.0 is written as given, not rounded.
  return typeof v === 'string' ? v : stringifyExact(v);
}

function resultsOf(tool: JsonValue | undefined): JsonValue {
  if (isJsonObject(tool) && Array.isArray(tool.results)) return tool.results;
  return [];
}
