import type { UseMutationResult } from '@tanstack/react-query';
import type { Event, Registration, Ticket } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatMoney, pluralize } from '../../lib/format';
import { CancelError } from './CancelPolicy';
import { QrCode } from './QrCode';
import { cancellableTickets, refundFor } from './refund';

/// Asks before the holder cancels a registration, and says why when the server refuses.
export function CancelDialog({
  registration,
  event,
  cancel,
  onClose,
}: {
  registration: Registration | null;
  event?: Event;
  cancel: UseMutationResult<Registration, Error, Registration>;
  onClose: () => void;
}) {
  // What is left of a paid order: its valid tickets' share (tickets cancelled earlier were refunded then).
  const refund = registration
    ? refundFor(
        registration,
        cancellableTickets(registration).map((t) => t.ticketId),
      )
    : 0;
  return (
    <ConfirmDialog
      open={!!registration}
      title="Cancel this registration?"
      confirmLabel={cancel.isPending ? 'Cancelling…' : 'Yes, cancel'}
      danger
      busy={cancel.isPending}
      onConfirm={() => registration && cancel.mutate(registration)}
      onClose={onClose}
    >
      {registration && (
        <>
          <p>
            Your {pluralize(registration.quantity, 'seat', 'seats')} for <strong>{event?.name ?? 'this event'}</strong> will be
            released and {registration.tickets.length === 1 ? 'the ticket stops' : 'the tickets stop'} working.
          </p>
          {refund > 0 && <p>You will be refunded {formatMoney(refund, registration.currency)} to your card.</p>}
          {cancel.isError && <CancelError error={cancel.error} />}
        </>
      )}
    </ConfirmDialog>
  );
}

/// A ticket's QR code at full size, for the scanner at the door.
export function ZoomDialog({ zoom, onClose }: { zoom: { ticket: Ticket; event?: Event } | null; onClose: () => void }) {
  return (
    <dialog
      className="modal"
      ref={(d) => {
        if (!d) return;
        if (zoom && !d.open) d.showModal?.();
        if (!zoom && d.open) d.close?.();
      }}
      onClose={onClose}
      aria-label="Ticket QR code"
    >
      {zoom && (
        <>
          <div className="modal-body text-center">
            <h2>{zoom.event?.name ?? 'Your ticket'}</h2>
            <p className="muted">{zoom.ticket.holderName} · turn your screen brightness up</p>
            <QrCode text={zoom.ticket.qrCode} label="Ticket QR code" className="qr-full" />
          </div>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
