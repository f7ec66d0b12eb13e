/**
 * A modal confirmation that says exactly what will happen before anything does. Every dialog's
 * footer reads the same: the way out on the left ("Cancel" where the primary action would
 * change something, "Close" where the dialog only shows), the primary action on the right.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The way out, when "Cancel" would read as the action itself (cancelling a run). */
  dismissLabel?: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={props.title}>
        <h2>{props.title}</h2>
        <div className="modal-body">{props.children}</div>
        <div className="modal-actions">
          <button type="button" onClick={props.onCancel}>
            {props.dismissLabel ?? 'Cancel'}
          </button>
          <button type="button" className="primary" ref={confirmRef} onClick={props.onConfirm}>
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
