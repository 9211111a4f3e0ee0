import { useState } from 'react';
import { Link } from 'react-router';
import type { Event } from '../../api/types';
import { Icon } from '../../components/Icon';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useMyEvents } from './api';
import { OrganizerEventRow } from './OrganizerEventRow';

type Tab = 'upcoming' | 'past' | 'cancelled';

export default function MyEventsPage() {
  useTitle('Your events');
  const events = useMyEvents();
  const [tab, setTab] = useState<Tab>('upcoming');

  const head = (
    <div className="page-head">
      <div>
        <h1>Your events</h1>
        <p>Sales, guests and check-ins at a glance.</p>
      </div>
      <Link to="/organizer/events/new" className="btn btn-primary">
        <Icon name="plus" size={16} /> New event
      </Link>
    </div>
  );

  if (events.isPending)
    return (
      <div className="container">
        {head}
        <Loading label="Loading your events…" />
      </div>
    );
  if (events.isError)
    return (
      <div className="container">
        {head}
        <ErrorState error={events.error} retry={() => events.refetch()} />
      </div>
    );

  const now = Date.now();
  const groups: Record<Tab, Event[]> = {
    upcoming: events.data.filter((e) => e.status !== 'cancelled' && Date.parse(e.date) >= now),
    past: events.data.filter((e) => e.status !== 'cancelled' && Date.parse(e.date) < now).reverse(),
    cancelled: events.data.filter((e) => e.status === 'cancelled'),
  };
  const totalSold = groups.upcoming.reduce((n, e) => n + e.registeredCount, 0);
  const totalCap = groups.upcoming.reduce((n, e) => n + e.capacity, 0);

  return (
    <div className="container">
      {head}
      {events.data.length === 0 ? (
        <EmptyState icon="calendar" title="Create your first event">
          <p>Set a date, a place and how many seats you have. Free or paid — you decide.</p>
          <Link to="/organizer/events/new" className="btn btn-primary">
            <Icon name="plus" size={16} /> New event
          </Link>
        </EmptyState>
      ) : (
        <>
          <div className="stats">
            <div className="card stat">
              <div className="label">Upcoming events</div>
              <div className="value">{groups.upcoming.length}</div>
            </div>
            <div className="card stat">
              <div className="label">Seats taken</div>
              <div className="value">{totalSold.toLocaleString()}</div>
              <div className="sub">of {totalCap.toLocaleString()} upcoming</div>
            </div>
            <div className="card stat">
              <div className="label">Past events</div>
              <div className="value">{groups.past.length}</div>
            </div>
            <div className="card stat">
              <div className="label">Cancelled</div>
              <div className="value">{groups.cancelled.length}</div>
            </div>
          </div>
          <div className="tabs" role="tablist" aria-label="Which events">
            {(['upcoming', 'past', 'cancelled'] as Tab[]).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
                {t[0]!.toUpperCase() + t.slice(1)} ({groups[t].length})
              </button>
            ))}
          </div>
          {groups[tab].length === 0 ? (
            <p className="muted">Nothing here.</p>
          ) : (
            <div role="tabpanel">
              <ul className="org-list bare-list">
                {groups[tab].map((e) => (
                  <OrganizerEventRow key={e.eventId} event={e} />
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </div>
  );
}
