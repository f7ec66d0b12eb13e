/** Pretty JSON in a scrollable block, every number as stored (1.0, -0.0, 98765432109876543210), with any artifacts it references one click away. */
import { useMemo, useState } from 'react';
import { findArtifactRefs } from './artifactRefs';
import { ArtifactViewer } from './ArtifactViewer';
import { stringifyExact } from '../../src-shared/exactJson';

export function JsonView({ value, label }: { value: unknown; label?: string }) {
  return (
    <>
      <pre className="json" aria-label={label} tabIndex={0}>
        {value === undefined ? '—' : stringifyExact(value, 2)}
      </pre>
      <ArtifactLinks value={value} />
    </>
  );
}

function ArtifactLinks({ value }: { value: unknown }) {
  const refs = useMemo(() => findArtifactRefs(value), [value]);
  const [open, setOpen] = useState<string | null>(null);
  if (refs.length === 0) return null;
  return (
    <>
      <ul className="artifact-links" aria-label="Artifacts">
        {refs.map((r) => (
          <li key={r.ref}>
            <button type="button" className="link" onClick={() => setOpen(r.ref)} title={r.ref}>
              Open artifact {r.ref.slice(7, 19)}…
            </button>{' '}
            <span className="muted">
              {r.path} · {r.mime} · {r.size.toLocaleString()} bytes
            </span>
          </li>
        ))}
      </ul>
      {open ? <ArtifactViewer artifactRef={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
