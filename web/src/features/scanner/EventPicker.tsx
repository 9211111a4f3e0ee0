import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Event } from '../../api/types';
import { DateBadge } from '../../components/EventBits';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { ErrorState, Loading } from '../../components/States';
import { formatEventDate } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { hasRole, useSession } from '../auth/session';
import { useMyEvents } from '../organizer/api';
import { useStaffEvents } from './api';

function EventLinks({ events }: { events: Event[] }) {
  return (
    <ul className="event-links">
      {events.map((e) => (
        <li key={e.eventId}>
          <Link to={`/scan/${e.eventId}`} className="card row event-link">
            <DateBadge iso={e.date} timeZone={e.timezone} />
            <div className="grow">
              <strong>{e.name}</strong>
              <div className="small muted">{formatEventDate(e.date, e.timezone)}</div>
              <div className="small muted">{e.location}</div>
            </div>
            <Icon name="scan" />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/// Pasted scanner link or event id → the event id.
function eventIdFromLink(text: string): string | null {
  return /(?:\/scan\/|\/events\/)?([A-Za-z0-9_-]{10,})\/?$/.exec(text.trim())?.[1] ?? null;
}

/// The scanner's start: the organizer's upcoming events, those the account is door staff for, and
/// a field for a shared scanner link.
export function EventPicker() {
  const session = useSession();
  const navigate = useNavigate();
  const isOrganizer = hasRole(session, 'organizer', 'admin');
  const mine = useMyEvents(isOrganizer);
  const staffing = useStaffEvents();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  useTitle('Scan tickets');
  const go = (e: FormEvent) => {
    e.preventDefault();
    const eventId = eventIdFromLink(text);
    if (!eventId) {
      setError('Paste the scanner link your organizer shared, or the event id.');
      return;
    }
    navigate(`/scan/${eventId}`);
  };
  const now = Date.now();
  const upcoming = (mine.data ?? []).filter((e) => e.status !== 'cancelled' && Date.parse(e.date) > now - 12 * 3600_000);
  const ownIds = new Set(upcoming.map((e) => e.eventId));
  const staffed = (staffing.data?.items ?? []).filter((e) => !ownIds.has(e.eventId));
  const showStaffed = !isOrganizer || staffed.length > 0 || staffing.isError;
  return (
    <div className="container container-md">
      <div className="page-head">
        <div>
          <h1>Scan tickets</h1>
          <p>Choose the event you are admitting guests to.</p>
        </div>
      </div>
      {isOrganizer && (
        <section className="card card-pad mb-20" aria-labelledby="pick-title">
          <h2 id="pick-title">Your events</h2>
          {mine.isPending ? (
            <Loading />
          ) : mine.isError ? (
            <ErrorState error={mine.error} retry={() => mine.refetch()} />
          ) : upcoming.length === 0 ? (
            <p className="muted">No upcoming events.</p>
          ) : (
            <EventLinks events={upcoming} />
          )}
        </section>
      )}
      {showStaffed && (
        <section className="card card-pad mb-20" aria-labelledby="staffed-title">
          <h2 id="staffed-title">Events you are door staff for</h2>
          {staffing.isPending ? (
            <Loading label="Loading your events…" />
          ) : staffing.isError ? (
            <ErrorState error={staffing.error} retry={() => staffing.refetch()} />
          ) : staffed.length === 0 ? (
            <p className="muted">
              You are not on the door staff of an upcoming event yet. When an organizer invites your account’s email, accept the
              invitation under <Link to="/invitations">Invitations</Link>; the event then appears here.
            </p>
          ) : (
            <EventLinks events={staffed} />
          )}
        </section>
      )}
      <section className="card card-pad" aria-labelledby="link-title">
        <h2 id="link-title">Open a scanner link</h2>
        <p className="muted">Or open the scanner link the organizer shared with you, or paste it here.</p>
        <form onSubmit={go} noValidate className="row row-top">
          <Field label="Scanner link or event id" error={error} className="spacer">
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder="https://…/scan/…" />
          </Field>
          <button type="submit" className="btn btn-primary align-with-field">
            Open scanner
          </button>
        </form>
      </section>
    </div>
  );
}
