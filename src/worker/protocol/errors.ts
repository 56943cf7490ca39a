/**
 * One error class for everything web-diffusion rejects, told apart by a string `code`.
 *
 * Errors cross the worker boundary as plain data (see `toWireError` / `fromWireError`), because
 * structured clone keeps only `name` and `message` of an `Error` and would lose the code.
 */

/** Every code a {@link DiffusionError} can carry. */
export const ErrorCodes = [
  // Bad requests, found before any GPU work.
  'invalid-size',
  'invalid-steps',
  'invalid-guidance-scale',
  'invalid-prompt',
  'invalid-seed',
  'invalid-strength',
  'invalid-image',
  'invalid-mask',
  'invalid-argument',
  'unknown-scheduler',
  'invalid-scheduler-config',
  'length-mismatch',
  // Models and their files.
  'invalid-model',
  'model-not-found',
  'download-failed',
  'integrity-failed',
  'quota-exceeded',
  'model-contract',
  'model-load-failed',
  'unsupported-device',
  'fp16-unsupported',
  // Running.
  'nan-output',
  'inference-failed',
  'device-lost',
  'worker-crashed',
  'disposed',
  'internal',
] as const;

/** A machine-readable reason for a failure; stable across releases. */
export type ErrorCode = (typeof ErrorCodes)[number];

/** The error every web-diffusion API rejects with (cancellation rejects with an `AbortError` DOMException instead). */
export class DiffusionError extends Error {
  override readonly name = 'DiffusionError';
  /** What went wrong, for code to branch on. */
  readonly code: ErrorCode;
  /** Facts about the failure (limits, sizes, the offending value), for messages and logs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True for a {@link DiffusionError}, optionally with the given code. */
export function isDiffusionError(error: unknown, code?: ErrorCode): error is DiffusionError {
  return error instanceof DiffusionError && (code === undefined || error.code === code);
}

/** The cloneable form of an error that crosses the worker boundary. */
export interface WireError {
  readonly kind: 'diffusion' | 'abort' | 'other';
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
  readonly cause?: string;
}

/** Turns anything thrown into its wire form. */
export function toWireError(error: unknown): WireError {
  if (error instanceof DiffusionError) {
    const cause = error.cause === undefined ? undefined : String((error.cause as Error)?.message ?? error.cause);
    return { kind: 'diffusion', code: error.code, message: error.message, details: { ...error.details }, cause };
  }
  if (isAbortError(error)) return { kind: 'abort', code: 'internal', message: 'The operation was aborted.', details: {} };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'other', code: 'internal', message, details: {} };
}

/** Rebuilds the error a {@link WireError} describes. */
export function fromWireError(wire: WireError): Error {
  if (wire.kind === 'abort') return abortError();
  const cause = wire.cause === undefined ? undefined : new Error(wire.cause);
  return new DiffusionError(wire.code, wire.message, { details: wire.details, cause });
}

/** The `AbortError` DOMException that cancellation rejects with, as `fetch` does. */
export function abortError(reason?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** True for an `AbortError`, whatever realm made it. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
