/**
 * The web host's per-launch secret. Loopback is not a boundary between local users or
 * processes: anything on this machine can reach 127.0.0.1, so every API call and the event
 * socket must prove they hold the token `serve` printed. A browser receives it once, by
 * opening `/session/<token>` (the URL `serve` prints), which sets an `HttpOnly;
 * SameSite=Strict` cookie scoped to this port and redirects to the app; scripts send
 * `Authorization: Bearer <token>` (from `serve --token-file`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_PATH_PREFIX = '/session/';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Cookies are per host, not per port: two hosts on one machine must not overwrite each other's. */
export function sessionCookieName(port: number): string {
  return `ar_session_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${sessionCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The login URL the host hands out: opening it in a browser starts a session. */
export function sessionUrl(origin: string, token: string): string {
  return `${origin}${SESSION_PATH_PREFIX}${token}/`;
}

/** The token a `/session/<token>[/…]` path carries, or null. */
export function tokenInSessionPath(path: string): string | null {
  if (!path.startsWith(SESSION_PATH_PREFIX)) return null;
  return path.slice(SESSION_PATH_PREFIX.length).split('/')[0] || null;
}

/** Whether the request carries the token, as a Bearer header or this port's session cookie. */
export function requestHasToken(headers: IncomingHttpHeaders, port: number, token: string): boolean {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ') && sameToken(auth.slice(7).trim(), token)) return true;
  const name = sessionCookieName(port);
  for (const part of (headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name && sameToken(v.join('='), token)) return true;
  }
  return false;
}

export function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
