import { useState } from 'react';
import { ApiError } from '../../api';
import type { Event, RegistrationRow } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field, fieldSentence } from '../../components/Field';
import { Alert, errorMessage } from '../../components/States';
import { organizerNeedsReason } from '../../lib/cancellation';
import { formatMoney, pluralize } from '../../lib/format';
import { useCancelRegistration } from './api';

/// The organizer's "Cancel & refund" for one registration, with a reason for the audit log:
/// required once the attendee could no longer cancel it themselves (a ticket was used, or the
/// cancellation deadline passed), as the server requires.
export function CancelRegistrationDialog({
  row,
  event,
  onClose,
}: {
  row: RegistrationRow | null;
  event: Event;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const cancel = useCancelRegistration(event.eventId);
  const close = () => {
    setReason('');
    setReasonError(null);
    cancel.reset();
    onClose();
  };
  const required = !!row && organizerNeedsReason(row, event);
  // Tickets cancelled on their own were refunded then; a comp was never paid.
  const refundLeft = row ? Math.max(0, row.amount - (row.refundedAmount ?? 0)) : 0;
  const refund = !!row && refundLeft > 0 && row.status === 'confirmed' && row.source !== 'comp';
  const confirm = () => {
    if (!row) return;
    if (required && !reason.trim()) {
      setReasonError('Give a reason: the attendee could no longer cancel this themselves.');
      return;
    }
    setReasonError(null);
    cancel.mutate(
      { row, reason: reason.trim() || undefined },
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
      open={!!row}
      title={refund ? 'Cancel and refund this registration?' : 'Cancel this registration?'}
      confirmLabel={cancel.isPending ? 'Cancelling…' : refund ? 'Cancel & refund' : 'Cancel registration'}
      danger
      busy={cancel.isPending}
      onConfirm={confirm}
      onClose={close}
    >
      {row && (
        <>
          <p>
            {row.attendee.name}’s {pluralize(row.quantity, 'ticket', 'tickets')} stop working
            {Date.now() >= Date.parse(event.date)
              ? '; the event has begun, so its seats are not sold again'
              : row.checkedIn > 0
                ? `; ${pluralize(row.checkedIn, 'seat', 'seats')} used at the door ${row.checkedIn === 1 ? 'is' : 'are'} not sold again`
                : ' and the seats go back on sale'}
            .{refund && ` ${formatMoney(refundLeft, row.currency)} is refunded.`}
          </p>
          <Field
            label={required ? 'Reason (required)' : 'Reason (optional)'}
            error={reasonError}
            hint={
              required
                ? `${row.checkedIn > 0 ? 'A ticket was used at the door' : 'The cancellation deadline has passed'}, so a reason is needed. It is kept in the audit log.`
                : 'Kept in the audit log.'
            }
          >
            <textarea rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} required={required} />
          </Field>
          {otherError && <Alert tone="bad">{errorMessage(cancel.error)}</Alert>}
        </>
      )}
    </ConfirmDialog>
  );
}
