import { useState } from 'react';
import type { Question, RegistrationRow, Ticket } from '../../api/types';
import { AnswerList } from '../../components/AnswerList';
import { StatusBadge } from '../../components/EventBits';
import { ErrorState, Loading } from '../../components/States';
import { useRegistration } from '../checkout/api';
import { useEvent } from '../events/api';
import { CancelTicketDialog } from './CancelTicketDialog';

/// One registration opened in the organizer's list: each ticket's holder (not the buyer: a ticket
/// may be for someone else), type, status and answers, and cancelling one ticket of an order that
/// keeps others. The order's answers are on its row.
export function RegistrationDetails({ row, questions }: { row: RegistrationRow; questions: Question[] }) {
  const reg = useRegistration(row.registrationId, false);
  const event = useEvent(row.eventId);
  const [cancelling, setCancelling] = useState<Ticket | null>(null);
  if (reg.isPending) return <Loading label="Loading the tickets…" />;
  if (reg.isError) return <ErrorState error={reg.error} retry={() => reg.refetch()} title="We could not load the tickets" />;
  const r = reg.data;
  const typeName = (id?: string) => r.items.find((i) => i.ticketTypeId === id)?.name ?? '';
  // One ticket of several valid ones; the last is the whole registration's cancel, on its row.
  const single = r.status === 'confirmed' && r.tickets.filter((t) => t.status === 'valid').length > 1;
  return (
    <div className="reg-details">
      {r.tickets.length === 0 ? (
        <p className="small muted">No tickets yet: they are issued once the order is paid.</p>
      ) : (
        <ul className="holder-list" aria-label={`Tickets of ${row.attendee.name}’s registration`}>
          {r.tickets.map((t) => (
            <li key={t.ticketId}>
              <div className="row row-tight">
                <strong>{t.holderName}</strong>
                <span className="small muted">{typeName(t.ticketTypeId)}</span>
                <StatusBadge status={t.status} />
                {single && t.status === 'valid' && (
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    onClick={() => setCancelling(t)}
                    aria-label={`Cancel ticket of ${t.holderName}`}
                  >
                    Cancel ticket
                  </button>
                )}
              </div>
              {t.holderEmail && <div className="small muted">{t.holderEmail}</div>}
              <AnswerList questions={questions} answers={t.answers} />
            </li>
          ))}
        </ul>
      )}
      <CancelTicketDialog registration={r} ticket={cancelling} event={event.data} onClose={() => setCancelling(null)} />
    </div>
  );
}
