/** A run id shown short (start…end, so parent and child differ), whole on hover, copied in one click. */
import { runHref } from '../state/hashRoute';
import { shortId } from './runTree';

export function RunId({ id }: { id: string }) {
  return (
    <span className="run-id">
      <a href={runHref(id)} onClick={(e) => e.stopPropagation()} title={id} className="mono">
        {shortId(id)}
      </a>
      <button
        type="button"
        className="link copy"
        aria-label={`Copy run id ${id}`}
        title="Copy the full run id"
        onClick={(e) => {
          e.stopPropagation();
          void navigator.clipboard?.writeText(id).catch(() => undefined);
        }}
      >
        copy
      </button>
    </span>
  );
}
