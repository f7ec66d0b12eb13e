/**
 * A synchronous PostgreSQL connection: the store contracts are synchronous (the kernel
 * commits inside its run lock without awaiting), so a `node:worker_threads` worker owns a
 * `pg` connection and the calling thread blocks on a SharedArrayBuffer (`Atomics.wait`)
 * until the worker answers through a MessagePort read with `receiveMessageOnPort` (the
 * synckit pattern). One call sends a whole list of statements, run in order in ONE thread
 * hop, so a commit's statements cost one wake-up of this thread, not one per statement.
 *
 * The worker reconnects with backoff when its connection is gone before a call starts; a
 * connection lost during a call fails that call (the server rolls the open transaction
 * back, so nothing is half-written) and the next call reconnects.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { noteBlocked } from '../../runtime/loopTimeout';
import { pgErrorToStoreError, type PgErrorInfo } from './pgErrors';

export interface PgStatement {
  text: string;
  values?: unknown[];
  /**
   * For a `COPY … FROM STDIN` text: its rows, `width` values each, sent in COPY's text
   * format. Typed by the columns as a parameter is; the client writes them while the
   * server runs the statements before it.
   */
  copy?: { values: unknown[]; width: number };
}

export interface PgResult {
  rows: unknown[][];
  rowCount: number;
}

export interface PgSyncOptions {
  /** How long a call may take before it is abandoned (default 60 s). */
  callTimeoutMs?: number;
  /** How long the worker keeps trying to (re)connect before a call fails (default 10 s). */
  reconnectForMs?: number;
  /** Sent once per connection, e.g. `SET application_name …`. */
  onConnect?: string[];
}

type Reply = { ok: true; results: PgResult[]; backendPid: number } | { ok: false; error: PgErrorInfo; backendPid: number | null };

// Plain JavaScript run with `eval`: a separate worker file would need its own entry in the CLI
// bundle and the Electron build; `pg` is resolved by the caller and handed over as a path.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const { port, signal, url, reconnectForMs, onConnect } = workerData;
// Integers come back as numbers (seqs, epoch ms), bytea as bytes, everything else as text.
const types = { getTypeParser: (oid, format) => (oid === 20 || oid === 23 || oid === 21) ? Number
  : oid === 16 ? (v) => v === 't' : oid === 17 ? pg.types.getTypeParser(17, format) : (v) => v };
let client = null;
let broken = true;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function plain(err, phase) {
  return { message: String(err && err.message || err), code: err && err.code || null, phase,
    severity: err && err.severity || null, detail: err && err.detail || null };
}
async function connect() {
  const started = Date.now();
  let delay = 50;
  for (;;) {
    const c = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: Math.max(1000, reconnectForMs) });
    c.on('error', () => { broken = true; });
    c.on('end', () => { broken = true; });
    try {
      await c.connect();
      for (const sql of onConnect) await c.query(sql);
      client = c; broken = false;
      return;
    } catch (err) {
      c.end().catch(() => {});
      // Only an unreachable or restarting server is worth waiting for; a wrong password or a
      // missing database will not heal by itself.
      const code = err && err.code;
      const transient = !code || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03' || code === '57P01' || code === 'ETIMEDOUT';
      if (!transient || Date.now() - started + delay > reconnectForMs) throw Object.assign(err, { phase: 'connect' });
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
  }
}
async function run(statements, pipeline) {
  if (broken || !client) {
    if (client) client.end().catch(() => {});
    client = null;
    await connect();
  }
  const results = [];
  const joined = pipeline && statements.length > 1 ? inlined(statements) : null;
  if (joined !== null) {
    const r = await query(joined, statements.filter((s) => s.copy));
    const all = Array.isArray(r) ? r : [r];
    let at = 0;
    for (const s of statements) {
      at += parts(s.text);
      const last = all[at - 1];
      results.push({ rows: (last && last.rows) || [], rowCount: (last && last.rowCount) || 0 });
    }
    return results;
  }
  for (const s of statements) {
    const r = s.copy ? await query(s.text, [s]) : await client.query({ text: s.text, values: s.values, rowMode: 'array' });
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    results.push({ rows: last.rows || [], rowCount: last.rowCount || 0 });
  }
  return results;
}
// A pipelined call sends its statements as ONE simple-protocol query, each parameter written
// as a quoted literal of the text pg itself would send for it (pg.utils.prepareValue), so the
// server types it from its context, as it types a parameter: one round trip for the list. A
// statement's results are the last of its own parts (its template's ';'-separated statements).
// (Written without backslashes: this source sits inside a template literal.)
const BS = String.fromCharCode(92);
const PLACEHOLDER = new RegExp('[$]([0-9]+)', 'g');
function parts(text) {
  return text.split(';').filter((p) => p.trim()).length;
}
const QUOTES = new RegExp("'", 'g');
const BACKSLASHES = new RegExp(BS + BS, 'g');
function literal(v) {
  const text = pg.utils.prepareValue(v);
  if (text === null || text === undefined) return 'NULL';
  // Bytes pg would send in binary: bytea's hex text instead.
  return quoted(text instanceof Uint8Array ? BS + 'x' + Buffer.from(text).toString('hex') : text);
}
// The text pg.escapeLiteral writes, by two native replaces instead of its loop over every
// character (the lists carry megabytes of state and records).
function quoted(text) {
  const q = text.replace(QUOTES, "''");
  return text.includes(BS) ? " E'" + q.replace(BACKSLASHES, BS + BS) + "'" : "'" + q + "'";
}
function inlined(statements) {
  const texts = [];
  for (const s of statements) {
    const lits = (s.values || []).map(literal);
    texts.push(s.text.replace(PLACEHOLDER, (m, n) => lits[Number(n) - 1] ?? m));
  }
  const text = texts.join('; ');
  // A NUL would end the query message early: such a call goes statement by statement, and
  // the server refuses the value there, by name.
  return text.includes(String.fromCharCode(0)) ? null : text;
}
// COPY's text format: a tab between values, a newline after each row, backslash-N for NULL, and a
// backslash, tab, newline or carriage return inside a value escaped with a backslash.
// Bytes go as bytea's hex text (its backslash escaped too). A NUL is sent as it is: the
// server refuses it as it refuses a parameter (0x00), naming the row.
const TAB = String.fromCharCode(9);
const NL = String.fromCharCode(10);
const COPY_SPECIAL_CLASS = '[' + BS + BS + TAB + NL + String.fromCharCode(13) + ']';
// Tested first (no flag, no lastIndex): most values hold none, and a replace that finds
// nothing still costs more than the test.
const HAS_COPY_SPECIAL = new RegExp(COPY_SPECIAL_CLASS);
const COPY_SPECIAL = new RegExp(COPY_SPECIAL_CLASS, 'g');
const COPY_ESCAPE = { [BS]: BS + BS, [TAB]: BS + 't', [NL]: BS + 'n', [String.fromCharCode(13)]: BS + 'r' };
function copyField(v) {
  let text = typeof v === 'string' ? v : pg.utils.prepareValue(v);
  if (text === null || text === undefined) return BS + 'N';
  if (text instanceof Uint8Array) text = BS + 'x' + Buffer.from(text).toString('hex');
  return HAS_COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL, (c) => COPY_ESCAPE[c]) : text;
}
// A COPY's rows in chunks of about COPY_CHUNK characters: no one string of a whole send
// (V8's limit, 2^29 characters, is the ledger rows of about 70,000 runs' turns), and each
// chunk goes out as it is written, the server reading one while the client writes the next.
const COPY_CHUNK = 1 << 20;
function copyChunk(feed) {
  const { values, width } = feed.copy;
  const lines = [];
  let size = 0;
  while (feed.at < values.length && size < COPY_CHUNK) {
    let line = copyField(values[feed.at]);
    for (let c = 1; c < width; c++) line += TAB + copyField(values[feed.at + c]);
    line += NL;
    lines.push(line);
    size += line.length;
    feed.at += width;
  }
  if (feed.at >= values.length) feed.written = true;
  return lines.join('');
}
// A query whose COPY … FROM STDIN statements take, in order, the rows of \`copies\`. The query
// goes first; the rows are written a chunk per turn, from then on: while the server runs
// what comes before the first COPY, then while it reads the chunks sent. After an error the
// server drops whatever copy data still comes (simple protocol), so writing just stops.
function query(text, copies) {
  if (copies.length === 0) return client.query({ text, rowMode: 'array' });
  return new Promise((resolve, reject) => {
    let over = false;
    const q = new pg.Query({ text, rowMode: 'array' }, undefined, (err, r) => {
      over = true;
      return err ? reject(err) : resolve(r);
    });
    const feeds = copies.map((s) => ({ copy: s.copy, at: 0, chunks: [], written: false, connection: null, ended: false }));
    let started = 0;
    const send = (feed) => {
      if (!feed.connection || feed.ended || over) return;
      for (const chunk of feed.chunks) feed.connection.sendCopyFromChunk(Buffer.from(chunk));
      feed.chunks = [];
      if (feed.written) {
        feed.ended = true;
        feed.connection.endCopyFrom();
      }
    };
    q.handleCopyInResponse = (connection) => {
      const feed = feeds[started++];
      if (!feed) return connection.sendCopyFail('more COPY statements than rows sent for them');
      feed.connection = connection;
      send(feed);
    };
    client.query(q);
    let writing = 0;
    const write = () => {
      while (writing < feeds.length && feeds[writing].written) writing++;
      if (over || writing >= feeds.length) return;
      const feed = feeds[writing];
      const chunk = copyChunk(feed);
      if (chunk) feed.chunks.push(chunk);
      send(feed);
      setImmediate(write);
    };
    write();
  });
}
port.on('message', async (msg) => {
  let reply;
  try {
    if (msg.close) { if (client) await client.end().catch(() => {}); client = null; reply = { ok: true, results: [], backendPid: 0 }; }
    else reply = { ok: true, results: await run(msg.statements, msg.pipeline), backendPid: client.processID };
  } catch (err) {
    const lost = broken || (err && /Connection terminated|ECONNRESET|EPIPE/.test(String(err.message)));
    if (lost) broken = true;
    else if (msg.rollbackOnError && client) await client.query('ROLLBACK').catch(() => { broken = true; });
    reply = { ok: false, error: plain(err, err && err.phase || (lost ? 'lost' : 'query')), backendPid: client ? client.processID : null };
  }
  reply.id = msg.id;
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

export class PgSyncClient {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly timeoutMs: number;
  private readonly opts: PgSyncOptions;
  private closed = false;
  /** Calls made: each call's id, echoed by its answer. */
  private calls = 0;
  /** The server process of this connection (its NOTIFYs are this store's own writes). */
  backendPid: number | null = null;

  constructor(
    readonly url: string,
    readonly label: string,
    opts: PgSyncOptions = {},
  ) {
    this.timeoutMs = opts.callTimeoutMs ?? 60_000;
    this.opts = opts;
  }

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        signal: this.signal,
        url: this.url,
        pgPath,
        reconnectForMs: this.opts.reconnectForMs ?? 10_000,
        onConnect: this.opts.onConnect ?? [],
      },
      transferList: [port2],
      // Plain JavaScript: no loaders (a `--import tsx` hook thread would wait on this blocked thread).
      execArgv: [],
    });
    // The worker must never keep the process alive on its own (close() ends it).
    this.worker.unref();
    this.port = port1;
    return port1;
  }

  /** Ends the worker thread (its connection goes with it); the next call starts a new one. */
  private stopWorker(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = null;
    this.port = null;
  }

  /**
   * Runs the statements in order on the connection; throws a typed store error. `pipeline`:
   * all of them in one server round trip (one simple-protocol query, the values inlined as
   * literals), for lists whose texts are the store's own, each with no ';' inside a quote.
   */
  run(statements: PgStatement[], opts: { rollbackOnError?: boolean; pipeline?: boolean } = {}): PgResult[] {
    const reply = this.call({ statements, rollbackOnError: !!opts.rollbackOnError, pipeline: !!opts.pipeline });
    if (reply.ok) {
      this.backendPid = reply.backendPid;
      return reply.results;
    }
    throw pgErrorToStoreError(reply.error, this.label);
  }

  /** One statement's rows. */
  rows<T extends unknown[] = unknown[]>(text: string, values: unknown[] = []): T[] {
    return this.run([{ text, values }])[0]!.rows as T[];
  }

  close(): void {
    if (this.closed) return;
    if (this.port) {
      try {
        this.call({ close: true });
      } catch {
        // Ending the thread below closes the socket anyway.
      }
    }
    this.closed = true;
    this.stopWorker();
  }

  /** One call, the thread blocked until its answer; the wait is noted so no time limit counts it (loopTimeout.ts). */
  private call(msg: object): Reply {
    const started = performance.now();
    try {
      return this.awaitAnswer(msg);
    } finally {
      noteBlocked(performance.now() - started);
    }
  }

  private awaitAnswer(msg: object): Reply {
    if (this.closed) throw pgErrorToStoreError({ message: 'the store is closed', code: null, phase: 'closed' }, this.label);
    const port = this.start();
    const id = ++this.calls;
    Atomics.store(this.signal, 0, 0);
    port.postMessage({ ...msg, id });
    const deadline = Date.now() + this.timeoutMs;
    // A wake-up is not an answer: Atomics.wait returned with nothing on the port about once
    // in 5,000 calls while other threads of the process were starting (a host with workflow
    // modules, just opened: tests/host/postgresManyStarts.test.ts), and that call failed as
    // "no answer within 60000 ms" in under a second. So this waits until this call's answer
    // (by its id) is on the port, for the time left; with the signal set and the answer not
    // readable yet, it looks again every millisecond.
    for (;;) {
      const received = receiveMessageOnPort(port);
      if (received) {
        if ((received.message as { id?: number }).id === id) return received.message as Reply;
        continue; // the answer of a call given up before: dropped
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (Atomics.load(this.signal, 0) === 1) Atomics.wait(this.signal, 0, 1, 1);
      else Atomics.wait(this.signal, 0, 0, left);
    }
    // A late answer would be taken for the next call's: this connection is given up.
    this.stopWorker();
    throw pgErrorToStoreError(
      { message: `no answer from the database within ${this.timeoutMs} ms`, code: null, phase: 'timeout' },
      this.label,
    );
  }
}
