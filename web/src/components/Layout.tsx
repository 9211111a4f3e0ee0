import { Suspense } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { api } from '../api';
import { hasRole, useMeSync, useSession } from '../features/auth/session';
import { VerifyEmailBanner } from '../features/auth/VerifyEmailBanner';
import { useMyInvitations } from '../features/staff/api';
import { Icon } from './Icon';
import { Loading } from './States';

function Logo() {
  return (
    <Link to="/" className="brand" aria-label="Admit home">
      <span className="brand-mark" aria-hidden="true">
        <Icon name="ticket" size={18} />
      </span>
      Admit
    </Link>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase() || '?';
}

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  useMeSync();
  const isOrganizer = hasRole(session, 'organizer', 'admin');
  const isAdmin = hasRole(session, 'admin');
  // Door staff is no role: it comes from accepted invitations, per event.
  const invitations = useMyInvitations(!!session);
  const items = invitations.data?.items ?? [];
  const waiting = items.filter((i) => i.status === 'invited').length;
  const canScan = isOrganizer || items.some((i) => i.status === 'active');

  const logout = async () => {
    await api.logout();
    navigate('/');
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="container topbar-inner">
          <Logo />
          <nav className="nav" aria-label="Main">
            <NavLink to="/" end>
              Discover
            </NavLink>
            {session && <NavLink to="/tickets">My tickets</NavLink>}
            {isOrganizer && <NavLink to="/organizer">Organize</NavLink>}
            {items.length > 0 && (
              <NavLink to="/invitations">
                Invitations
                {waiting > 0 && (
                  <>
                    <span className="nav-count" aria-hidden="true">
                      {waiting}
                    </span>
                    <span className="visually-hidden">, {waiting} waiting</span>
                  </>
                )}
              </NavLink>
            )}
            {canScan && (
              <NavLink to="/scan">
                Scan<span className="long"> tickets</span>
              </NavLink>
            )}
            {isAdmin && <NavLink to="/admin">Admin</NavLink>}
          </nav>
          <div className="usermenu">
            {session ? (
              <>
                <Link to="/account" className="account-link">
                  <span className="visually-hidden">Your account: </span>
                  <span className="avatar" aria-hidden="true">
                    {initials(session.user.name)}
                  </span>
                  <span className="who">
                    <strong>{session.user.name}</strong>
                    <small>{session.user.email}</small>
                  </span>
                </Link>
                <button type="button" className="btn btn-ghost btn-sm" onClick={logout}>
                  <Icon name="logout" size={16} />
                  Log out
                </button>
              </>
            ) : (
              <>
                <Link to="/login" className="btn btn-ghost btn-sm">
                  Log in
                </Link>
                <Link to="/signup" className="btn btn-primary btn-sm">
                  Sign up
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <VerifyEmailBanner />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <div className="container">
          <span>Admit — tickets without the queue.</span>
          <span>Times are shown in each event’s own time zone.</span>
        </div>
      </footer>
    </div>
  );
}
