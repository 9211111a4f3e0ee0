import { ApiError } from './client';

/// What kind of failure an error is, read from the answer's status and problem type, never from
/// its message text (which is for people and may change).
export type ErrorClass =
  /// The request never reached the server (offline, DNS, connection refused).
  | 'network'
  /// 401: no login, or it ended.
  | 'unauthenticated'
  /// 403: logged in, but not allowed.
  | 'forbidden'
  /// 404: nothing there, or nothing this account may see.
  | 'not-found'
  /// 400 / 422: the request's values break a rule (`fieldErrors` says which).
  | 'invalid'
  /// 409: the state of things refuses it (sold out, spent payment intent, cancellation closed…).
  | 'conflict'
  /// 429: too many requests; asking later may work.
  | 'rate-limited'
  /// 5xx: the server failed; asking again may work.
  | 'server'
  /// Any other status, or an error that did not come from the API client.
  | 'other';

export function classifyError(error: unknown): ErrorClass {
  if (!(error instanceof ApiError)) return 'other';
  const s = error.status;
  if (s === 0) return 'network';
  if (s === 401) return 'unauthenticated';
  if (s === 403) return 'forbidden';
  if (s === 404) return 'not-found';
  if (s === 400 || s === 422) return 'invalid';
  if (s === 409) return 'conflict';
  if (s === 429) return 'rate-limited';
  if (s >= 500) return 'server';
  return 'other';
}

/// The problem type's suffix ("sold-out", "cancellation-closed", …) of an API error, else null.
export function problemKind(error: unknown): string | null {
  return error instanceof ApiError ? error.kind : null;
}

/// Whether the error is the API's problem of this type.
export function isProblem(error: unknown, kind: string): error is ApiError {
  return problemKind(error) === kind;
}

/// A definite 4xx answer: asking again unchanged gets the same one.
export function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/// The server gave no real answer (unreachable, failing or shedding load), so the outcome is
/// still open. A TypeError is how fetch reports a failed request outside the API client.
export function isOutage(error: unknown): boolean {
  if (!(error instanceof ApiError)) return error instanceof TypeError;
  const c = classifyError(error);
  return c === 'network' || c === 'server' || c === 'rate-limited';
}
