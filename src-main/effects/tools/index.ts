/** Tools: the registry, the `tool_calls` effect handler, and the built-in tools. */
export { ToolRegistry, type ToolDefinition, type ToolSpec } from './registry';
export { createToolCallsEffectHandler } from './handler';
export { normalizeToolCallsPayload, realignToolResults } from './payload';
export { validateJsonSchema, type JsonSchema } from './jsonSchema';
export { registerBuiltinTools } from './builtins/index';
