/**
 * A real host process for the reliability tests (crash loop, two hosts on one database):
 * opens RuntimeHost on a SQLite file exactly as the app does, prints one JSON line per
 * event on stdout, and can be SIGKILLed at any point.
 *
 *   node --import tsx hostDriver.ts <mode> --db FILE --data DIR [--owner ID] [--ttl MS] [--json ARGS]
 *   modes: start (start examples.sideeffect with --json vars), tick (recover + timers),
 *          decide (answer a recovery wait: --json {runId, waitKey, action}),
 *          create (--json {count, n, dir}: examples.sideeffect runs, created, not advanced),
 *          timers (--json {count, delayMs}: examples.timer runs, advanced to their wait)
 *   --at EPOCHMS: act at that time (two processes racing on purpose)
 */
import { RuntimeHost } from '../../../src-main/host/RuntimeHost';

interface Args {
  mode: string;
  db: string;
  data: string;
  owner?: string;
  ttl?: number;
  /** Epoch ms to act at (after opening): lets two processes race on purpose. */
  at?: number;
  json: Record<string, unknown>;
}

function parse(argv: string[]): Args {
  const a: Args = { mode: argv[0] ?? '', db: '', data: '', json: {} };
  for (let i = 1; i < argv.length; i += 2) {
    const v = argv[i + 1] ?? '';
    if (argv[i] === '--db') a.db = v;
    else if (argv[i] === '--data') a.data = v;
    else if (argv[i] === '--owner') a.owner = v;
    else if (argv[i] === '--ttl') a.ttl = Number(v);
    else if (argv[i] === '--at') a.at = Number(v);
    else if (argv[i] === '--json') a.json = JSON.parse(v) as Record<string, unknown>;
  }
  return a;
}

const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const host = await RuntimeHost.open({
    dbPath: args.db,
    dataDir: args.data,
    ...(args.owner ? { leaseOwner: args.owner } : {}),
    ...(args.ttl ? { leaseTtlMs: args.ttl } : {}),
  });
  say({ event: 'ready', pid: process.pid });
  if (args.at) await new Promise((r) => setTimeout(r, Math.max(0, args.at! - Date.now())));
  if (args.mode === 'start') {
    const state = await host.startRun('examples.sideeffect', args.json as never);
    say({ event: 'state', runId: state.run_id, status: state.status });
  } else if (args.mode === 'tick') {
    const report = await host.tick();
    say({ event: 'ticked', ...report });
  } else if (args.mode === 'decide') {
    const { runId, waitKey, action } = args.json as { runId: string; waitKey: string; action: string };
    const state = await host.resume(runId, waitKey, { action, ...(action === 'skip' ? { result: null } : {}) });
    say({ event: 'state', runId, status: state.status });
  } else if (args.mode === 'create') {
    // Runs created but not advanced, so that other hosts race to advance them.
    const { count, n, dir } = args.json as { count: number; n: number; dir: string };
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push((await host.runtime.start('examples.sideeffect', { n, path: `${dir}/lines-${i}.txt` })).run_id);
    say({ event: 'created', runIds: ids });
  } else if (args.mode === 'timers') {
    const { count, delayMs } = args.json as { count: number; delayMs: number };
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await host.startRun('examples.timer', { delayMs })).run_id);
    say({ event: 'timers', runIds: ids });
  } else throw new Error(`unknown mode ${args.mode}`);
  await host.whenIdle();
  await host.close();
  say({ event: 'closed' });
}

main().catch((e: unknown) => {
  say({ event: 'error', code: (e as { code?: string }).code ?? null, message: (e as Error).message });
  process.exit(2);
});
