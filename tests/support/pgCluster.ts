/**
 * A throw-away PostgreSQL server for tests and benchmarks: `initdb` in a temporary folder, a
 * free port on 127.0.0.1, stopped (and the folder removed) by `stop()`.
 *
 * `ABSTRACTRUNTIME_TEST_PG_URL=postgres://user:pass@host:port/db` points the suites at another
 * server instead; each call then creates (and drops on `stop()`) its own database there.
 * With neither, `findPgBinaries()` says why the PostgreSQL suites skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgServer {
  /** A connection URL to a fresh, empty database on the server. */
  url: string;
  /** Another fresh, empty database on the same server (for copy tests, several stores). */
  createDatabase(name: string): string;
  /** Stop and start the server process (only for the throw-away cluster). */
  restart(): void;
  /** Stop the server without starting it again (only for the throw-away cluster). */
  stopServer(): void;
  startServer(): void;
  stop(): void;
  readonly port: number;
}

const PG_ROOT = '/usr/lib/postgresql';

/** The bin folder of the newest Debian PostgreSQL, or why there is none. */
export function findPgBinaries(): { bin: string } | { missing: string } {
  const fromEnv = process.env.ABSTRACTRUNTIME_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return { bin: fromEnv };
  if (existsSync(PG_ROOT)) {
    const versions = readdirSync(PG_ROOT)
      .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return { bin: join(PG_ROOT, versions[0], 'bin') };
  }
  return {
    missing:
      'no PostgreSQL server binaries (looked in /usr/lib/postgresql/*/bin and $ABSTRACTRUNTIME_PG_BIN). ' +
      'Install them with `apt-get install -y postgresql`, or set ABSTRACTRUNTIME_TEST_PG_URL to a server.',
  };
}

/**
 * Why the PostgreSQL suites cannot run here, or null when they can. Under CI (`.ci/run`
 * installs postgresql) there is no such reason: missing binaries fail the suite there
 * instead of skipping it unseen.
 */
export function pgUnavailableReason(): string | null {
  if (process.env.ABSTRACTRUNTIME_TEST_PG_URL) return null;
  const found = findPgBinaries();
  if (!('missing' in found)) return null;
  if (process.env.CI) throw new Error(`CI=${process.env.CI}, yet the PostgreSQL suites cannot run: ${found.missing}`);
  return found.missing;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary as `postgres` when we are root (initdb refuses root), else as us. */
function runPg(bin: string, tool: string, args: string[]): void {
  const command = isRoot ? 'runuser' : join(bin, tool);
  const fullArgs = isRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) {
    throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(unreadable: ${(err as Error).message})`;
  }
}

function postgresUid(): { uid: number; gid: number } | null {
  if (!isRoot) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function createDb(adminUrl: string, name: string): void {
  // psql is not needed: `createdb` from the same binaries would be, so use the client library.
  const script = `const {Client}=require('pg');(async()=>{const c=new Client({connectionString:${JSON.stringify(
    adminUrl,
  )}});await c.connect();await c.query('CREATE DATABASE "'+${JSON.stringify(name)}+'"');await c.end();})().catch(e=>{console.error(e.message);process.exit(1)})`;
  execFileSync(process.execPath, ['-e', script], { stdio: 'pipe', cwd: process.cwd() });
}

function dropDb(adminUrl: string, name: string): void {
  const script = `const {Client}=require('pg');(async()=>{const c=new Client({connectionString:${JSON.stringify(
    adminUrl,
  )}});await c.connect();await c.query('DROP DATABASE IF EXISTS "'+${JSON.stringify(name)}+'" WITH (FORCE)');await c.end();})().catch(e=>{console.error(e.message);process.exit(1)})`;
  spawnSync(process.execPath, ['-e', script], { stdio: 'pipe', cwd: process.cwd() });
}

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase();

/** Starts a throw-away cluster (or uses ABSTRACTRUNTIME_TEST_PG_URL). */
export async function startPgServer(): Promise<PgServer> {
  const external = process.env.ABSTRACTRUNTIME_TEST_PG_URL;
  if (external) {
    const created: string[] = [];
    const createDatabase = (name: string) => {
      const db = uniqueName(name);
      createDb(external, db);
      created.push(db);
      return withDatabase(external, db);
    };
    const unsupported = () => {
      throw new Error('restarting the server needs the throw-away cluster (ABSTRACTRUNTIME_TEST_PG_URL is set)');
    };
    return {
      url: createDatabase('art'),
      createDatabase,
      restart: unsupported,
      stopServer: unsupported,
      startServer: unsupported,
      stop: () => created.forEach((db) => dropDb(external, db)),
      port: Number(new URL(external).port || 5432),
    };
  }
  const found = findPgBinaries();
  if ('missing' in found) throw new Error(found.missing);
  const { bin } = found;
  const dir = mkdtempSync(join(tmpdir(), 'art-pg-'));
  const owner = postgresUid();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  runPg(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on`;
  const start = () => runPg(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  // A fast shutdown under a loaded test run can take longer than pg_ctl's default 60 s wait;
  // when it fails, the server's own last words say why.
  const stopServer = () => {
    try {
      runPg(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '180', 'stop']);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- the server's log, last lines ---\n${logTail(join(dir, 'log'))}`, { cause: err });
    }
  };
  start();
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const server: PgServer = {
    url: '',
    port,
    createDatabase: (name) => {
      const db = uniqueName(name);
      // The cluster's own `createdb`: a few ms, where starting a Node client costs ~0.7 s.
      runPg(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', db]);
      return withDatabase(admin, db);
    },
    restart: () => {
      stopServer();
      start();
    },
    stopServer,
    startServer: start,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        stopServer();
      } catch {
        // Already stopped by a test; the folder still goes.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server.url = server.createDatabase('art');
  process.once('exit', () => server.stop());
  return server;
}
