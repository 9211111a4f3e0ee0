import { Link, useLocation } from 'react-router';
import { Field } from '../../components/Field';
import { Alert } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useForgotPasswordForm } from './useForgotPasswordForm';

/// Asks for a password reset link. The answer is the same neutral message for every address.
export default function ForgotPasswordPage() {
  useTitle('Forgot password');
  // The login page passes on the address typed there.
  const typed = (useLocation().state as { email?: string } | null)?.email;
  const f = useForgotPasswordForm(typeof typed === 'string' ? typed : '');

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Forgot your password?</h1>
        {f.sent ? (
          <Alert tone="ok" title="Check your inbox">
            <p>
              If an account exists for that address, we sent a link to set a new password. The link works once, within 30 minutes.
              Nothing there? Look in the spam folder, or ask again in a few minutes.
            </p>
          </Alert>
        ) : (
          <>
            <p className="lead">Enter the email address of your account and we will send you a link to set a new password.</p>
            <form onSubmit={f.submit} noValidate>
              {f.rateLimited && (
                <Alert tone="warn" title="Please wait a little">
                  You asked for several links just now. Please try again in a few minutes.
                </Alert>
              )}
              {f.formError && <Alert tone="bad">{f.formError}</Alert>}
              <Field label="Email" error={f.emailError}>
                <input type="email" autoComplete="email" value={f.email} onChange={(e) => f.setEmail(e.target.value)} autoFocus />
              </Field>
              <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={f.busy}>
                {f.busy && <span className="spinner" aria-hidden="true" />}
                {f.busy ? 'Sending…' : 'Send me a link'}
              </button>
            </form>
          </>
        )}
        <p className="auth-switch">
          Remembered it? <Link to="/login">Log in</Link>
        </p>
      </div>
    </div>
  );
}
