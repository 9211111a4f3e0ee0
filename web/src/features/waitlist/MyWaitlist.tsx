import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, errorMessage } from '../../components/States';
import { formatEventDate, formatRelative, pluralize } from '../../lib/format';
import { useEventIds, useEventsById } from '../tickets/api';
import { useLeaveWaitlist, useMyWaitlist } from './api';
import type { WaitlistEntry } from './types';

const live = (w: WaitlistEntry) => w.status === 'waiting' || w.status === 'offered';

function EntryRow({
  entry: w,
  eventName,
  timeZone,
  onLeave,
}: {
  entry: WaitlistEntry;
  eventName: string;
  /// The event's, once loaded: an offer's end is said in it, as in the offer's email.
  timeZone?: string;
  onLeave: () => void;
}) {
  return (
    <li className="type-row">
      <div className="type-row-main">
        <strong>
          <Link to={`/events/${w.eventId}`}>{eventName}</Link>
        </strong>
        <span>
          {pluralize(w.quantity, 'ticket', 'tickets')} ·{' '}
          {w.status === 'offered'
            ? `seats held for you${w.offerExpiresAt ? ` until ${formatEventDate(w.offerExpiresAt, timeZone)} (${formatRelative(w.offerExpiresAt)})` : ''}`
            : `number ${w.position ?? '–'} in line`}
        </span>
        {w.status === 'offered' && (
          <span className="small">
            <Link to={`/offers/${w.waitlistEntryId}`}>See the offer</Link> — claim it from the link in its email.
          </span>
        )}
      </div>
      <div className="type-row-actions">
        <button type="button" className="btn btn-sm" onClick={onLeave} aria-label={`Leave the waiting list for ${eventName}`}>
          Leave
        </button>
      </div>
    </li>
  );
}

/// My tickets' list of the person's waiting-list entries still open (waiting, or seats offered),
/// each with its event, place in line or offer, and leaving it.
export function MyWaitlist() {
  const entries = useMyWaitlist();
  const open = (entries.data ?? []).filter(live);
  const eventById = useEventsById(useEventIds(open));
  const [leaving, setLeaving] = useState<WaitlistEntry | null>(null);
  const leave = useLeaveWaitlist();
  const close = () => {
    setLeaving(null);
    leave.reset();
  };
  if (open.length === 0) return null;
  const name = (w: WaitlistEntry) => eventById.get(w.eventId)?.name ?? 'Event';
  return (
    <section className="section card card-pad" aria-labelledby="waitlists-title">
      <h2 id="waitlists-title">Waiting lists</h2>
      <ul className="type-list">
        {open.map((w) => (
          <EntryRow
            key={w.waitlistEntryId}
            entry={w}
            eventName={name(w)}
            timeZone={eventById.get(w.eventId)?.timezone}
            onLeave={() => setLeaving(w)}
          />
        ))}
      </ul>
      <ConfirmDialog
        open={leaving !== null}
        title="Leave the waiting list?"
        confirmLabel={leave.isPending ? 'Leaving…' : 'Leave it'}
        danger
        busy={leave.isPending}
        onConfirm={() => leaving && leave.mutate(leaving, { onSuccess: close })}
        onClose={close}
      >
        <p>
          You give up your place for {leaving ? name(leaving) : 'this event'}
          {leaving?.status === 'offered' ? ', and the seats held for you go to the next person in line' : ''}.
        </p>
        {leave.isError && <Alert tone="bad">{errorMessage(leave.error)}</Alert>}
      </ConfirmDialog>
    </section>
  );
}
