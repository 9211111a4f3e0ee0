import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { EmptyState, ErrorState } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { hasRole, useSession } from '../auth/session';
import { useEventList } from './api';
import { EventCard, EventCardSkeleton } from './EventCard';
import { kRanges, type RangeId } from './ranges';

export default function EventsPage() {
  useTitle(undefined);
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const range = (kRanges.some((r) => r.id === params.get('when')) ? params.get('when') : 'any') as RangeId;
  const [text, setText] = useState(q);

  // Search as the person types, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => {
      if (text.trim() === q) return;
      const next = new URLSearchParams(params);
      if (text.trim()) next.set('q', text.trim());
      else next.delete('q');
      setParams(next, { replace: true });
    }, 250);
    return () => clearTimeout(t);
  }, [text, q, params, setParams]);

  const events = useEventList(q, range);

  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const setRange = (id: RangeId) => {
    const next = new URLSearchParams(params);
    if (id === 'any') next.delete('when');
    else next.set('when', id);
    setParams(next, { replace: true });
  };

  return (
    <div className="container">
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Find something worth showing up for</h1>
        <p>Concerts, meetups, workshops and more — book in seconds, keep your ticket on your phone.</p>
        <form className="search" role="search" onSubmit={(e) => e.preventDefault()}>
          <Icon name="search" size={22} />
          <label htmlFor="event-search" className="visually-hidden">
            Search events
          </label>
          <input
            id="event-search"
            className="input"
            type="search"
            placeholder="Search by name, place or topic"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
          />
        </form>
      </section>

      <div className="section-head">
        <h2>{q ? `Results for “${q}”` : 'Upcoming events'}</h2>
        {hasRole(session, 'organizer') && (
          <Link to="/organizer/events/new" className="btn btn-sm">
            <Icon name="plus" size={16} /> New event
          </Link>
        )}
      </div>
      <div className="chips" role="group" aria-label="When">
        {kRanges.map((r) => (
          <button key={r.id} type="button" className="chip" aria-pressed={range === r.id} onClick={() => setRange(r.id)}>
            {r.label}
          </button>
        ))}
      </div>

      {events.isPending ? (
        <div className="event-grid" role="status" aria-label="Loading events">
          {Array.from({ length: 6 }, (_, i) => (
            <EventCardSkeleton key={i} />
          ))}
        </div>
      ) : events.isError ? (
        <ErrorState error={events.error} retry={() => events.refetch()} title="We could not load events" />
      ) : items.length === 0 ? (
        <EmptyState icon="calendar" title={q ? 'No events match your search' : 'No upcoming events yet'}>
          <p>{q ? 'Try fewer or different words.' : 'Check back soon — organizers are busy planning.'}</p>
          {q && (
            <button type="button" className="btn" onClick={() => setText('')}>
              Clear search
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <ul className="event-grid bare-list" aria-label="Events">
            {items.map((event) => (
              <li key={event.eventId} className="event-grid-item">
                <EventCard event={event} />
              </li>
            ))}
          </ul>
          {events.hasNextPage && (
            <div className="load-more">
              <button type="button" className="btn" onClick={() => events.fetchNextPage()} disabled={events.isFetchingNextPage}>
                {events.isFetchingNextPage && <span className="spinner" aria-hidden="true" />}
                {events.isFetchingNextPage ? 'Loading…' : 'Show more events'}
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
