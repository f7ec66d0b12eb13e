/**
 * examples.agent: the LLM → tools → LLM loop. `plan` asks the model (with tool schemas);
 * if it answers with tool calls, `act` runs them (trust policy applies: trusted at once,
 * approval/passthrough wait) and `observe` feeds the results back; otherwise `done`.
 * Bounded by vars.maxTurns LLM calls (default 5).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import type { StepPlan } from '../runtime/contracts';
import { defineWorkflow } from '../runtime/index';
import { addTool, currentTimeTool } from '../effects/tools/builtins/index';
import type { ToolDefinition, ToolRegistry, ToolSpec } from '../effects/tools/index';
import { stringifyExact } from '../../src-shared/exactJson';

export const AGENT_WORKFLOW_ID = 'examples.agent';
const DEFAULT_MAX_TURNS = 5;
const DEFAULT_SYSTEM = 'You are a careful assistant. Use the tools when they help; answer briefly once you know.';

/** The tools the agent offers the model by default (both are built-ins). */
export const AGENT_TOOLS: ToolDefinition[] = [addTool, currentTimeTool];
export const AGENT_TOOL_SPECS: ToolSpec[] = AGENT_TOOLS.map((t) => ({
  name: t.name,
  description: t.description,
  parameters: t.parameters,
}));

/** Registers the agent's default tools where a registry lacks them (they are built-ins already). */
export function registerAgentTools(registry: ToolRegistry): void {
  for (const t of AGENT_TOOLS) if (!registry.get(t.name)) registry.register(t);
}

export const agentWorkflow = defineWorkflow({
  id: AGENT_WORKFLOW_ID,
  version: '1',
  label: 'Agent (LLM + tools)',
  description: 'Asks the LLM; runs the tools it calls (trust policy applies) and asks again, until it answers or maxTurns is reached.',
  entry: 'plan',
  inputSchema: {
    type: 'object',
    properties: {
      task: { type: 'string', minLength: 1, description: 'What the agent is asked to do.' },
      maxTurns: { type: 'integer', minimum: 1, description: 'LLM turns at most.' },
      system: { type: 'string', description: 'The system prompt (a default one otherwise).' },
      model: { type: 'string', description: "The model name (the settings' model otherwise)." },
      tools: { type: 'array', description: 'Tool specs offered to the model (the example tools otherwise).' },
    },
    required: ['task'],
    additionalProperties: false,
  },
  defaultVars: { task: 'What is 17 + 25? Use the add tool, then answer with the number.', maxTurns: DEFAULT_MAX_TURNS },
  nodes: {
    plan: {
      label: 'Ask the LLM',
      kind: 'llm_call',
      next: ['route'],
      handler: (run) => ({
        effect: {
          type: 'llm_call',
          payload: {
            system: typeof run.vars.system === 'string' ? run.vars.system : DEFAULT_SYSTEM,
            messages: conversation(run.vars),
            tools: Array.isArray(run.vars.tools) ? run.vars.tools : AGENT_TOOL_SPECS,
            ...(typeof run.vars.model === 'string' ? { model: run.vars.model } : {}),
          },
        },
        resultKey: 'llm',
        next: 'route',
      }),
    },
    route: {
      label: 'Tool calls?',
      kind: 'decision',
      next: ['act', 'done'],
      edgeLabels: {
        act: { label: 'tool calls', when: 'the reply asks for tools and fewer than maxTurns turns were taken' },
        done: { label: 'answer', when: 'the reply asks for no tool, or maxTurns is reached' },
      },
      handler: (run): StepPlan => {
        const turns = num(run.vars.turns, 0) + 1;
        const calls = toolCallsOf(run.vars.llm);
        if (calls.length === 0) return { next: 'done', set: { turns } };
        if (turns >= num(run.vars.maxTurns, DEFAULT_MAX_TURNS)) return { next: 'done', set: { turns, stopped_reason: 'max_turns' } };
        const llm = run.vars.llm as JsonObject;
        const assistant: JsonObject = {
          role: 'assistant',
          content: typeof llm.content === 'string' && llm.content ? llm.content : null,
          tool_calls: calls,
        };
        return { next: 'act', set: { turns, messages: [...conversation(run.vars), assistant] } };
      },
    },
    act: {
      label: 'Run tools',
      kind: 'tool_calls',
      next: ['observe'],
      // Only what `plan` offered may run, whatever names the model's reply holds.
      handler: (run) => ({
        effect: { type: 'tool_calls', payload: { tool_calls: toolCallsOf(run.vars.llm), allowed_tools: offeredTools(run.vars.llm) } },
        resultKey: 'tools',
        next: 'observe',
      }),
    },
    observe: {
      label: 'Feed results back',
      kind: 'transition',
      next: ['plan'],
      handler: (run) => ({ next: 'plan', set: { messages: [...conversation(run.vars), ...toolMessages(run.vars.tools)] } }),
    },
    done: {
      label: 'Answer',
      kind: 'end',
      handler: (run) => {
        const llm = (run.vars.llm ?? {}) as JsonObject;
        return {
          complete: {
            answer: typeof llm.content === 'string' ? llm.content : '',
            turns: num(run.vars.turns, 0),
            stopped_reason: typeof run.vars.stopped_reason === 'string' ? run.vars.stopped_reason : 'answered',
          },
        };
      },
    },
  },
});

function conversation(vars: JsonObject): JsonValue[] {
  if (Array.isArray(vars.messages) && vars.messages.length > 0) return vars.messages;
  return [{ role: 'user', content: typeof vars.task === 'string' && vars.task ? vars.task : 'Say hello.' }];
}

function toolCallsOf(llm: JsonValue | undefined): JsonValue[] {
  if (!isJsonObject(llm)) return [];
  return Array.isArray(llm.tool_calls) ? llm.tool_calls : [];
}

function offeredTools(llm: JsonValue | undefined): string[] {
  if (!isJsonObject(llm) || !Array.isArray(llm.offered_tools)) return [];
  return llm.offered_tools.filter((n): n is string => typeof n === 'string');
}

function toolMessages(tools: JsonValue | undefined): JsonObject[] {
  const results = isJsonObject(tools) && Array.isArray(tools.results) ? tools.results : [];
  return results.map((r) => {
    const res = (r ?? {}) as JsonObject;
    const content = res.success ? stringifyExact(res.output ?? null) : `error: ${String(res.error ?? 'failed')}`;
    return { role: 'tool', tool_call_id: String(res.call_id ?? ''), content };
  });
}

function num(v: JsonValue | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
