/**
 * What a comparison shows: each side is a run, or a run at one record (`<runId>@<seq>`); its
 * path is the nodes it stepped through (repeats folded: `count ×5`), and the two paths are
 * aligned up to the first step where they part.
 */
import type { LedgerRecord } from '../../src-shared/types';

export interface Side {
  runId: string;
  seq: number | null;
}

export function parseSide(text: string | null): Side | null {
  if (!text?.trim()) return null;
  const m = /^(.+?)(?:@(\d+))?$/.exec(text.trim());
  return m ? { runId: m[1]!, seq: m[2] === undefined ? null : Number(m[2]) } : null;
}

export function sideText(s: Side): string {
  return s.seq === null ? s.runId : `${s.runId}@${s.seq}`;
}

export interface PathStep {
  node: string;
  times: number;
}

/** The nodes stepped through, in order (a step is closed by its transition), repeats folded. */
export function pathOf(records: readonly LedgerRecord[], currentNode: string | null): PathStep[] {
  const nodes: string[] = [];
  let stepNode: string | null = null;
  for (const r of records) {
    if (stepNode === null && (r.kind === 'effect' || r.kind === 'transition')) stepNode = r.node_id;
    if (r.kind === 'transition') {
      if (stepNode) nodes.push(stepNode);
      stepNode = null;
    }
  }
  if (currentNode && nodes[nodes.length - 1] !== currentNode) nodes.push(currentNode);
  const out: PathStep[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (last && last.node === n) last.times++;
    else out.push({ node: n, times: 1 });
  }
  return out;
}

/** Index of the first folded step where the paths differ (length of the common prefix). */
export function divergence(a: PathStep[], b: PathStep[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i]!.node === b[i]!.node && a[i]!.times === b[i]!.times) i++;
  return i;
}
