/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 that answers chat-completions requests
 * from a script (content, tool calls, HTTP errors, 429s, slow replies), in order, and
 * records every request it receives (method, path, headers, parsed body). Shared by the
 * effects, bench and e2e tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  name: string;
  /** An object is sent JSON-encoded; a string is sent as is (to script invalid JSON). */
  arguments?: Record<string, unknown> | string;
  id?: string;
}

export interface ScriptedCompletion {
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  model?: string;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number };
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface ScriptedError {
  status: number;
  /** Default `{error: {message: "scripted <status>"}}`. */
  body?: unknown;
  delayMs?: number;
  /** 429/5xx replies default to `retry-after-ms: 1` so client retries do not slow tests down. */
  headers?: Record<string, string>;
}

export type ScriptedReply =
  | ScriptedCompletion
  | ScriptedError
  | ((req: RecordedRequest) => ScriptedCompletion | ScriptedError | Promise<ScriptedCompletion | ScriptedError>);

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON body (null when empty or not JSON). */
  body: any;
  rawBody: string;
}

export interface ScriptedOpenAiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<port>/v1` */
  baseUrlV1: string;
  requests: RecordedRequest[];
  /** Appends replies to the script. */
  push(...replies: ScriptedReply[]): void;
  /** Replies not served yet. */
  remaining(): number;
  /** Resolves with the n-th chat request (1-based) once it has arrived. */
  waitForRequest(n: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Served when the script is empty (default: HTTP 500 "script exhausted", marked not retryable). */
  whenEmpty?: ScriptedReply;
}

export async function startScriptedOpenAiServer(
  script: ScriptedReply[] = [],
  opts: ScriptedServerOptions = {},
): Promise<ScriptedOpenAiServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: (r: RecordedRequest) => void }[] = [];
  let chatCount = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => send(res, 500, { error: { message: `scripted server crashed: ${err.message}` } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req);
    requests.push(recorded);
    if (req.method === 'GET' && recorded.path.endsWith('/models'))
      return send(res, 200, { object: 'list', data: [{ id: 'scripted-model', object: 'model' }] });
    if (req.method !== 'POST' || !recorded.path.endsWith('/chat/completions'))
      return send(res, 404, { error: { message: `no route ${req.method} ${recorded.path}` } });
    chatCount++;
    for (const w of waiters.filter((w) => w.n === chatCount)) w.resolve(recorded);
    const next = queue.shift() ??
      opts.whenEmpty ?? {
        status: 500,
        body: { error: { message: 'scripted server: script exhausted' } },
        headers: { 'x-should-retry': 'false' },
      };
    const reply = typeof next === 'function' ? await next(recorded) : next;
    if (reply.delayMs && !(await delay(reply.delayMs, res))) return;
    if ('status' in reply) {
      const retryHeaders: Record<string, string> = reply.status === 429 || reply.status >= 500 ? { 'retry-after-ms': '1' } : {};
      return send(res, reply.status, reply.body ?? { error: { message: `scripted ${reply.status}` } }, {
        ...retryHeaders,
        ...reply.headers,
      });
    }
    send(res, 200, completionBody(reply, recorded, chatCount), reply.headers);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrlV1: `${url}/v1`,
    requests,
    push: (...replies) => void queue.push(...replies),
    remaining: () => queue.length,
    waitForRequest: (n) => {
      const seen = requests.filter((r) => r.path.endsWith('/chat/completions'))[n - 1];
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function completionBody(reply: ScriptedCompletion, req: RecordedRequest, n: number) {
  const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${n}_${i}`,
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) },
  }));
  const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  return {
    id: `chatcmpl-scripted-${n}`,
    object: 'chat.completion',
    created: 1_700_000_000 + n,
    model: reply.model ?? (typeof req.body?.model === 'string' ? req.body.model : 'scripted-model'),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content ?? (toolCalls.length ? null : ''),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      },
    ],
    usage: { ...usage, total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens },
  };
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : null;
  } catch {
    body = null;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, headers, body, rawBody };
}

/** Waits, unless the client hangs up first (cancelled or timed out): then false. */
function delay(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', onClose);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
