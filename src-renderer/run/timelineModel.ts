/**
 * A run's time, from its records: effect attempts as spans (LLM and tool latencies, retries
 * as attempt > 1, failures), waits as spans from the moment the run parked to the moment it
 * was resumed (or now), and node steps (from the step's first record to its last). Times are
 * the records' own `started_at` / `ended_at`; nothing is estimated.
 */
import type { LedgerRecord } from '../../src-shared/types';

export type SpanKind = 'effect' | 'wait' | 'step';

export interface Span {
  kind: SpanKind;
  label: string;
  /** Ms since the first record. */
  start: number;
  end: number;
  seq: number;
  attempt: number;
  failed: boolean;
  /** Still open (a wait not yet answered, an effect started but not ended). */
  open: boolean;
}

export interface Timeline {
  origin: number;
  spanMs: number;
  spans: Span[];
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

export function buildTimeline(records: readonly LedgerRecord[], nowMs: number): Timeline {
  if (records.length === 0) return { origin: nowMs, spanMs: 0, spans: [] };
  const origin = ms(records[0]!.started_at);
  const spans: Span[] = [];
  const openWaits = new Map<string, Span>();
  const startedEffects = new Map<string, Span>();
  // A node step runs from its first record to the transition that leaves the node.
  let stepStart: LedgerRecord | null = null;
  for (const r of records) {
    if (!stepStart && (r.kind === 'effect' || r.kind === 'transition')) stepStart = r;
    if (r.kind === 'transition' && stepStart) {
      const end = ms(r.ended_at ?? r.started_at) - origin;
      spans.push({
        kind: 'step',
        label: `step ${stepStart.node_id ?? r.node_id ?? '?'}`,
        start: ms(stepStart.started_at) - origin,
        end,
        seq: stepStart.seq,
        attempt: 1,
        failed: r.status === 'failed',
        open: false,
      });
      stepStart = null;
    }
    if (r.kind === 'effect' && r.effect) {
      const key = `${r.step_id}#${r.attempt}`;
      if (r.status === 'started') {
        const s: Span = {
          kind: 'effect',
          label: r.effect.type,
          start: ms(r.started_at) - origin,
          end: nowMs - origin,
          seq: r.seq,
          attempt: r.attempt,
          failed: false,
          open: true,
        };
        startedEffects.set(key, s);
        spans.push(s);
        continue;
      }
      const s = startedEffects.get(key);
      const span: Span = s ?? {
        kind: 'effect',
        label: r.effect.type,
        start: ms(r.started_at) - origin,
        end: 0,
        seq: r.seq,
        attempt: r.attempt,
        failed: false,
        open: false,
      };
      span.end = ms(r.ended_at ?? r.started_at) - origin;
      // The span leads to the record holding the outcome (result, error or wait).
      span.seq = r.seq;
      span.open = false;
      span.failed = r.status === 'failed';
      if (!s) spans.push(span);
      startedEffects.delete(key);
      if (r.status === 'waiting') {
        const wait = r.result as { wait_key?: string; reason?: string; event_name?: string | null } | null;
        const w: Span = {
          kind: 'wait',
          label: `waiting: ${wait?.reason === 'event' ? `event ${wait.event_name ?? ''}` : (wait?.reason ?? r.effect.type)}`,
          start: span.end,
          end: nowMs - origin,
          seq: r.seq,
          attempt: 1,
          failed: false,
          open: true,
        };
        spans.push(w);
        if (wait?.wait_key) openWaits.set(wait.wait_key, w);
      }
    }
    if (r.kind === 'resumed' && r.idempotency_key) {
      const w = openWaits.get(r.idempotency_key);
      if (w) {
        w.end = ms(r.started_at) - origin;
        w.open = false;
        openWaits.delete(r.idempotency_key);
      }
    }
  }
  const end = Math.max(
    ...spans.map((s) => s.end),
    ms(records[records.length - 1]!.ended_at ?? records[records.length - 1]!.started_at) - origin,
  );
  spans.sort((a, b) => a.start - b.start || a.seq - b.seq);
  return { origin, spanMs: Math.max(1, end), spans };
}

export function formatMs(v: number): string {
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(v / 60_000);
  return `${m} min ${Math.round((v % 60_000) / 1000)} s`;
}
