export { startWebHost, DEFAULT_WEB_PORT, type WebHost } from './webHost';
