import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { Alert, errorMessage, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { safeReturnTo } from './ExternalSignIn';
import { afterLogin } from './validation';

/// What each error the server puts in the fragment means to the person.
const kMessages: Record<string, string> = {
  access_denied: 'The sign-in was cancelled at your organisation’s sign-in page.',
  invalid_state: 'This sign-in link was already used or did not come from here. Please start again.',
  expired: 'The sign-in took too long. Please start again.',
  invalid_token: 'Your organisation’s sign-in did not confirm who you are. Please start again.',
  account_disabled: 'This account is disabled; ask the administrator.',
  provider_unavailable: 'Your organisation’s sign-in service does not answer right now. Please try again in a moment.',
};

/// /auth/callback#code=…&returnTo=… (or #error=…): the end of a sign-in through the external
/// provider. The one-time code sits in the fragment, which never reaches a server's logs; it is
/// traded once for a session, then the fragment is cleared from the address bar.
export default function ExternalSignInCallbackPage() {
  useTitle('Signing in');
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the code works once, also under StrictMode's double effects
    started.current = true;
    const params = new URLSearchParams(window.location.hash.slice(1));
    window.history.replaceState(null, '', window.location.pathname);
    const code = params.get('code');
    const returnTo = safeReturnTo(params.get('returnTo'));
    if (!code) {
      const kind = params.get('error') ?? 'invalid_state';
      setError(kMessages[kind] ?? 'The sign-in did not succeed. Please start again.');
      return;
    }
    api
      .oidcExchange(code)
      .then((session) => navigate(afterLogin(returnTo === '/' ? null : returnTo, session.user.roles), { replace: true }))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [navigate]);

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>{error ? 'The sign-in did not finish' : 'Signing in'}</h1>
        {error ? (
          <>
            <Alert tone="bad">{error}</Alert>
            <p className="auth-switch">
              <Link to="/login">Back to sign-in</Link>
            </p>
          </>
        ) : (
          <Loading label="Signing you in…" />
        )}
      </div>
    </div>
  );
}
