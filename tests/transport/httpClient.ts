/** Raw HTTP for tests: unlike fetch, node:http lets a test forge Host and Origin like an attacker would. */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpRequest(
  url: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: withToken(url, opts.headers ?? {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/**
 * The web host hands out `<origin>/session/<token>/`: requests made from such a URL carry
 * the token as a Bearer header, like a script using `serve --token-file` (unless the test
 * sets its own Authorization, or passes `Authorization: ''` to send none).
 */
export function withToken(url: string, headers: Record<string, string>): Record<string, string> {
  const token = /\/session\/([^/]+)\//.exec(new URL(url).pathname)?.[1];
  const own = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
  if (own !== undefined) {
    if (headers[own] !== '') return headers;
    const { [own]: _, ...rest } = headers;
    return rest;
  }
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

export async function postApi(url: string, method: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await httpRequest(url, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  return {
    status: res.status,
    result: JSON.parse(res.body) as {
      ok: boolean;
      value?: any;
      error?: { code: string; message: string; retryable: boolean; details?: any };
    },
  };
}
