/**
 * Opens one artifact: a preview by kind (JSON, text, image) and a Save button that downloads
 * the exact stored bytes. JSON is pretty-printed only when that keeps every number as stored.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ArtifactContent } from '../../src-shared/api';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { runtimeClient } from '../state/clientRef';
import { describeError } from '../state/toastStore';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import { ErrorText } from './ErrorText';

const PREVIEW_CHARS = 200_000;

export function ArtifactViewer({ artifactRef, onClose }: { artifactRef: string; onClose(): void }) {
  const [content, setContent] = useState<ArtifactContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    runtimeClient()
      .call('getArtifact', { ref: artifactRef })
      .then((c) => live && setContent(c))
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [artifactRef]);

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal artifact-viewer" role="dialog" aria-modal="true" aria-label="Artifact">
        <h2>Artifact</h2>
        <p className="mono muted" title={artifactRef}>
          {artifactRef}
        </p>
        {error ? <ErrorText text={error} /> : null}
        {content ? (
          <p className="muted">
            {content.mime} · {content.size.toLocaleString()} bytes
          </p>
        ) : null}
        {content ? <Preview content={content} /> : !error ? <p className="muted">Loading…</p> : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
          <button type="button" className="primary" disabled={!content} onClick={() => content && save(content)}>
            Save…
          </button>
        </div>
      </div>
    </div>
  );
}

function Preview({ content }: { content: ArtifactContent }) {
  const text = useMemo(() => (content.encoding === 'utf8' ? previewText(content) : null), [content]);
  if (content.mime.startsWith('image/') && content.encoding === 'base64') {
    return <img className="artifact-image" alt={`Artifact ${content.ref}`} src={`data:${content.mime};base64,${content.data}`} />;
  }
  if (text === null) return <p className="muted">Binary content: save it to open it.</p>;
  return (
    <>
      <pre className="json artifact-preview" aria-label="Artifact content" tabIndex={0}>
        {text.shown}
      </pre>
      {text.truncated ? (
        <p className="muted">Showing the first {PREVIEW_CHARS.toLocaleString()} characters: save to see all of it.</p>
      ) : null}
    </>
  );
}

function previewText(c: ArtifactContent): { shown: string; truncated: boolean } {
  let shown = c.data;
  if (c.mime === 'application/json' && c.data.length <= PREVIEW_CHARS) {
    try {
      const parsed = readJsonExact(c.data);
      // Pretty only when re-encoding gives the stored text back (a duplicate key would not).
      if (canonicalJson(parsed) === c.data) shown = stringifyExact(parsed, 2);
    } catch {
      /* shown as stored */
    }
  }
  return shown.length > PREVIEW_CHARS ? { shown: shown.slice(0, PREVIEW_CHARS), truncated: true } : { shown, truncated: false };
}

function save(c: ArtifactContent): void {
  const bytes = c.encoding === 'utf8' ? new TextEncoder().encode(c.data) : Uint8Array.from(atob(c.data), (ch) => ch.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: c.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${c.ref.replace(':', '-').slice(0, 23)}${extensionFor(c.mime)}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function extensionFor(mime: string): string {
  if (mime === 'application/json') return '.json';
  if (mime.startsWith('text/')) return '.txt';
  const image = /^image\/(png|jpeg|gif|webp|svg\+xml)$/.exec(mime);
  return image ? `.${image[1] === 'svg+xml' ? 'svg' : image[1] === 'jpeg' ? 'jpg' : image[1]}` : '.bin';
}
