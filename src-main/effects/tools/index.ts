/** Tools: the registry, the `tool_calls` effect handler, and the built-in tools. */
export { ToolRegistry, DEFAULT_TOOL_TIMEOUT_MS, type ToolDefinition, type ToolTrust, type ToolContext, type ToolSpec } from './registry';
export { createToolCallsEffectHandler, type ToolCallsHandlerOptions } from './handler';
export { normalizeToolCallsPayload, realignToolResults, parseToolCalls, type ParsedCall } from './payload';
export { validateJsonSchema, type JsonSchema } from './jsonSchema';
export { readResumePayload, type Decision, type ExternalResult, type ResumeInput } from './decisions';
export { registerBuiltinTools, addTool, currentTimeTool, fileTools, httpGetTool, hostAllowed, type BuiltinToolOptions } from './builtins/index';
