import { useState, type FormEvent } from 'react';
import type { StaffInvitation } from '../../api/types';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { errorMessage } from '../../components/States';
import { validateEmail } from '../auth/validation';
import { useInviteStaff } from './api';
import { isProblem } from '../../api/errors';

function inviteError(err: unknown): string {
  if (isProblem(err, 'validation-error')) {
    const field = err.fieldErrors.email;
    return field ? `Email ${field}.` : err.message;
  }
  return errorMessage(err);
}

/// An address to invite to the event's door staff, checked here before it is sent.
export function InviteForm({ eventId, onInvited }: { eventId: string; onInvited: (i: StaffInvitation) => void }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const invite = useInviteStaff(eventId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = validateEmail(email);
    setError(problem ?? null);
    if (problem) return;
    invite.mutate(email.trim(), {
      onSuccess: (invitation) => {
        setEmail('');
        onInvited(invitation);
      },
      onError: (err) => setError(inviteError(err)),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="row invite-form">
      <Field label="Email to invite" error={error} className="spacer">
        <input
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="door@example.com"
        />
      </Field>
      <button type="submit" className="btn btn-primary align-with-field" disabled={invite.isPending}>
        {invite.isPending ? <span className="spinner" aria-hidden="true" /> : <Icon name="userPlus" size={16} />}
        Invite to door staff
      </button>
    </form>
  );
}
