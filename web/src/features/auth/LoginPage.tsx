import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api';
import { classifyError } from '../../api/errors';
import { Field } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { ExternalSignInButton } from './ExternalSignIn';
import { afterLogin, validateEmail, type Errors } from './validation';

export default function LoginPage() {
  useTitle('Log in');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<'email' | 'password'> = {};
    const emailError = validateEmail(email);
    if (emailError) errs.email = emailError;
    if (!password) errs.password = 'Enter your password.';
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const session = await api.login(email.trim(), password);
      navigate(afterLogin(next, session.user.roles), { replace: true });
    } catch (err) {
      const kind = classifyError(err);
      if (kind === 'unauthenticated') setFormError('That email and password do not match an account.');
      else if (kind === 'invalid' && err instanceof ApiError) setErrors(err.fieldErrors);
      else setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Welcome back</h1>
        <p className="lead">Log in to see your tickets or manage your events.</p>
        <ExternalSignInButton next={next} />
        <form onSubmit={submit} noValidate>
          {formError && <Alert tone="bad">{formError}</Alert>}
          <Field label="Email" error={errors.email}>
            <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
          </Field>
          <Field label="Password" error={errors.password}>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <p className="auth-forgot">
            <Link to="/forgot-password" state={{ email: email.trim() }}>
              Forgot password?
            </Link>
          </p>
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        <p className="auth-switch">
          New to Admit? <Link to={`/signup${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}
