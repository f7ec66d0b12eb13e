/** A modal confirmation that says exactly what will happen before anything does. */
import { useEffect, useRef, type ReactNode } from 'react';

export function ConfirmDialog(props: { title: string; children: ReactNode; confirmLabel: string; onConfirm(): void; onCancel(): void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={props.title}>
        <h2>{props.title}</h2>
        <div className="modal-body">{props.children}</div>
        <div className="modal-actions">
          <button type="button" onClick={props.onCancel}>
            Back
          </button>
          <button type="button" className="primary" ref={confirmRef} onClick={props.onConfirm}>
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
