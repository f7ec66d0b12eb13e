/**
 * examples.approval: a person approves (ask_user), then a trusted tool runs, then done.
 * A rejection skips the tool, so the ledger shows both paths of a human gate.
 */
import { defineWorkflow } from '../runtime/index';

export const approvalWorkflow = defineWorkflow({
  id: 'examples.approval',
  version: '1',
  label: 'Approval gate',
  description: 'Asks a person to approve, then runs a trusted tool (current_time) and completes.',
  entry: 'ask',
  inputSchema: {
    type: 'object',
    properties: { question: { type: 'string', description: 'What the person is asked.' } },
    additionalProperties: false,
  },
  defaultVars: { question: 'Run the tool now?' },
  nodes: {
    ask: {
      label: 'Ask for approval',
      kind: 'ask_user',
      next: ['route'],
      handler: (run) => ({
        effect: {
          type: 'ask_user',
          payload: {
            prompt: typeof run.vars.question === 'string' ? run.vars.question : 'Approve?',
            choices: ['approve', 'reject'],
            allow_free_text: false,
          },
        },
        resultKey: 'answer',
        next: 'route',
      }),
    },
    route: {
      label: 'Approved?',
      kind: 'decision',
      next: ['act', 'done'],
      edgeLabels: {
        act: { label: 'approved', when: 'the answer is "approve"' },
        done: { label: 'rejected', when: 'any other answer' },
      },
      handler: (run) => ({ next: answerText(run.vars.answer) === 'approve' ? 'act' : 'done' }),
    },
    act: {
      label: 'Run trusted tool',
      kind: 'tool_calls',
      next: ['done'],
      handler: () => ({
        effect: {
          type: 'tool_calls',
          payload: { tool_calls: [{ name: 'current_time', arguments: {}, call_id: 'approval-1' }], allowed_tools: ['current_time'] },
        },
        resultKey: 'tool',
        next: 'done',
      }),
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({
        complete: { approved: answerText(run.vars.answer) === 'approve', tool: run.vars.tool ?? null },
      }),
    },
  },
});

function answerText(answer: unknown): string | null {
  if (answer && typeof answer === 'object' && 'text' in answer) {
    const text = (answer as { text: unknown }).text;
    return typeof text === 'string' ? text : null;
  }
  return null;
}
