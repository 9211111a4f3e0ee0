import { useState } from 'react';
import { Link } from 'react-router';
import type { Event } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { coverStyle, StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { Alert, errorMessage } from '../../components/States';
import { formatEventDate, formatPrice, pluralize } from '../../lib/format';
import { useCancelEvent } from './api';

/// The event's name, status, date and place, with the ways to its other pages.
export function ManageEventHeader({ event: e }: { event: Event }) {
  const cancelled = e.status === 'cancelled';
  return (
    <div className="card manage-card">
      <div className="manage-cover" style={coverStyle(e.eventId)} />
      <div className="card-pad">
        <div className="page-head manage-head">
          <div>
            <div className="row row-tight manage-status">
              <StatusBadge status={e.status} />
              <span className="small muted">{formatPrice(e.price, e.currency)}</span>
            </div>
            <h1>{e.name}</h1>
            <p>
              {formatEventDate(e.date, e.timezone)} · {e.location}
            </p>
          </div>
          <div className="row row-tight">
            <Link className="btn" to={`/events/${e.eventId}`}>
              <Icon name="external" size={15} /> Public page
            </Link>
            {!cancelled && (
              <Link className="btn" to={`/organizer/events/${e.eventId}/edit`}>
                <Icon name="edit" size={15} /> Edit
              </Link>
            )}
            <Link className="btn" to={`/organizer/events/${e.eventId}/analytics`}>
              <Icon name="chart" size={15} /> Analytics
            </Link>
            {!cancelled && (
              <Link className="btn btn-primary" to={`/scan/${e.eventId}`}>
                <Icon name="scan" size={15} /> Scan tickets
              </Link>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

export function EventStats({ event: e }: { event: Event }) {
  return (
    <div className="stats section">
      <div className="card stat">
        <div className="label">Seats taken</div>
        <div className="value">{e.registeredCount.toLocaleString()}</div>
        <div className="sub">of {e.capacity.toLocaleString()}</div>
      </div>
      <div className="card stat">
        <div className="label">Seats left</div>
        <div className="value">{e.seatsLeft.toLocaleString()}</div>
        <div className="sub">{Math.round((e.registeredCount / e.capacity) * 100)}% sold</div>
      </div>
      <div className="card stat">
        <div className="label">Price</div>
        <div className="value">{formatPrice(e.price, e.currency)}</div>
        <div className="sub">{e.currency}</div>
      </div>
      <div className="card stat">
        <div className="label">Per person</div>
        <div className="value">{e.maxPerAttendee}</div>
        <div className="sub">tickets at most</div>
      </div>
    </div>
  );
}

/// Cancelling the whole event, after asking.
export function CancelEventSection({ event: e }: { event: Event }) {
  const [confirming, setConfirming] = useState(false);
  const cancelEvent = useCancelEvent(e.eventId);
  return (
    <>
      <section className="section card card-pad danger-zone" aria-labelledby="danger-title">
        <h2 id="danger-title">Cancel this event</h2>
        <p className="muted">
          Every registration is cancelled, paid ones are refunded, and all tickets stop working. This cannot be undone.
        </p>
        <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
          Cancel event…
        </button>
      </section>
      <ConfirmDialog
        open={confirming}
        title={`Cancel “${e.name}”?`}
        confirmLabel={cancelEvent.isPending ? 'Cancelling…' : 'Cancel the event'}
        cancelLabel="Keep the event"
        danger
        busy={cancelEvent.isPending}
        onConfirm={() => cancelEvent.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        onClose={() => {
          setConfirming(false);
          cancelEvent.reset();
        }}
      >
        <p>
          {e.registeredCount > 0
            ? `${pluralize(e.registeredCount, 'seat is', 'seats are')} taken. Those attendees lose their tickets${e.price > 0 ? ' and are refunded' : ''}.`
            : 'Nobody has registered yet.'}
        </p>
        {cancelEvent.isError && <Alert tone="bad">{errorMessage(cancelEvent.error)}</Alert>}
      </ConfirmDialog>
    </>
  );
}
