/** "Open folder…": a Python store folder to look at where it is, read-only, followed as it grows. */
import { useState } from 'react';
import { useForeignFoldersStore } from './foreignFoldersStore';
import { ErrorText } from '../shell/ErrorText';

export function OpenFolderDialog({ onClose }: { onClose(): void }) {
  const [path, setPath] = useState('');
  const { open, error } = useForeignFoldersStore();
  const submit = async () => {
    if (path.trim() && (await open(path.trim()))) onClose();
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Open a Python store folder">
        <h2>Open a Python store folder</h2>
        <p className="muted">
          A folder the Python AbstractRuntime writes (<code>run_&lt;id&gt;.json</code> + <code>ledger_&lt;id&gt;.jsonl</code>). Its runs are
          shown read-only and followed as Python appends; nothing is imported.
        </p>
        <label>
          Folder path
          <input
            type="text"
            value={path}
            autoFocus
            spellCheck={false}
            placeholder="/path/to/python/store"
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
          />
        </label>
        {error ? <ErrorText text={error} /> : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!path.trim()} onClick={() => void submit()}>
            Open
          </button>
        </div>
      </div>
    </div>
  );
}
