/**
 * Serves the built renderer (`out/web`): right MIME types, no path escaping the folder
 * (`..`, encoded slashes, symlinks), SPA fallback to index.html for app routes, and a clear
 * 503 page when the renderer has not been built.
 */
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { SECURITY_HEADERS } from './csp';
import { mimeTypeFor } from './mimeTypes';

export interface StaticOptions {
  staticDir: string;
  csp: string;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, opts: StaticOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const root = resolve(opts.staticDir);
  const index = resolve(root, 'index.html');
  if (!existsSync(index)) return sendText(res, 503, notBuiltPage(root), { 'Content-Type': 'text/html; charset=utf-8' });
  const pathname = decodedPath(req.url ?? '/');
  if (pathname === null) return sendText(res, 400, 'bad path');
  const target = await resolveInside(root, pathname);
  if (target === 'outside') return sendText(res, 404, 'not found');
  if (target) return sendFile(req, res, target, opts.csp);
  // Client-side routes have no extension; a missing asset is a real 404.
  if (extname(pathname) === '') return sendFile(req, res, index, opts.csp);
  return sendText(res, 404, 'not found');
}

function decodedPath(url: string): string | null {
  const raw = url.split('?')[0]!.split('#')[0]!;
  try {
    const decoded = decodeURIComponent(raw);
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    return decoded;
  } catch {
    return null;
  }
}

/** The file for `pathname` when it is a regular file inside `root`; 'outside' when it escapes. */
async function resolveInside(root: string, pathname: string): Promise<string | null | 'outside'> {
  const candidate = resolve(root, '.' + (pathname.endsWith('/') ? pathname + 'index.html' : pathname));
  if (!isInside(root, candidate)) return 'outside';
  try {
    const real = await realpath(candidate);
    if (!isInside(await realpath(root), real)) return 'outside';
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, csp: string): void {
  const ext = extname(file);
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(ext) };
  if (ext === '.html') {
    headers['Content-Security-Policy'] = csp;
    headers['Cache-Control'] = 'no-cache';
  } else {
    headers['Cache-Control'] = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function sendText(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function notBuiltPage(root: string): string {
  const escaped = root.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>AbstractRuntime: inspector not built</title>
<h1>The inspector has not been built</h1>
<p>No <code>index.html</code> in <code>${escaped}</code>. Run <code>npm run build:web</code>, then reload this page.</p>
<p>The API is available at <code>POST /api/&lt;method&gt;</code> meanwhile.</p>`;
}
