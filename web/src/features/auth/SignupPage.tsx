import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api';
import { classifyError, isProblem } from '../../api/errors';
import { Field } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { afterLogin, validateSignup, type Errors } from './validation';

type Key = 'name' | 'email' | 'password';

export default function SignupPage() {
  useTitle('Create an account');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'attendee' | 'organizer'>(params.get('role') === 'organizer' ? 'organizer' : 'attendee');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = validateSignup({ name, email, password });
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const session = await api.signup({ name: name.trim(), email: email.trim(), password, role });
      navigate(afterLogin(next, session.user.roles), { replace: true });
    } catch (err) {
      if (isProblem(err, 'email-taken')) {
        setErrors({ email: 'An account with this email exists already. Log in instead?' });
      } else if (err instanceof ApiError && classifyError(err) === 'invalid' && Object.keys(err.fieldErrors).length) {
        const fe = err.fieldErrors;
        setErrors({
          name: fe.name && `Name ${fe.name}.`,
          email: fe.email && `Email ${fe.email}.`,
          password: fe.password && `Password ${fe.password}.`,
        });
      } else setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="container auth-wrap">
      <div className="card card-pad auth-card">
        <h1>Create your account</h1>
        <p className="lead">It takes a minute. Your tickets live here afterwards.</p>
        <form onSubmit={submit} noValidate>
          {formError && <Alert tone="bad">{formError}</Alert>}
          <fieldset className="choice-group">
            <legend>I want to</legend>
            <label className="choice">
              <input
                type="radio"
                name="role"
                value="attendee"
                checked={role === 'attendee'}
                onChange={() => setRole('attendee')}
              />
              <div>
                <strong>Attend events</strong>
                <span>Find events and keep tickets</span>
              </div>
            </label>
            <label className="choice">
              <input
                type="radio"
                name="role"
                value="organizer"
                checked={role === 'organizer'}
                onChange={() => setRole('organizer')}
              />
              <div>
                <strong>Organize events</strong>
                <span>Sell tickets and check guests in</span>
              </div>
            </label>
          </fieldset>
          <Field label="Your name" error={errors.name}>
            <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Email" error={errors.email}>
            <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label="Password" error={errors.password} hint="At least 8 characters.">
            <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            {busy ? 'Creating your account…' : 'Create account'}
          </button>
        </form>
        <p className="auth-switch">
          Already have an account? <Link to={`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Log in</Link>
        </p>
      </div>
    </div>
  );
}
