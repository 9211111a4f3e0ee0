import { Link, Navigate, Outlet, useLocation } from 'react-router';
import type { Role } from '../../api/types';
import { EmptyState } from '../../components/States';
import { hasRole, useSession } from './session';

/// The parent route of pages that need a login: sends visitors to the login page (and back
/// afterwards), shows a clear message to users whose role does not fit, else renders the child
/// route.
export function RequireAuth({ roles }: { roles?: readonly Role[] }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (roles && !hasRole(session, ...roles)) {
    return (
      <div className="container">
        <EmptyState icon="lock" title="This page is not for your account">
          <p>
            It needs a {roles.join(' or ')} account. <Link to="/">Browse events</Link> instead.
          </p>
        </EmptyState>
      </div>
    );
  }
  return <Outlet />;
}
