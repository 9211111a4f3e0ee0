import { Link } from 'react-router';
import type { Event, Registration } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert } from '../../components/States';
import { formatMoney, pluralize } from '../../lib/format';

/// The registration is paid (or was free): the tickets are ready.
export function CheckoutConfirmed({ registration: r, event: e }: { registration: Registration; event?: Event }) {
  return (
    <div className="container container-sm">
      <div className="card card-pad text-center" role="status">
        <div className="success-mark">
          <Icon name="check" size={38} />
        </div>
        <h1>You’re going!</h1>
        <p className="muted">
          {r.amount > 0 ? `Payment of ${formatMoney(r.amount, r.currency)} received. ` : ''}
          {pluralize(r.tickets.length || r.quantity, 'ticket is', 'tickets are')} ready{e ? ` for ${e.name}` : ''}.
        </p>
        <Link to={`/tickets?registration=${r.registrationId}`} className="btn btn-primary btn-lg">
          <Icon name="ticket" /> View my tickets
        </Link>
      </div>
    </div>
  );
}

const kWhyNothingToPay: Record<string, string> = {
  expired: 'The hold on your seats ran out before payment arrived, so they were released.',
  cancelled: 'This registration was cancelled.',
  refunded: 'This registration was refunded.',
  refund_pending:
    'This registration is being refunded. If you just paid, the payment arrived after the hold on your seats ran out and they were gone; the money goes back to your card.',
};

/// The registration no longer awaits payment (expired, cancelled, refunded).
export function NothingToPay({ registration: r }: { registration: Registration }) {
  return (
    <div className="container container-sm">
      <div className="card card-pad">
        <h1>Nothing to pay</h1>
        <Alert tone="warn">{kWhyNothingToPay[r.status] ?? `This registration is ${r.status}.`}</Alert>
        <p className="mt-16">
          <Link to={`/events/${r.eventId}`} className="btn btn-primary">
            Back to the event
          </Link>
        </p>
      </div>
    </div>
  );
}
