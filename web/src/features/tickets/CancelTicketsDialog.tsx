import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { Event, Registration } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatMoney, pluralize } from '../../lib/format';
import { CancelError } from './CancelPolicy';
import { cancellableTickets, refundFor } from './refund';

export interface CancelTicketsVars {
  registration: Registration;
  ticketIds: string[];
}

/// The tickets of one registration to choose from, each named by its holder (and type).
function TicketChoice({
  registration: r,
  chosen,
  onToggle,
}: {
  registration: Registration;
  chosen: string[];
  onToggle: (ticketId: string) => void;
}) {
  const typeName = (id?: string) => (r.items.length > 1 ? r.items.find((i) => i.ticketTypeId === id)?.name : undefined);
  const tickets = cancellableTickets(r);
  return (
    <fieldset className="ticket-pick">
      <legend>Tickets to cancel</legend>
      {tickets.map((t) => {
        const type = typeName(t.ticketTypeId);
        return (
          <label key={t.ticketId} className="check">
            <input type="checkbox" checked={chosen.includes(t.ticketId)} onChange={() => onToggle(t.ticketId)} /> {t.holderName}
            {type ? ` · ${type}` : ''} <span className="mono muted small">#{t.ticketId.slice(-8)}</span>
          </label>
        );
      })}
    </fieldset>
  );
}

/// Asks which tickets of a registration to cancel and says what comes back before anything is
/// sent: the chosen tickets stop working, their seats are released, and a paid order is refunded
/// exactly their share (after any discount). Choosing every ticket cancels the whole registration.
export function CancelTicketsDialog({
  registration: r,
  event,
  cancel,
  onClose,
}: {
  registration: Registration | null;
  event?: Event;
  cancel: UseMutationResult<Registration, Error, CancelTicketsVars>;
  onClose: () => void;
}) {
  const [chosen, setChosen] = useState<string[]>([]);
  const close = () => {
    setChosen([]);
    onClose();
  };
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const refund = r ? refundFor(r, chosen) : 0;
  const all = !!r && chosen.length === cancellableTickets(r).length;
  return (
    <ConfirmDialog
      open={!!r}
      title="Cancel tickets?"
      confirmLabel={
        cancel.isPending
          ? 'Cancelling…'
          : chosen.length
            ? `Cancel ${pluralize(chosen.length, 'ticket', 'tickets')}`
            : 'Cancel tickets'
      }
      cancelLabel="Keep them"
      danger
      busy={cancel.isPending}
      confirmDisabled={chosen.length === 0}
      onConfirm={() => r && chosen.length && cancel.mutate({ registration: r, ticketIds: chosen }, { onSuccess: close })}
      onClose={close}
    >
      {r && (
        <>
          <p>
            Choose the tickets for <strong>{event?.name ?? 'this event'}</strong> you no longer need. They stop working and their
            seats are released; the other tickets stay valid.
          </p>
          <TicketChoice registration={r} chosen={chosen} onToggle={toggle} />
          <p aria-live="polite">
            {chosen.length === 0
              ? 'No ticket chosen yet.'
              : refund > 0
                ? `You will be refunded ${formatMoney(refund, r.currency)} to your card${all ? ', and the registration is cancelled' : ''}.`
                : r.amount > 0 && r.source !== 'comp'
                  ? 'Nothing is left to refund for these tickets.'
                  : `${pluralize(chosen.length, 'ticket', 'tickets')} will be cancelled${all ? ', and with them the registration' : ''}.`}
          </p>
          {cancel.isError && <CancelError error={cancel.error} />}
        </>
      )}
    </ConfirmDialog>
  );
}
