/**
 * Typed errors with stable codes. The CLI prints `code: message`; the UI shows the code;
 * transports carry `{code, message, retryable, details}` and rebuild the class from `code`.
 * `retryable` says whether trying the same call again can help.
 */
export interface ErrorPayload {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

export class RuntimeError extends Error {
  readonly code: string = 'RUNTIME_ERROR';
  readonly retryable: boolean = false;
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

function defineError(code: string, retryable = false) {
  return class extends RuntimeError {
    override readonly code = code;
    override readonly retryable = retryable;
  };
}

export class InvalidWorkflowError extends defineError('INVALID_WORKFLOW') {}
export class WorkflowNotFoundError extends defineError('WORKFLOW_NOT_FOUND') {}
export class RunNotFoundError extends defineError('RUN_NOT_FOUND') {}
export class SnapshotNotFoundError extends defineError('SNAPSHOT_NOT_FOUND') {}
export class WrongWaitKeyError extends defineError('WRONG_WAIT_KEY') {}
export class RunNotWaitingError extends defineError('RUN_NOT_WAITING') {}
export class RunNotResumableError extends defineError('RUN_NOT_RESUMABLE') {}
export class RunTerminalError extends defineError('RUN_TERMINAL') {}
export class RunPausedError extends defineError('RUN_PAUSED') {}
export class NonJsonValueError extends defineError('NON_JSON_VALUE') {}
export class UndeclaredEdgeError extends defineError('UNDECLARED_EDGE') {}
export class InvalidPlanError extends defineError('INVALID_PLAN') {}
export class HandlerError extends defineError('HANDLER_ERROR') {}
/** A node handler did not return its plan within the kernel's time limit (the run fails). */
export class HandlerTimeoutError extends defineError('HANDLER_TIMEOUT') {}
export class NoEffectHandlerError extends defineError('NO_EFFECT_HANDLER') {}
export class EffectFailedError extends defineError('EFFECT_FAILED', true) {}
export class RunLeasedError extends defineError('RUN_LEASED', true) {}
export class ConcurrentUpdateError extends defineError('CONCURRENT_UPDATE', true) {}
export class ValidationError extends defineError('VALIDATION_ERROR') {}
export class StoreError extends defineError('STORE_ERROR') {}
export class DatabaseLockedError extends defineError('DATABASE_LOCKED', true) {}
export class DatabaseCorruptError extends defineError('DATABASE_CORRUPT') {}
export class NotADatabaseError extends defineError('NOT_A_DATABASE') {}
export class SchemaTooNewError extends defineError('SCHEMA_TOO_NEW') {}
export class ReadOnlyLocationError extends defineError('READ_ONLY_LOCATION') {}
export class ArtifactNotFoundError extends defineError('ARTIFACT_NOT_FOUND') {}
export class ArtifactCorruptError extends defineError('ARTIFACT_CORRUPT') {}
export class LedgerInvalidError extends defineError('LEDGER_INVALID') {}
export class BundleInvalidError extends defineError('BUNDLE_INVALID') {}
export class ImportError extends defineError('IMPORT_FAILED') {}
export class ToolNotFoundError extends defineError('TOOL_NOT_FOUND') {}
export class ToolArgumentsError extends defineError('TOOL_BAD_ARGUMENTS') {}
export class ToolTimeoutError extends defineError('TOOL_TIMEOUT', true) {}
export class LlmCallError extends defineError('LLM_CALL_FAILED', true) {}
export class SettingsError extends defineError('SETTINGS_INVALID') {}
export class ForbiddenError extends defineError('FORBIDDEN') {}
/** The web API was called without this launch's session token. */
export class UnauthorizedError extends defineError('UNAUTHORIZED') {}
export class UnknownMethodError extends defineError('UNKNOWN_METHOD') {}
export class InternalError extends defineError('INTERNAL_ERROR') {}
export class FileExistsError extends defineError('FILE_EXISTS') {}
export class WouldOverwriteDatabaseError extends defineError('WOULD_OVERWRITE_DATABASE') {}
export class DatabaseGoneError extends defineError('DATABASE_GONE') {}
export class NumberNotExactError extends defineError('NUMBER_NOT_EXACT') {}
/** A database server that cannot be reached or dropped the connection (it may come back). */
export class DatabaseUnavailableError extends defineError('DATABASE_UNAVAILABLE', true) {}
/** The database server refused the user name or password. */
export class DatabaseAuthError extends defineError('DATABASE_AUTH_FAILED') {}
/** The server has no database of that name. */
export class DatabaseNotFoundError extends defineError('DATABASE_NOT_FOUND') {}
/** The database only accepts reads (a replica, or default_transaction_read_only). */
export class DatabaseReadOnlyError extends defineError('DATABASE_READ_ONLY') {}

const BY_CODE: Record<string, new (message: string, details?: Record<string, unknown>) => RuntimeError> = {};
for (const cls of [
  InvalidWorkflowError,
  WorkflowNotFoundError,
  RunNotFoundError,
  SnapshotNotFoundError,
  WrongWaitKeyError,
  RunNotWaitingError,
  RunNotResumableError,
  RunTerminalError,
  RunPausedError,
  NonJsonValueError,
  UndeclaredEdgeError,
  InvalidPlanError,
  HandlerError,
  HandlerTimeoutError,
  NoEffectHandlerError,
  EffectFailedError,
  RunLeasedError,
  ConcurrentUpdateError,
  ValidationError,
  StoreError,
  DatabaseLockedError,
  DatabaseCorruptError,
  NotADatabaseError,
  SchemaTooNewError,
  ReadOnlyLocationError,
  ArtifactNotFoundError,
  ArtifactCorruptError,
  LedgerInvalidError,
  BundleInvalidError,
  ImportError,
  ToolNotFoundError,
  ToolArgumentsError,
  ToolTimeoutError,
  LlmCallError,
  SettingsError,
  ForbiddenError,
  UnknownMethodError,
  InternalError,
  FileExistsError,
  WouldOverwriteDatabaseError,
  DatabaseGoneError,
  NumberNotExactError,
  UnauthorizedError,
  DatabaseUnavailableError,
  DatabaseAuthError,
  DatabaseNotFoundError,
  DatabaseReadOnlyError,
]) {
  BY_CODE[new cls('').code] = cls;
}

/** Rebuilds a typed error from its wire payload (errors lose their class across IPC/HTTP). */
export function errorFromPayload(p: ErrorPayload): RuntimeError {
  const Cls = BY_CODE[p.code];
  if (Cls) return new Cls(p.message, p.details);
  const e = new RuntimeError(p.message, p.details);
  Object.defineProperty(e, 'code', { value: p.code });
  Object.defineProperty(e, 'retryable', { value: p.retryable });
  return e;
}

/** Any thrown value as a wire payload; unknown errors become INTERNAL_ERROR. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof RuntimeError) return err.toPayload();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL_ERROR', message, retryable: false };
}
