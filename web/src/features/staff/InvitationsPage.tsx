import { Link } from 'react-router';
import type { MyStaffInvitation } from '../../api/types';
import { Alert, errorMessage, ErrorState, Loading } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { useAcceptInvitation, useDeclineInvitation, useMyInvitations } from './api';
import { problemKind } from '../../api/errors';

function answerError(err: unknown): string {
  switch (problemKind(err)) {
    case 'invitation-expired':
      return 'This invitation has expired. Ask the organizer to invite you again.';
    case 'not-found':
      return 'This invitation no longer exists: the organizer withdrew it.';
  }
  return errorMessage(err);
}

function InvitationRow({ invitation }: { invitation: MyStaffInvitation }) {
  const accept = useAcceptInvitation();
  const decline = useDeclineInvitation();
  const busy = accept.isPending || decline.isPending;
  const error = accept.error ?? decline.error;
  const name = invitation.eventName;
  return (
    <li className="invitation">
      <div className="who">
        <strong>{name}</strong>
        <span className="small muted">
          {invitation.status === 'active' ? (
            <span className="badge badge-ok">You are on the door staff</span>
          ) : (
            <>
              <span className="badge badge-warn">Invited</span>
              {invitation.expiresAt && <> · answer by {formatTimestamp(invitation.expiresAt)}</>}
            </>
          )}
        </span>
      </div>
      <div className="row">
        {invitation.status === 'active' ? (
          <>
            <Link
              className="btn btn-sm btn-primary"
              to={`/scan/${invitation.eventId}`}
              aria-label={`Open the scanner for ${name}`}
            >
              Open the scanner
            </Link>
            <button
              type="button"
              className="btn btn-sm"
              disabled={busy}
              onClick={() => decline.mutate(invitation.invitationId)}
              aria-label={`Leave the door staff of ${name}`}
            >
              Leave the door staff
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="btn btn-sm btn-primary"
              disabled={busy}
              onClick={() => accept.mutate(invitation.invitationId)}
              aria-label={`Accept invitation to ${name}`}
            >
              Accept
            </button>
            <button
              type="button"
              className="btn btn-sm"
              disabled={busy}
              onClick={() => decline.mutate(invitation.invitationId)}
              aria-label={`Decline invitation to ${name}`}
            >
              Decline
            </button>
          </>
        )}
      </div>
      {error && <Alert tone="bad">{answerError(error)}</Alert>}
    </li>
  );
}

/// Where an invited person accepts or declines door-staff invitations, and sees the events they
/// already scan for.
export default function InvitationsPage() {
  useTitle('Door staff invitations');
  const invitations = useMyInvitations();
  const items = invitations.data?.items ?? [];
  return (
    <div className="container container-md">
      <div className="page-head">
        <div>
          <h1>Door staff invitations</h1>
          <p>Organizers invite your account’s email to scan their event’s tickets. Nothing changes until you accept.</p>
        </div>
      </div>
      <section className="card card-pad" aria-label="Your invitations">
        {invitations.isPending ? (
          <Loading label="Loading your invitations…" />
        ) : invitations.isError ? (
          <ErrorState error={invitations.error} retry={() => invitations.refetch()} />
        ) : items.length === 0 ? (
          <p className="muted">No invitations. When an organizer invites your email, the invitation appears here.</p>
        ) : (
          <ul className="invitation-list" aria-label="Invitations">
            {items.map((i) => (
              <InvitationRow key={i.invitationId} invitation={i} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
