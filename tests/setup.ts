// Shared test setup. DOM-only stubs live in tests/renderer/setup-dom.ts (jsdom files import it).
export {};
