/**
 * Which page URLs are "our app": the built renderer's index.html (file://) or, in
 * development, the electron-vite dev server's origin. Queries and hashes are client-side
 * routing and do not change the page.
 */
import { pathToFileURL } from 'node:url';

export interface AppPages {
  /** Absolute path of the built renderer's index.html. */
  indexHtml: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), when running `electron-vite dev`. */
  devServerUrl?: string | null;
}

export function isAppUrl(url: string, pages: AppPages): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    return withoutQueryAndHash(parsed) === withoutQueryAndHash(pathToFileURL(pages.indexHtml));
  }
  if (!pages.devServerUrl) return false;
  return parsed.origin === new URL(pages.devServerUrl).origin;
}

function withoutQueryAndHash(u: URL): string {
  return `${u.protocol}//${u.host}${decodeURIComponent(u.pathname)}`;
}
