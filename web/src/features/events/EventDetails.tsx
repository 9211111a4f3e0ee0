import { Link } from 'react-router';
import type { Event, Registration } from '../../api/types';
import { coverStyle, StatusBadge } from '../../components/EventBits';
import { priceLabel } from '../../lib/ticketTypes';
import { Icon } from '../../components/Icon';
import { Alert } from '../../components/States';
import { formatEventDate, formatEventTime, pluralize } from '../../lib/format';

/// The event's cover with its name, price and whether it is cancelled or sold out.
export function EventHero({ event: e }: { event: Event }) {
  const cancelled = e.status === 'cancelled';
  return (
    <header className="event-hero" style={coverStyle(e.eventId)}>
      <div>
        <div className="row">
          {cancelled ? <span className="badge">Cancelled</span> : <span className="badge">{priceLabel(e)}</span>}
          {!cancelled && e.seatsLeft <= 0 && <span className="badge">Sold out</span>}
        </div>
        <h1>{e.name}</h1>
      </div>
    </header>
  );
}

/// When (at the venue, and where the viewer is), where, and how many seats are left.
export function EventFacts({ event: e }: { event: Event }) {
  const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div className="facts">
      <div className="fact">
        <span className="ico">
          <Icon name="calendar" />
        </span>
        <div>
          <strong>
            {formatEventDate(e.date, e.timezone)}
            {e.endDate && ` – ${formatEventDate(e.endDate, e.timezone)}`}
          </strong>
          <span>
            Local time at the venue ({e.timezone})
            {viewerZone !== e.timezone && ` · ${formatEventTime(e.date, viewerZone)} where you are`}
          </span>
        </div>
      </div>
      <div className="fact">
        <span className="ico">
          <Icon name="pin" />
        </span>
        <div>
          <strong>{e.location}</strong>
          <span>
            <a
              href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(e.location)}`}
              target="_blank"
              rel="noreferrer"
            >
              Show on a map <Icon name="external" size={13} />
            </a>
          </span>
        </div>
      </div>
      <div className="fact">
        <span className="ico">
          <Icon name="users" />
        </span>
        <div>
          <strong>
            {e.seatsLeft.toLocaleString()} of {e.capacity.toLocaleString()} seats left
          </strong>
          <span>Up to {pluralize(e.maxPerAttendee, 'ticket', 'tickets')} per person</span>
        </div>
      </div>
    </div>
  );
}

/// The attendee's registrations of this event, each with the way on (payment or tickets).
export function YourRegistrations({ registrations, held }: { registrations: Registration[]; held: number }) {
  return (
    <div className="section">
      <Alert
        tone="info"
        icon="ticket"
        title={held > 0 ? `You have ${pluralize(held, 'seat', 'seats')} for this event` : 'Your earlier registrations'}
      >
        <ul className="alert-list">
          {registrations.map((r) => (
            <li key={r.registrationId}>
              {pluralize(r.quantity, 'seat', 'seats')} · <StatusBadge status={r.status} />{' '}
              {r.status === 'pending_payment' ? (
                <Link to={`/checkout/${r.registrationId}`}>Complete payment</Link>
              ) : r.status === 'confirmed' ? (
                <Link to={`/tickets?registration=${r.registrationId}`}>View tickets</Link>
              ) : null}
            </li>
          ))}
        </ul>
      </Alert>
    </div>
  );
}

export function EventDescription({ event: e }: { event: Event }) {
  return (
    <section className="section" aria-labelledby="about">
      <h2 id="about">About this event</h2>
      {e.description ? (
        <p className="description">{e.description}</p>
      ) : (
        <p className="muted">The organizer has not added a description.</p>
      )}
    </section>
  );
}
