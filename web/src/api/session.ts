import type { AuthResponse, User } from './types';

/// What the browser keeps of a login: both tokens, when the access token expires, and who it is.
export interface Session {
  accessToken: string;
  refreshToken: string;
  /// Milliseconds since the epoch.
  expiresAt: number;
  user: Pick<User, 'userId' | 'email' | 'name' | 'roles'>;
}

/// Where sessions live. localStorage is shared by the tabs of one origin, so every tab sees the
/// newest refresh token (a used one would end the login for all of them).
export interface SessionStore {
  load(): Session | null;
  save(session: Session): void;
  clear(): void;
  subscribe(listener: () => void): () => void;
}

const kKey = 'admit.session';

export function sessionFromAuth(auth: AuthResponse, now: number): Session {
  return {
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    expiresAt: now + auth.expiresIn * 1000,
    user: { userId: auth.user.userId, email: auth.user.email, name: auth.user.name, roles: auth.user.roles },
  };
}

export function createBrowserSessionStore(storage: Storage = window.localStorage): SessionStore {
  const listeners = new Set<() => void>();
  let cachedRaw: string | null | undefined;
  let cached: Session | null = null;
  const notify = () => listeners.forEach((l) => l());

  window.addEventListener('storage', (e) => {
    if (e.key === kKey || e.key === null) notify();
  });

  return {
    load() {
      const raw = storage.getItem(kKey);
      if (raw !== cachedRaw) {
        cachedRaw = raw;
        try {
          cached = raw ? (JSON.parse(raw) as Session) : null;
        } catch {
          cached = null;
        }
      }
      return cached;
    },
    save(session) {
      storage.setItem(kKey, JSON.stringify(session));
      notify();
    },
    clear() {
      storage.removeItem(kKey);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/// A store that lives only in memory, for tests.
export function createMemorySessionStore(initial: Session | null = null): SessionStore {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    load: () => current,
    save: (s) => {
      current = s;
      listeners.forEach((l) => l());
    },
    clear: () => {
      current = null;
      listeners.forEach((l) => l());
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
