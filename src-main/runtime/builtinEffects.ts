/**
 * The waits every runtime understands without an injected handler (Python: ask_user,
 * wait_event, wait_until). They touch nothing outside the run, so their `started` and
 * `waiting` records share one commit.
 */
import type { JsonObject } from '../../src-shared/json';
import type { EffectHandler, EffectOutcome } from './contracts';

const pure = { isIdempotent: () => true, hasSideEffects: () => false };
const bad = (message: string): EffectOutcome => ({ kind: 'failed', error: { code: 'INVALID_PLAN', message }, retryable: false });

const askUser: EffectHandler = {
  ...pure,
  async execute({ payload }) {
    if (typeof payload.prompt !== 'string') return bad('ask_user needs a string "prompt"');
    const choices = payload.choices;
    if (choices !== undefined && choices !== null && !(Array.isArray(choices) && choices.every((c) => typeof c === 'string')))
      return bad('ask_user "choices" must be a list of strings');
    const allowFree = payload.allow_free_text ?? payload.allowFreeText ?? true;
    return {
      kind: 'waiting',
      wait: {
        reason: 'user',
        prompt: payload.prompt,
        choices: (choices as string[] | undefined) ?? null,
        allow_free_text: allowFree !== false,
      },
    };
  },
};

const waitEvent: EffectHandler = {
  ...pure,
  async execute({ payload }) {
    const name = firstString(payload, ['eventName', 'event_name', 'name', 'wait_key']);
    if (!name) return bad('wait_event needs an "eventName"');
    return { kind: 'waiting', wait: { reason: 'event', event_name: name } };
  },
};

const waitUntil: EffectHandler = {
  ...pure,
  async execute({ payload }, ctx) {
    const until = typeof payload.until === 'string' ? Date.parse(payload.until) : NaN;
    if (Number.isNaN(until)) return bad('wait_until needs "until" as an ISO date-time');
    if (until <= ctx.now.getTime()) return { kind: 'completed', result: { firedAt: ctx.now.toISOString() } };
    return { kind: 'waiting', wait: { reason: 'until', until: new Date(until).toISOString() } };
  },
};

export const BUILTIN_EFFECTS: Readonly<Record<string, EffectHandler>> = Object.freeze({
  ask_user: askUser,
  wait_event: waitEvent,
  wait_until: waitUntil,
});

function firstString(payload: JsonObject, keys: string[]): string | null {
  for (const k of keys) if (typeof payload[k] === 'string' && payload[k]) return payload[k] as string;
  return null;
}
