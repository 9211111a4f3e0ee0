import { useLocation } from 'react-router';
import { classifyError } from '../../api/errors';
import { errorMessage } from '../../components/States';
import { Icon } from '../../components/Icon';
import { useMe, useResendVerification } from './api';
import { useSession } from './session';

/// "Resend verification email" and what became of it, read out as it changes.
export function ResendVerificationButton() {
  const resend = useResendVerification();
  const outcome = resend.isSuccess
    ? 'Sent. Check your inbox for the new link.'
    : classifyError(resend.error) === 'rate-limited'
      ? 'You asked for a link just now. Please try again later.'
      : resend.isError
        ? errorMessage(resend.error)
        : '';
  return (
    <div className="row row-tight resend-verification">
      <button type="button" className="btn btn-sm" onClick={() => resend.mutate()} disabled={resend.isPending}>
        {resend.isPending && <span className="spinner" aria-hidden="true" />}
        Resend verification email
      </button>
      <span role="status" className="small">
        {outcome}
      </span>
    </div>
  );
}

/// Asks a signed-in person whose address is not verified yet to verify it. Hidden on the page that
/// verifies, and until the server says the address is unverified.
export function VerifyEmailBanner() {
  const session = useSession();
  const me = useMe(session?.user.userId);
  const { pathname } = useLocation();
  if (!session || me.data?.emailVerified !== false || pathname === '/verify-email') return null;
  return (
    <section className="verify-banner" aria-labelledby="verify-banner-title">
      <div className="container verify-banner-inner">
        <Icon name="alert" size={20} />
        <div>
          <h2 id="verify-banner-title">Please verify your email address</h2>
          <p>
            We sent a link to <strong>{me.data.email}</strong>. Open it to confirm the address is yours, so your tickets and
            account messages reach you.
          </p>
          <ResendVerificationButton />
        </div>
      </div>
    </section>
  );
}
