import { Link } from 'react-router';
import type { Event } from '../../api/types';
import { DateBadge, StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { formatEventDate, formatPrice } from '../../lib/format';

/// One of the organizer's events: when, where, status, seats sold, and the way to manage it.
export function OrganizerEventRow({ event: e }: { event: Event }) {
  const pct = Math.min(100, Math.round((e.registeredCount / e.capacity) * 100));
  return (
    <li className="card org-event">
      <DateBadge iso={e.date} timeZone={e.timezone} />
      <div className="org-event-main">
        <h3>
          <Link to={`/organizer/events/${e.eventId}`}>{e.name}</Link>
        </h3>
        <div className="small muted">
          {formatEventDate(e.date, e.timezone)} · {e.location}
        </div>
        <div className="row small row-tight org-event-status">
          <StatusBadge status={e.status} />
          <span className="muted">{formatPrice(e.price, e.currency)}</span>
        </div>
      </div>
      <div>
        <div className="row small org-event-sold">
          <span>
            <strong>{e.registeredCount.toLocaleString()}</strong> / {e.capacity.toLocaleString()} sold
          </span>
          <span className="muted">{pct}%</span>
        </div>
        <div
          className="meter"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={e.capacity}
          aria-valuenow={e.registeredCount}
          aria-label={`${e.name}: seats sold`}
        >
          <span style={{ width: `${pct}%` }} />
        </div>
      </div>
      <div className="row row-tight org-event-actions">
        <Link className="btn btn-sm" to={`/organizer/events/${e.eventId}/analytics`} aria-label={`Analytics for ${e.name}`}>
          <Icon name="chart" size={15} /> Analytics
        </Link>
        <Link className="btn btn-sm btn-primary" to={`/organizer/events/${e.eventId}`} aria-label={`Manage ${e.name}`}>
          Manage
        </Link>
      </div>
    </li>
  );
}
