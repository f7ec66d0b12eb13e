/** Artifact references inside a value (the `{$artifact, size, mime}` the store leaves where a large value was). */
export interface ArtifactRefView {
  ref: string;
  size: number;
  mime: string;
  /** Where it sits in the value, e.g. `results[1].error`. */
  path: string;
}

const MAX_REFS = 50;

export function findArtifactRefs(value: unknown): ArtifactRefView[] {
  const out: ArtifactRefView[] = [];
  const seen = new Set<string>();
  walk(value, '', out, seen);
  return out;
}

function walk(v: unknown, path: string, out: ArtifactRefView[], seen: Set<string>): void {
  if (out.length >= MAX_REFS || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => walk(item, `${path}[${i}]`, out, seen));
    return;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.$artifact === 'string' && /^sha256:[0-9a-f]{64}$/.test(o.$artifact)) {
    if (!seen.has(o.$artifact)) {
      seen.add(o.$artifact);
      out.push({
        ref: o.$artifact,
        size: typeof o.size === 'number' ? o.size : 0,
        mime: typeof o.mime === 'string' ? o.mime : 'application/octet-stream',
        path: path || '(the value)',
      });
    }
    return;
  }
  for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k, out, seen);
}
