import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';

/// GET /api/auth/oidc/config: whether an external provider is configured (rarely changes).
export const oidcConfigQuery = { queryKey: ['auth', 'oidc-config'] as const, queryFn: api.oidcConfig, staleTime: 5 * 60_000 };

/// Where the sign-in returns to: a path of this app only, as the server also insists.
export function safeReturnTo(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}

/// "Sign in with {displayName}" when the server has an external OpenID provider; nothing otherwise.
/// A plain link, not fetch: the browser itself must go to the provider and come back.
export function ExternalSignInButton({ next }: { next: string | null }) {
  const { data } = useQuery(oidcConfigQuery);
  if (!data?.enabled) return null;
  const href = `/api/auth/oidc/start?returnTo=${encodeURIComponent(safeReturnTo(next))}`;
  return (
    <div className="external-sign-in">
      <a className="btn btn-ghost btn-lg btn-block" href={href}>
        Sign in with {data.displayName ?? 'single sign-on'}
      </a>
      <p className="external-sign-in-or">or with your email and password</p>
    </div>
  );
}
