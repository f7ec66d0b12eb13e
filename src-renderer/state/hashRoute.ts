/**
 * The hash router: `#/runs`, `#/runs/<id>`, `#/runs/<id>/records/<seq>`, `#/settings`,
 * `#/audit` (deep links work in every host). Any page may carry a `?query` (the runs list
 * keeps its filters there); the query never changes which page is shown.
 */
import { useSyncExternalStore } from 'react';

/** What the run page's middle column shows (`?view=timeline`). */
export type RunTab = 'ledger' | 'timeline';

export type Route =
  | { page: 'runs'; query: URLSearchParams }
  | { page: 'run'; runId: string; seq: number | null; view: RunTab }
  | { page: 'settings' }
  | { page: 'audit' }
  | { page: 'compare'; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw).replace(/\/+$/, '');
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const record = /^\/runs\/([^/]+)\/records\/(\d+)$/.exec(path);
  const view: RunTab = query.get('view') === 'timeline' ? 'timeline' : 'ledger';
  if (record) return { page: 'run', runId: decode(record[1]!), seq: Number(record[2]), view };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) return { page: 'run', runId: decode(run[1]!), seq: null, view };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/compare') return { page: 'compare', query };
  return { page: 'runs', query };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a hand-typed '%' is part of the id, not a broken link
  }
}

export function runHref(runId: string): string {
  return `#/runs/${encodeURIComponent(runId)}`;
}

export function recordHref(runId: string, seq: number): string {
  return `${runHref(runId)}/records/${seq}`;
}

/** A run page address showing `view` (the ledger is the default and needs no query). */
export function withView(href: string, view: RunTab): string {
  return view === 'ledger' ? href : `${href}?view=${view}`;
}

export function compareHref(a: string, b: string): string {
  return `#/compare?${new URLSearchParams({ a, b }).toString()}`;
}

export function runsHref(query: URLSearchParams): string {
  const s = query.toString();
  return s ? `#/runs?${s}` : '#/runs';
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

/** Changes the address without a history entry (selection, filters), and tells the router. */
export function replaceHash(href: string): void {
  const next = href.startsWith('#') ? href : `#${href}`;
  if (window.location.hash === next) return;
  window.history.replaceState(window.history.state, '', next);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
