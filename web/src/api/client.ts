import { sessionFromAuth, type Session, type SessionStore } from './session';
import type { AuthResponse, FieldError, Problem } from './types';

/// A request the server answered with an error status (a problem document when it sent one), or
/// one that never reached it (status 0).
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, message?: string) {
    super(message ?? problem?.detail ?? problem?.title ?? `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /// The problem's URN suffix: "sold-out", "validation-error", …
  get kind(): string | null {
    const type = this.problem?.type;
    return type?.startsWith('urn:admit:problem:') ? type.slice('urn:admit:problem:'.length) : null;
  }

  /// Field name → message, for showing beside form fields.
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of (this.problem?.errors ?? []) as FieldError[]) {
      if (!out[e.field]) out[e.field] = e.message;
    }
    return out;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

function sessionEnded(): ApiError {
  return new ApiError(401, {
    type: 'urn:admit:problem:unauthenticated',
    title: 'Authentication is required',
    status: 401,
    detail: 'Your session has ended. Please log in again.',
  });
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /// Sent as JSON.
  body?: unknown;
  /// Send the bearer token (default: when logged in).
  auth?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined | null>;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface ClientDeps {
  store: SessionStore;
  fetch?: Fetch;
  now?: () => number;
  /// Serialises refreshes across tabs (navigator.locks in browsers).
  locks?: Locks | null;
}

/// Refresh this long before the access token runs out, so a request never leaves with a token
/// that expires on the way.
const kRefreshMarginMs = 30_000;

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function readProblem(res: Response): Promise<Problem | null> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return (await res.json()) as Problem;
  } catch {
    return null;
  }
}

export type ApiClient = ReturnType<typeof createClient>;

/// The one way the app talks to the server. Attaches the bearer token, refreshes it quietly
/// (one refresh at a time, shared by every request that needs it: refresh tokens are single-use,
/// and presenting a used one ends the login), and turns error answers into ApiError.
export function createClient(deps: ClientDeps) {
  const { store } = deps;
  const fetchImpl: Fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = deps.now ?? Date.now;
  const locks = deps.locks === undefined ? defaultLocks() : deps.locks;
  let inflight: Promise<Session | null> | null = null;

  async function doRefresh(seenAccessToken: string | null): Promise<Session | null> {
    const current = store.load();
    if (!current) return null;
    // Someone else (a request in this tab or another tab) refreshed since this token was read.
    if (current.accessToken !== seenAccessToken && current.expiresAt - now() > kRefreshMarginMs) return current;
    let res: Response;
    try {
      res = await fetchImpl('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
    } catch {
      throw new ApiError(0, null, 'Cannot reach the server. Check your connection and try again.');
    }
    if (res.ok) {
      const next = sessionFromAuth((await res.json()) as AuthResponse, now());
      store.save(next);
      return next;
    }
    if (res.status === 401 || res.status === 400) {
      // Expired, revoked or reused: the login is over.
      if (store.load()?.refreshToken === current.refreshToken) store.clear();
      return null;
    }
    throw new ApiError(res.status, await readProblem(res));
  }

  /// Trades the refresh token for a new pair unless someone already did. Concurrent callers share
  /// one request.
  function refresh(seenAccessToken: string | null): Promise<Session | null> {
    if (!inflight) {
      const run = () => doRefresh(seenAccessToken);
      inflight = (locks ? locks.request('admit-auth-refresh', run) : run()).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  async function accessToken(): Promise<string | null> {
    const session = store.load();
    if (!session) return null;
    if (session.expiresAt - now() > kRefreshMarginMs) return session.accessToken;
    const next = await refresh(session.accessToken);
    return next?.accessToken ?? null;
  }

  async function send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetchImpl(withQuery(path, opts.query), {
        method: opts.method ?? 'GET',
        headers,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError(0, null, 'Cannot reach the server. Check your connection and try again.');
    }
  }

  /// Sends a request and returns the raw response once it succeeded (after at most one quiet
  /// refresh and retry on 401).
  async function fetchOk(path: string, opts: RequestOptions = {}): Promise<Response> {
    const useAuth = opts.auth ?? true;
    const hadSession = useAuth && store.load() !== null;
    const token = useAuth ? await accessToken() : null;
    if (hadSession && !token) throw sessionEnded();
    let res = await send(path, opts, token);
    if (res.status === 401 && token) {
      const next = await refresh(token);
      if (next) res = await send(path, opts, next.accessToken);
    }
    if (!res.ok) throw new ApiError(res.status, await readProblem(res));
    return res;
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await fetchOk(path, opts);
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('json')) return (await res.text()) as T;
    return (await res.json()) as T;
  }

  /// Logs in (or signs up) and keeps the session.
  async function authenticate(
    path: '/api/auth/login' | '/api/auth/signup' | '/api/auth/oidc/exchange',
    body: unknown,
  ): Promise<Session> {
    const auth = await request<AuthResponse>(path, { method: 'POST', body, auth: false });
    const session = sessionFromAuth(auth, now());
    store.save(session);
    return session;
  }

  async function logout(): Promise<void> {
    const session = store.load();
    store.clear();
    if (!session) return;
    try {
      await send('/api/auth/logout', { method: 'POST', body: { refreshToken: session.refreshToken } }, session.accessToken);
    } catch {
      // The session is gone locally; the refresh token expires on its own.
    }
  }

  return { request, fetchOk, refresh, accessToken, authenticate, logout, store };
}

function defaultLocks(): Locks | null {
  const nav = typeof navigator !== 'undefined' ? (navigator as unknown as { locks?: LockManager }) : undefined;
  const locks = nav?.locks;
  if (!locks) return null;
  return { request: <T>(name: string, cb: () => Promise<T>) => locks.request(name, cb) as Promise<T> };
}
