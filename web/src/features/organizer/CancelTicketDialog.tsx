import { useState } from 'react';
import { ApiError } from '../../api';
import type { Event, Registration, Ticket } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field, fieldSentence } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';
import { organizerNeedsReason } from '../../lib/cancellation';
import { formatMoney } from '../../lib/format';
import { refundFor } from '../tickets/refund';
import { useCancelTicketsAsOrganizer } from './api';

/// The organizer cancels one ticket of a registration: it stops working, its seat is released
/// (to the waiting list first), and a paid order is refunded exactly its share. A reason is
/// required once the holder could no longer cancel it themselves, as the server requires.
export function CancelTicketDialog({
  registration: r,
  ticket,
  event,
  onClose,
}: {
  registration: Registration;
  ticket: Ticket | null;
  event?: Event;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const cancel = useCancelTicketsAsOrganizer(r.eventId);
  const close = () => {
    setReason('');
    setReasonError(null);
    cancel.reset();
    onClose();
  };
  const checkedIn = r.tickets.filter((t) => t.status === 'used').length;
  const required = !!event && organizerNeedsReason({ status: r.status, checkedIn }, event);
  const refund = ticket ? refundFor(r, [ticket.ticketId]) : 0;
  const confirm = () => {
    if (!ticket) return;
    if (required && !reason.trim()) {
      setReasonError('Give a reason: the holder could no longer cancel this themselves.');
      return;
    }
    cancel.mutate(
      { registrationId: r.registrationId, ticketIds: [ticket.ticketId], reason: reason.trim() || undefined },
      {
        onSuccess: close,
        onError: (err) => {
          const message = err instanceof ApiError ? err.fieldErrors.reason : undefined;
          if (message) setReasonError(fieldSentence('The reason', message));
        },
      },
    );
  };
  const otherError = cancel.isError && !(cancel.error instanceof ApiError && cancel.error.fieldErrors.reason);
  return (
    <ConfirmDialog
      open={!!ticket}
      title={`Cancel ${ticket?.holderName ?? ''}’s ticket?`}
      confirmLabel={cancel.isPending ? 'Cancelling…' : refund > 0 ? 'Cancel & refund' : 'Cancel ticket'}
      danger
      busy={cancel.isPending}
      onConfirm={confirm}
      onClose={close}
    >
      {ticket && (
        <>
          <p>
            This ticket stops working and its seat is released; the order’s other tickets stay valid.
            {refund > 0 && ` ${formatMoney(refund, r.currency)} is refunded.`}
          </p>
          <Field label={required ? 'Reason (required)' : 'Reason (optional)'} error={reasonError} hint="Kept in the audit log.">
            <textarea rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} required={required} />
          </Field>
          {otherError && <Alert tone="bad">{errorMessage(cancel.error)}</Alert>}
        </>
      )}
    </ConfirmDialog>
  );
}
