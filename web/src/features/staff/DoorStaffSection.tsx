import { useState } from 'react';
import type { Event, StaffInvitation } from '../../api/types';
import { Icon } from '../../components/Icon';
import { ErrorState, Loading } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { useEventStaff } from './api';
import { InviteForm } from './InviteForm';
import { StaffList } from './StaffList';

/// What became of the last invitation sent (read out when it changes).
function InviteStatus({ invited }: { invited: StaffInvitation | null }) {
  return (
    <p role="status" className={invited ? 'small invite-status shown' : 'small invite-status'}>
      {invited &&
        (invited.status === 'active' ? (
          <>
            <Icon name="check" size={14} /> {invited.email} is already on the door staff.
          </>
        ) : (
          <>
            <Icon name="check" size={14} /> Invitation for {invited.email} is waiting for them to accept
            {invited.expiresAt && <> (until {formatTimestamp(invited.expiresAt)})</>}.
          </>
        ))}
    </p>
  );
}

/// The scanner's address for this event, to hand to the door staff, with a button to copy it.
function ScannerLink({ eventId }: { eventId: string }) {
  const [copied, setCopied] = useState(false);
  const scannerUrl = `${window.location.origin}/scan/${eventId}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(scannerUrl);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="row scanner-link">
      <span className="small muted">Scanner link for your staff:</span>
      <code className="mono small">{scannerUrl}</code>
      <button type="button" className="btn btn-sm" onClick={copy}>
        <Icon name={copied ? 'check' : 'copy'} size={14} /> {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/// The organizer's door staff for one event: invite an address, see who is invited or active
/// (a name only once they accepted), and remove anyone at once.
export function DoorStaffSection({ event }: { event: Event }) {
  const staff = useEventStaff(event.eventId);
  const [lastInvited, setLastInvited] = useState<StaffInvitation | null>(null);
  const items = staff.data?.items ?? [];
  return (
    <section className="section card card-pad" aria-labelledby="staff-title">
      <h2 id="staff-title">Door staff</h2>
      <p className="muted">
        Invite the people who will check tickets at the entrance. They accept the invitation in Admit, signed in with the invited
        email, and can then scan this event’s tickets only.
      </p>
      <InviteForm eventId={event.eventId} onInvited={setLastInvited} />
      <InviteStatus invited={lastInvited} />
      <h3 className="staff-head">Door staff and invitations{items.length > 0 ? ` (${items.length})` : ''}</h3>
      {staff.isPending ? (
        <Loading label="Loading door staff…" />
      ) : staff.isError ? (
        <ErrorState error={staff.error} retry={() => staff.refetch()} title="We could not load the door staff" />
      ) : items.length === 0 ? (
        <p className="muted small">Nobody yet. Invite the people who will check tickets at the entrance.</p>
      ) : (
        <StaffList eventId={event.eventId} items={items} />
      )}
      <ScannerLink eventId={event.eventId} />
    </section>
  );
}
