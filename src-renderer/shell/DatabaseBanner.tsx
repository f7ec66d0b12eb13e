/** A banner while the host's database file is gone (deleted or replaced under it): nothing is saved any more. */
import { useEffect, useState } from 'react';
import { runtimeClient } from '../state/clientRef';

const CHECK_MS = 5000;

export function DatabaseBanner() {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const check = () =>
      runtimeClient()
        .call('getInfo', {})
        .then((info) => live && setProblem(info.databaseProblem ?? null))
        .catch(() => undefined); // a host that cannot answer is reported by the calls that fail
    void check();
    const timer = setInterval(check, CHECK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  if (!problem) return null;
  return (
    <div className="banner-error" role="alert" aria-label="Database problem">
      <strong>DATABASE_GONE</strong> {problem}. Nothing more is saved: restart the app to open the file now at that path.
    </div>
  );
}
