export { startWebHost, DEFAULT_WEB_PORT, DEFAULT_MAX_BODY_BYTES, type WebHost, type WebHostOptions } from './webHost';
export { contentSecurityPolicy } from './csp';
export { refusalReason, allowedOrigins } from './originPolicy';
