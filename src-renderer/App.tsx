/** The shell: navigation, the routed page, toasts, and the waiting-runs title count. */
import { useEffect } from 'react';
import { AuditPage } from './audit/AuditPage';
import { ComparePage } from './compare/ComparePage';
import { RunPage } from './run/RunPage';
import { RunsPage } from './runs/RunsPage';
import { SettingsPage } from './settings/SettingsPage';
import { DatabaseBanner } from './shell/DatabaseBanner';
import { IntegrityBanner } from './shell/IntegrityBanner';
import { Toasts } from './shell/Toasts';
import { useToastStore } from './state/toastStore';
import { titleFor, useAttentionStore } from './state/attentionStore';
import { useHashRoute, type Route } from './state/hashRoute';

export function App() {
  const route = useHashRoute();
  const waitingCount = useAttentionStore((s) => s.waiting.size);
  useEffect(() => {
    document.title = titleFor(waitingCount);
  }, [waitingCount]);
  const openRun = route.page === 'run' ? route.runId : null;
  useEffect(() => useToastStore.getState().leftRun(openRun), [openRun]);
  return (
    <div className="app">
      <nav className="topnav" aria-label="Main">
        <span className="brand">AbstractRuntime</span>
        <a href="#/runs" aria-current={route.page === 'runs' || route.page === 'run' ? 'page' : undefined}>
          Runs
          {waitingCount ? (
            <span className="count" aria-label={`${waitingCount} waiting for you`}>
              {waitingCount}
            </span>
          ) : null}
        </a>
        <a href="#/compare" aria-current={route.page === 'compare' ? 'page' : undefined}>
          Compare
        </a>
        <a href="#/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
          Audit
        </a>
        <a href="#/settings" aria-current={route.page === 'settings' ? 'page' : undefined}>
          Settings
        </a>
      </nav>
      <DatabaseBanner />
      <IntegrityBanner />
      <main>
        <Page route={route} />
      </main>
      <Toasts />
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'run':
      return <RunPage runId={route.runId} seq={route.seq} view={route.view} />;
    case 'settings':
      return <SettingsPage />;
    case 'audit':
      return <AuditPage />;
    case 'compare':
      return <ComparePage query={route.query} />;
    default:
      return <RunsPage query={route.page === 'runs' ? route.query : new URLSearchParams()} />;
  }
}
