import { Link, useSearchParams } from 'react-router';
import { classifyError } from '../../api/errors';
import { Alert, Loading, errorMessage } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { ResendVerificationButton } from './VerifyEmailBanner';
import { useSession } from './session';
import { useVerifyEmailOnce } from './useVerifyEmailOnce';

/// What to do about a link that does not work: a signed-in person asks for a new one here; anyone
/// else signs in first.
function LinkInvalid() {
  const session = useSession();
  return (
    <Alert tone="bad" title="This link does not work any more">
      <p>It may have been used already, or it has expired. Ask for a new link and use the newest message.</p>
      <div className="alert-actions">
        {session ? (
          <ResendVerificationButton />
        ) : (
          <Link to="/login" className="btn btn-primary btn-sm">
            Log in to get a new link
          </Link>
        )}
      </div>
    </Alert>
  );
}

/// Opens from the link in a verification message (`/verify-email?token=…`) and verifies the
/// address once.
export default function VerifyEmailPage() {
  useTitle('Verify your email address');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { verify, retry } = useVerifyEmailOnce(token);
  const kind = classifyError(verify.error);

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Verify your email address</h1>
        {!token || kind === 'invalid' ? (
          <LinkInvalid />
        ) : verify.isSuccess ? (
          <Alert tone="ok" title="Your email address is verified">
            <p>Thank you. You can close this page, or carry on to your events.</p>
            <p className="alert-actions">
              <Link to="/" className="btn btn-primary btn-sm">
                Browse events
              </Link>
            </p>
          </Alert>
        ) : verify.isError ? (
          <Alert tone="bad" title="We could not verify your address">
            <p>{errorMessage(verify.error)}</p>
            <p className="alert-actions">
              <button type="button" className="btn btn-sm" onClick={retry}>
                Try again
              </button>
            </p>
          </Alert>
        ) : (
          <Loading label="Verifying your email address…" />
        )}
      </div>
    </div>
  );
}
