/** The hash router: `#/runs`, `#/runs/<id>`, `#/settings`, `#/audit` (deep links work in every host). */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'settings' }
  | { page: 'audit' };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const run = /^\/runs\/(.+)$/.exec(path);
  if (run) return { page: 'run', runId: decodeURIComponent(run[1]!) };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/audit') return { page: 'audit' };
  return { page: 'runs' };
}

export function runHref(runId: string): string {
  return `#/runs/${encodeURIComponent(runId)}`;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}
