/**
 * http_get: trusted (hosts are allow-listed by whoever configures the app) and idempotent
 * (a GET). Redirects are not followed, so a listed host cannot bounce the call elsewhere.
 * Loopback, link-local and private addresses (this machine, the LAN, cloud metadata) are
 * refused unless the host is listed by its exact name: a `*.domain` or `*` (any host) entry
 * never reaches them. The check runs inside the connection's own DNS lookup, so the address checked is
 * the address connected to (no DNS-rebinding gap).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
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
      const res = await get(url, listedExactly(url, hosts), ctx.signal);
      const { text, truncated } = await readCapped(res, (args.max_bytes as number | undefined) ?? DEFAULT_BYTES);
      return {
        url: url.toString(),
        status: res.statusCode ?? 0,
        content_type: header(res, 'content-type'),
        location: header(res, 'location'),
        body: text,
        truncated,
      };
    },
  };
}

/** `host`, `host:port`, `*.domain` or `*` (any host) entries; anything else is refused. */
export function hostAllowed(url: URL, hosts: string[]): boolean {
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return hosts.some((h) => h === '*' || h === host || h === name || (h.startsWith('*.') && name.endsWith(h.slice(1))));
}

/** Listed by its own name (or name:port), not only through a `*.domain` wildcard. */
export function listedExactly(url: URL, hosts: string[]): boolean {
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return hosts.some((h) => h === host || h === name);
}

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, carrier-grade NAT, unspecified or multicast (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function get(url: URL, allowInternal: boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const lookup = (
    hostname: string,
    options: object,
    cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const list = addresses as LookupAddress[];
      const internal = list.find((a) => isInternalAddress(a.address));
      if (internal && !allowInternal) {
        const refusal: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${internal.address}, a loopback, link-local or private address: list "${hostname}" itself in the allowed hosts to reach it`,
        );
        refusal.code = 'EINTERNALADDRESS';
        return cb(refusal, []);
      }
      if ((options as { all?: boolean }).all) return cb(null, list);
      cb(null, list[0]!.address, list[0]!.family);
    });
  };
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && isInternalAddress(literal) && !allowInternal) {
    return Promise.reject(new Error(`${literal} is a loopback, link-local or private address: list it in the allowed hosts to reach it`));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = send(url, { method: 'GET', headers: { 'User-Agent': 'AbstractRuntime-Desktop' }, lookup, signal }, resolvePromise);
    req.on('error', reject);
    req.end();
  });
}

function header(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
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

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
