import { useToastStore } from '../state/toastStore';

export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-title">{t.title}</div>
          <div className="toast-message">{t.message}</div>
          <div className="toast-actions">
            {t.href ? <a href={t.href} onClick={() => dismiss(t.id)}>Open run</a> : null}
            <button type="button" className="link" onClick={() => dismiss(t.id)} aria-label={`Dismiss ${t.title}`}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
