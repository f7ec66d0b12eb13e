import { useToastStore } from '../state/toastStore';
import { CopyCode, capitalise, splitError } from './ErrorText';

export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((t) => {
        const { code, message } = splitError(t.message);
        return (
          <div
            key={t.id}
            className={`toast toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
            title={code ? `Error code ${code}` : undefined}
            data-code={code ?? undefined}
          >
            <div className="toast-title">{t.title}</div>
            <div className="toast-message">{capitalise(message)}</div>
            <div className="toast-actions">
              {code ? <CopyCode code={code} /> : null}
              {t.href ? (
                <a href={t.href} onClick={() => dismiss(t.id)}>
                  Open run
                </a>
              ) : null}
              <button type="button" className="link" onClick={() => dismiss(t.id)} aria-label={`Dismiss ${t.title}`}>
                Dismiss
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
