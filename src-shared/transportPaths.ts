/**
 * Channel names (Electron IPC) and paths (web host), apart from the zod schemas so the
 * renderer can import them without bundling zod.
 */
export const IPC_INVOKE_CHANNEL = 'abstractruntime:invoke';
export const IPC_EVENT_CHANNEL = 'abstractruntime:event';
export const HTTP_API_PREFIX = '/api/';
export const WS_EVENTS_PATH = '/events';
/** Bundles to verify are streamed here (raw bytes, not in a JSON request), so their size is not bound by the API's body limit. */
export const HTTP_BUNDLE_UPLOAD_PATH = '/upload/verify-bundle';
