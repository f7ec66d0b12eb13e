/**
 * Hardening shared by every window: no navigation away from the app, no new windows,
 * no webviews, no permission prompts, and a strict CSP on every response.
 */
import { shell, type Session, type WebContents } from 'electron';

export function desktopCsp(devServerUrl: string | null): string {
  const dev = devServerUrl ? new URL(devServerUrl) : null;
  return [
    "default-src 'self'",
    // Vite's dev server injects the React refresh preamble inline; the built app does not.
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    dev ? `connect-src 'self' ws://${dev.host}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function installSessionSecurity(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Links to the web open in the user's browser; everything else that would leave the app is refused. */
export function hardenWebContents(contents: WebContents, isAppPage: (url: string) => boolean): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
