import { Link } from 'react-router';
import type { Event } from '../../api/types';
import { coverStyle, DateBadge, Price, SeatsLeft } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { formatEventDate } from '../../lib/format';
import { hasPriceRange } from '../../lib/ticketTypes';

/// An event in a listing; `preview` draws the same card without a link (the event form's preview).
export function EventCard({ event, preview }: { event: Event; preview?: boolean }) {
  const content = (
    <>
      <div className="cover" style={coverStyle(event.eventId)}>
        <DateBadge iso={event.date} timeZone={event.timezone} />
        {event.price === 0 && !hasPriceRange(event) && <span className="badge plain on-cover">Free</span>}
      </div>
      <div className="body">
        <h3>{event.name}</h3>
        <div className="meta">
          <Icon name="clock" size={15} />
          <span>{formatEventDate(event.date, event.timezone)}</span>
        </div>
        <div className="meta">
          <Icon name="pin" size={15} />
          <span>{event.location}</span>
        </div>
        <div className="foot">
          <Price event={event} />
          <SeatsLeft event={event} />
        </div>
      </div>
    </>
  );
  return preview ? (
    <div className="card event-card">{content}</div>
  ) : (
    <Link to={`/events/${event.eventId}`} className="card event-card">
      {content}
    </Link>
  );
}

export function EventCardSkeleton() {
  return (
    <div className="card event-card" aria-hidden="true">
      <div className="cover skeleton" />
      <div className="body">
        <div className="skeleton skeleton-title" />
        <div className="skeleton skeleton-text" />
        <div className="skeleton skeleton-text short" />
        <div className="foot">
          <div className="skeleton skeleton-price" />
          <div className="skeleton skeleton-seats" />
        </div>
      </div>
    </div>
  );
}
