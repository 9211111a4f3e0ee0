import { Link } from 'react-router';
import type { Event, Registration, Ticket } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, EmptyState, ErrorState, Loading } from '../../components/States';
import { pluralize } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { RegistrationCard } from './RegistrationCard';
import { CancelDialog, ZoomDialog } from './TicketDialogs';
import { CancelTicketsDialog } from './CancelTicketsDialog';
import { MyWaitlist } from '../waitlist/MyWaitlist';
import { useMyTickets } from './useMyTickets';

interface ListProps {
  registrations: Registration[];
  eventById: Map<string, Event>;
  highlight: string | null;
  onCancel: (r: Registration) => void;
  onCancelTickets: (r: Registration) => void;
  onZoom: (ticket: Ticket, event?: Event) => void;
}

function RegistrationList({ registrations, eventById, highlight, onCancel, onCancelTickets, onZoom }: ListProps) {
  return (
    <div className="stack">
      {registrations.map((r) => (
        <RegistrationCard
          key={r.registrationId}
          registration={r}
          event={eventById.get(r.eventId)}
          highlight={r.registrationId === highlight}
          onCancel={onCancel}
          onCancelTickets={onCancelTickets}
          onZoom={onZoom}
        />
      ))}
    </div>
  );
}

export default function MyTicketsPage() {
  useTitle('My tickets');
  const t = useMyTickets();
  const { registrations, all, upcoming, past, justBooked, eventById } = t;

  if (registrations.isPending) return <Loading label="Loading your tickets…" />;
  if (registrations.isError) {
    return (
      <div className="container">
        <ErrorState error={registrations.error} retry={() => registrations.refetch()} title="We could not load your tickets" />
      </div>
    );
  }

  const list = (items: Registration[], highlight: string | null) => (
    <RegistrationList
      registrations={items}
      eventById={eventById}
      highlight={highlight}
      onCancel={t.setCancelling}
      onCancelTickets={t.setCancellingTickets}
      onZoom={(ticket, event) => t.setZoom({ ticket, event })}
    />
  );

  return (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>My tickets</h1>
          <p>Show the QR code at the door — on your phone or printed from the PDF.</p>
        </div>
        <Link to="/" className="btn">
          <Icon name="search" size={16} /> Find more events
        </Link>
      </div>

      {justBooked && (
        <div className="mb-20">
          <Alert tone="ok" title="You’re booked!">
            {pluralize(justBooked.tickets.length, 'ticket is', 'tickets are')} below. We keep them here for you.
          </Alert>
        </div>
      )}

      {all.length === 0 ? (
        <EmptyState icon="ticket" title="No tickets yet">
          <p>When you register for an event, your tickets show up here.</p>
          <Link to="/" className="btn btn-primary">
            Browse events
          </Link>
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="upcoming-title">
            <h2 id="upcoming-title" className="visually-hidden">
              Upcoming
            </h2>
            {upcoming.length === 0 ? <p className="muted">No upcoming events. Time to find one!</p> : list(upcoming, t.highlight)}
          </section>
          {past.length > 0 && (
            <section className="section" aria-labelledby="past-title">
              <h2 id="past-title">Past and cancelled</h2>
              {list(past, null)}
            </section>
          )}
        </>
      )}

      <MyWaitlist />

      <CancelDialog
        registration={t.cancelling}
        event={t.cancelling ? eventById.get(t.cancelling.eventId) : undefined}
        cancel={t.cancel}
        onClose={t.closeCancel}
      />
      <CancelTicketsDialog
        registration={t.cancellingTickets}
        event={t.cancellingTickets ? eventById.get(t.cancellingTickets.eventId) : undefined}
        cancel={t.cancelTickets}
        onClose={t.closeCancelTickets}
      />
      <ZoomDialog zoom={t.zoom} onClose={() => t.setZoom(null)} />
    </div>
  );
}
