import { Link } from 'react-router';
import { ApiError } from '../../api';
import type { Event, Registration } from '../../api/types';
import { Alert, errorMessage } from '../../components/States';
import { formatEventDate, pluralize } from '../../lib/format';
import { problemKind } from '../../api/errors';

const kInstant = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/// A server sentence with its RFC 3339 instants written for people, in the event's time zone.
export function withLocalTimes(text: string, timeZone: string): string {
  return text.replace(kInstant, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : formatEventDate(iso, timeZone)));
}

function registerErrorMessage(error: unknown, event: Event, held: number): string {
  if (error instanceof ApiError) {
    switch (error.kind) {
      case 'sold-out':
        return event.seatsLeft > 0
          ? `Only ${pluralize(event.seatsLeft, 'seat is', 'seats are')} left now. Choose fewer and try again.`
          : 'This event just sold out.';
      case 'attendee-limit':
        return `You can hold at most ${event.maxPerAttendee} seats for this event${held ? ` and already have ${held}` : ''}.`;
      case 'validation-error': {
        // Fields are named as paths: `quantity`, `items[1].quantity`, `items[0].ticketTypeId`.
        const [field, message] = Object.entries(error.fieldErrors)[0] ?? [];
        if (!field) return error.message;
        return field.endsWith('quantity') ? `The number of tickets ${message}.` : `${error.message} (${field} ${message})`;
      }
      case 'conflict':
        return error.message || 'Registration is closed for this event.';
      case 'sales-closed':
        return `${error.problem?.detail ?? 'A ticket type you chose is not on sale now.'} Choose another type or try again later.`;
    }
  }
  return errorMessage(error);
}

/// Why a registration was refused, told apart by the problem's type. The hold rules (one unpaid
/// order at a time, a pause after a hold lapsed, a cap per network) each say what to do next.
export function RegisterError({
  error,
  event,
  held,
  openOrder,
  guest = false,
}: {
  error: unknown;
  event: Event;
  held: number;
  /// The caller's unpaid order of this event, when the app knows it.
  openOrder?: Registration;
  /// Ordering without an account: the open order is reached from its email, not My tickets.
  guest?: boolean;
}) {
  const kind = problemKind(error);
  const detail = error instanceof ApiError ? error.problem?.detail : undefined;
  if (kind === 'unpaid-order-open' && guest) {
    return (
      <Alert tone="warn" title="This address already has an unpaid order for this event">
        <p>Pay for it or cancel it from the link in its confirmation email before ordering again.</p>
      </Alert>
    );
  }
  if (kind === 'unpaid-order-open') {
    return (
      <Alert tone="warn" title="You already have an unpaid order for this event">
        <p>Pay for it or cancel it before ordering again.</p>
        <p className="alert-links">
          {openOrder ? (
            <>
              <Link to={`/checkout/${openOrder.registrationId}`}>Complete payment</Link> ·{' '}
              <Link to={`/tickets?registration=${openOrder.registrationId}`}>See it in My tickets</Link>
            </>
          ) : (
            <Link to="/tickets">See it in My tickets</Link>
          )}
        </p>
      </Alert>
    );
  }
  if (kind === 'hold-cooldown') {
    return (
      <Alert tone="warn" title="You cannot hold seats for this event again yet">
        {detail ? withLocalTimes(detail, event.timezone) : 'Your last order was not paid in time. Try again later.'}
      </Alert>
    );
  }
  if (kind === 'too-many-unpaid-orders') {
    return (
      <Alert tone="warn" title="Too many unpaid orders from your network">
        {detail ?? 'Try again once some of them are paid or have expired.'}
      </Alert>
    );
  }
  return <Alert tone="bad">{registerErrorMessage(error, event, held)}</Alert>;
}
