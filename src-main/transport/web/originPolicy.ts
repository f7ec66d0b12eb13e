/**
 * Same-origin only. A web page on another site (or a DNS name rebound to 127.0.0.1) must not
 * drive the runtime: we accept a request only when its `Host` names this loopback port and
 * its `Origin`, when a browser sends one, is this very origin.
 */
import type { IncomingHttpHeaders } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function allowedOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
}

/** Null when the request may proceed, else the reason it is refused. */
export function refusalReason(headers: IncomingHttpHeaders, port: number): string | null {
  const host = (headers.host ?? '').toLowerCase();
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return `Host ${JSON.stringify(headers.host ?? '')} is not this loopback server (expected 127.0.0.1:${port} or localhost:${port})`;
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  if (!allowedOrigins(port).includes(origin.toLowerCase())) return `cross-origin request from ${JSON.stringify(origin)} refused`;
  return null;
}

export function isLoopbackBindAddress(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === 'localhost';
}
