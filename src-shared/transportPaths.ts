/**
 * Channel names (Electron IPC) and paths (web host), apart from the zod schemas so the
 * renderer can import them without bundling zod.
 */
export const IPC_INVOKE_CHANNEL = 'abstractruntime:invoke';
export const IPC_EVENT_CHANNEL = 'abstractruntime:event';
export const HTTP_API_PREFIX = '/api/';
export const WS_EVENTS_PATH = '/events';
