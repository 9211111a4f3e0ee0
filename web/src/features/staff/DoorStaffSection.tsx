import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import type { Event, StaffInvitation, StaffListItem } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { validateEmail } from '../auth/validation';
import { useEventStaff, useInviteStaff, useRemoveStaff } from './api';

function initials(text: string): string {
  const parts = text
    .trim()
    .split(/[\s@.]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[1]?.[0] ?? '') : '')).toUpperCase();
}

function inviteError(err: unknown): string {
  if (err instanceof ApiError && err.status === 400) {
    const field = err.fieldErrors.email;
    return field ? `Email ${field}.` : err.message;
  }
  return errorMessage(err);
}

function InviteForm({ eventId, onInvited }: { eventId: string; onInvited: (i: StaffInvitation) => void }) {
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
    <form onSubmit={submit} noValidate className="row" style={{ alignItems: 'flex-start' }}>
      <Field label="Email to invite" error={error} className="spacer">
        <input
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="door@example.com"
        />
      </Field>
      <button type="submit" className="btn btn-primary" disabled={invite.isPending} style={{ marginTop: 28 }}>
        {invite.isPending ? <span className="spinner" aria-hidden="true" /> : <Icon name="userPlus" size={16} />}
        Invite to door staff
      </button>
    </form>
  );
}

function StaffRow({ item, onRemove }: { item: StaffListItem; onRemove: () => void }) {
  const active = item.status === 'active';
  return (
    <li>
      <span className="avatar" aria-hidden="true">
        {initials(active && item.name ? item.name : item.email)}
      </span>
      <span className="who">
        {active && item.name ? <strong>{item.name}</strong> : <strong>{item.email}</strong>}
        {active && item.name && <span className="small muted">{item.email}</span>}
      </span>
      <span className="small muted when">
        {active ? (
          <span className="badge badge-ok">Active</span>
        ) : (
          <>
            <span className="badge badge-warn">Invited</span> {item.expiresAt && <>until {formatTimestamp(item.expiresAt)}</>}
          </>
        )}
      </span>
      <button
        type="button"
        className="btn btn-sm"
        onClick={onRemove}
        aria-label={`${active ? 'Remove' : 'Withdraw'} ${item.email}`}
      >
        <Icon name="x" size={14} /> {active ? 'Remove' : 'Withdraw'}
      </button>
    </li>
  );
}

/// The organizer's door staff for one event: invite an address, see who is invited or active
/// (a name only once they accepted), and remove anyone at once.
export function DoorStaffSection({ event }: { event: Event }) {
  const staff = useEventStaff(event.eventId);
  const remove = useRemoveStaff(event.eventId);
  const [lastInvited, setLastInvited] = useState<StaffInvitation | null>(null);
  const [removing, setRemoving] = useState<StaffListItem | null>(null);
  const [copied, setCopied] = useState(false);
  const scannerUrl = `${window.location.origin}/scan/${event.eventId}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(scannerUrl);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  const items = staff.data?.items ?? [];
  return (
    <section className="section card card-pad" aria-labelledby="staff-title">
      <h2 id="staff-title">Door staff</h2>
      <p className="muted">
        Invite the people who will check tickets at the entrance. They accept the invitation in Admit, signed in with the invited
        email, and can then scan this event’s tickets only.
      </p>
      <InviteForm eventId={event.eventId} onInvited={setLastInvited} />
      <p role="status" className="small" style={{ margin: lastInvited ? '12px 0 0' : 0 }}>
        {lastInvited &&
          (lastInvited.status === 'active' ? (
            <>
              <Icon name="check" size={14} /> {lastInvited.email} is already on the door staff.
            </>
          ) : (
            <>
              <Icon name="check" size={14} /> Invitation for {lastInvited.email} is waiting for them to accept
              {lastInvited.expiresAt && <> (until {formatTimestamp(lastInvited.expiresAt)})</>}.
            </>
          ))}
      </p>
      <h3 className="staff-head">Door staff and invitations{items.length > 0 ? ` (${items.length})` : ''}</h3>
      {staff.isPending ? (
        <Loading label="Loading door staff…" />
      ) : staff.isError ? (
        <ErrorState error={staff.error} retry={() => staff.refetch()} title="We could not load the door staff" />
      ) : items.length === 0 ? (
        <p className="muted small">Nobody yet. Invite the people who will check tickets at the entrance.</p>
      ) : (
        <ul className="staff-list" aria-label="Door staff">
          {items.map((item) => (
            <StaffRow key={item.invitationId} item={item} onRemove={() => setRemoving(item)} />
          ))}
        </ul>
      )}
      <div className="row" style={{ marginTop: 16 }}>
        <span className="small muted">Scanner link for your staff:</span>
        <code className="mono small" style={{ wordBreak: 'break-all' }}>
          {scannerUrl}
        </code>
        <button type="button" className="btn btn-sm" onClick={copy}>
          <Icon name={copied ? 'check' : 'copy'} size={14} /> {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={removing?.status === 'active' ? 'Remove from the door staff?' : 'Withdraw the invitation?'}
        confirmLabel={removing?.status === 'active' ? 'Remove' : 'Withdraw'}
        danger
        busy={remove.isPending}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!removing) return;
          remove.mutate(removing.invitationId, { onSuccess: () => setRemoving(null) });
        }}
      >
        {removing && (
          <>
            <p>
              {removing.status === 'active'
                ? `${removing.name ?? removing.email} can no longer scan this event’s tickets.`
                : `${removing.email} can no longer accept this invitation.`}
            </p>
            {remove.isError && <Alert tone="bad">{errorMessage(remove.error)}</Alert>}
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
