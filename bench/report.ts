/**
 * Figures as the issue defines them: one `{name, unit, ours, peer | limit, ratio}` per
 * measured quantity, printed as a table and written to bench/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Figure {
  name: string;
  unit: string;
  ours: number;
  peer?: number;
  limit?: number;
  /**
   * How many times better ours is than the reference (peer or limit): ours/ref for rates,
   * ref/ours for durations. null when there is no reference.
   */
  ratio: number | null;
  /** What "better" means for this unit, so the ratio can be read without guessing. */
  better: 'higher' | 'lower';
  target?: string;
  note?: string;
}

/** A figure where more is better (rates): ratio = ours / reference. */
export function rateFigure(name: string, unit: string, ours: number, ref: Reference, extra: FigureExtra = {}): Figure {
  return figure('higher', name, unit, ours, ref, extra);
}

/** A figure where less is better (durations): ratio = reference / ours. */
export function durationFigure(name: string, unit: string, ours: number, ref: Reference, extra: FigureExtra = {}): Figure {
  return figure('lower', name, unit, ours, ref, extra);
}

type Reference = { peer?: number; limit?: number };
type FigureExtra = Pick<Figure, 'target' | 'note'>;

function figure(better: 'higher' | 'lower', name: string, unit: string, ours: number, ref: Reference, extra: FigureExtra): Figure {
  const base = ref.peer ?? ref.limit;
  const ratio = base ? (better === 'higher' ? ours / base : base / ours) : null;
  return { name, unit, ours, ...ref, ratio, better, ...extra };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmt(n: number | undefined | null): string {
  if (n === undefined || n === null || Number.isNaN(n)) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function formatTable(figures: readonly Figure[]): string {
  const head = ['figure', 'unit', 'ours', 'peer', 'limit', 'ratio', 'target'];
  const rows = figures.map((f) => [
    f.name,
    f.unit,
    fmt(f.ours),
    fmt(f.peer),
    fmt(f.limit),
    f.ratio === null ? '' : `${fmt(f.ratio)}×`,
    f.target ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function writeResults(path: string, figures: readonly Figure[], meta: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(figures, null, 2) + '\n');
  writeFileSync(path.replace(/\.json$/, '.meta.json'), JSON.stringify(meta, null, 2) + '\n');
}
