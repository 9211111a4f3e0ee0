import type { Event, Registration } from '../api/types';

/// Whether the holder may still cancel a registration, by the server's rule
/// (README, "Cancellation policy and holds"): an unpaid hold may always be let go; otherwise not
/// once any of its tickets was admitted, nor from the event's cancellation deadline on (its start
/// when the event sets none). The server decides in the end; this only tells the person in advance.
export type HolderCancel =
  | { kind: 'hold' }
  | { kind: 'open'; until: string }
  | { kind: 'closed'; why: 'used' | 'deadline'; deadline: string }
  /// Not active any more (cancelled, expired, refunded), or the event is not known yet.
  | { kind: 'none' };

/// The moment from which the holder may no longer cancel: the event's deadline, or its start.
export function cancellationDeadline(event: Pick<Event, 'cancellationDeadline' | 'date'>): string {
  return event.cancellationDeadline ?? event.date;
}

export function holderCancel(
  r: Pick<Registration, 'status' | 'tickets'>,
  event: Pick<Event, 'cancellationDeadline' | 'date'> | undefined,
  now = Date.now(),
): HolderCancel {
  if (r.status === 'pending_payment') return { kind: 'hold' };
  if (r.status !== 'confirmed' || !event) return { kind: 'none' };
  const deadline = cancellationDeadline(event);
  if (r.tickets.some((t) => t.status === 'used')) return { kind: 'closed', why: 'used', deadline };
  if (now >= Date.parse(deadline)) return { kind: 'closed', why: 'deadline', deadline };
  return { kind: 'open', until: deadline };
}

/// Whether the organizer must give a reason to cancel: when the holder could no longer cancel it
/// (a ticket admitted, or the deadline passed) — the server answers 400 naming `reason` otherwise.
export function organizerNeedsReason(
  row: { status: Registration['status']; checkedIn: number },
  event: Pick<Event, 'cancellationDeadline' | 'date'>,
  now = Date.now(),
): boolean {
  if (row.checkedIn > 0) return true;
  if (row.status === 'pending_payment') return false;
  return now >= Date.parse(cancellationDeadline(event));
}
