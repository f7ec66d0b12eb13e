/**
 * http_get: trusted (hosts are allow-listed by whoever configures the app) and idempotent
 * (a GET). Redirects are not followed, so a listed host cannot bounce the call elsewhere.
 */
import type { ToolDefinition } from '../registry';

const DEFAULT_BYTES = 256_000;
const MAX_BYTES = 5_000_000;

export function httpGetTool(allowedHosts: string[]): ToolDefinition {
  const hosts = allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean);
  return {
    name: 'http_get',
    description: `HTTP GET of an http(s) URL on an allow-listed host (${hosts.join(', ') || 'none configured'}); returns status, content type and body text.`,
    parameters: {
      type: 'object',
      properties: {
        url: { type: 'string', minLength: 1 },
        max_bytes: { type: 'integer', minimum: 1, maximum: MAX_BYTES },
      },
      required: ['url'],
      additionalProperties: false,
    },
    trust: 'trusted',
    idempotent: true,
    timeoutMs: 15_000,
    execute: async (args, ctx) => {
      const url = checkUrl(args.url as string, hosts);
      const res = await fetch(url, { redirect: 'manual', signal: ctx.signal, headers: { 'User-Agent': 'AbstractRuntime-Desktop' } });
      const { text, truncated } = await readCapped(res, (args.max_bytes as number | undefined) ?? DEFAULT_BYTES);
      return {
        url: url.toString(),
        status: res.status,
        content_type: res.headers.get('content-type'),
        location: res.headers.get('location'),
        body: text,
        truncated,
      };
    },
  };
}

/** `host`, `host:port` or `*.domain` entries; anything else is refused. */
export function hostAllowed(url: URL, hosts: string[]): boolean {
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return hosts.some((h) => h === host || h === name || (h.startsWith('*.') && name.endsWith(h.slice(1))));
}

function checkUrl(raw: string, hosts: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`only http(s) URLs are allowed, got ${url.protocol}`);
  if (url.username || url.password) throw new Error('URLs with credentials are not allowed');
  if (!hostAllowed(url, hosts)) throw new Error(`host ${url.host} is not in the allow-list (${hosts.join(', ') || 'empty'})`);
  return url;
}

async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
