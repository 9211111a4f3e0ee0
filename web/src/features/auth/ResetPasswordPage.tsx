import { Link, useSearchParams } from 'react-router';
import { Field } from '../../components/Field';
import { Alert } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useResetPasswordForm } from './useResetPasswordForm';

function LinkInvalid() {
  return (
    <Alert tone="bad" title="This link does not work any more">
      <p>
        A reset link works once, within 30 minutes, and only exactly as it was sent. Ask for a new one and use the newest message.
      </p>
      <p className="alert-actions">
        <Link to="/forgot-password" className="btn btn-primary btn-sm">
          Send me a new link
        </Link>
      </p>
    </Alert>
  );
}

function Done() {
  return (
    <Alert tone="ok" title="Your password was changed">
      <p>Every device that was signed in to your account has to sign in again.</p>
      <p className="alert-actions">
        <Link to="/login" className="btn btn-primary btn-sm">
          Log in
        </Link>
      </p>
    </Alert>
  );
}

/// Sets a new password from the link in a reset message (`/reset-password?token=…`).
export default function ResetPasswordPage() {
  useTitle('Set a new password');
  const [params] = useSearchParams();
  const f = useResetPasswordForm(params.get('token') ?? '');

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Set a new password</h1>
        {f.done ? (
          <Done />
        ) : f.linkInvalid ? (
          <LinkInvalid />
        ) : (
          <>
            <p className="lead">Choose a new password for your account. You sign in with it from now on.</p>
            <form onSubmit={f.submit} noValidate>
              {f.rateLimited && (
                <Alert tone="warn" title="Please wait a little">
                  Too many attempts just now. Please try again in a few minutes.
                </Alert>
              )}
              {f.formError && <Alert tone="bad">{f.formError}</Alert>}
              <Field label="New password" error={f.errors.password} hint="At least 8 characters.">
                <input
                  type="password"
                  autoComplete="new-password"
                  value={f.password}
                  onChange={(e) => f.setPassword(e.target.value)}
                  autoFocus
                />
              </Field>
              <Field label="Confirm new password" error={f.errors.confirm}>
                <input
                  type="password"
                  autoComplete="new-password"
                  value={f.confirm}
                  onChange={(e) => f.setConfirm(e.target.value)}
                />
              </Field>
              <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={f.busy}>
                {f.busy && <span className="spinner" aria-hidden="true" />}
                {f.busy ? 'Saving…' : 'Set new password'}
              </button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}
