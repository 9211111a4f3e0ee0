import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Event, Registration } from '../../api/types';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../auth/session';
import { useEvent, useMyRegistrations, useRegister } from './api';

const holdsSeats = (r: Registration) => r.status === 'confirmed' || r.status === 'pending_payment';

/// What the ticket box may offer the attendee: the seats they hold, how many more they may take
/// (at most 100 at once) and, when none, why.
export function ticketLimits(e: Event, mine: Registration[]) {
  const held = mine.filter(holdsSeats).reduce((n, r) => n + r.quantity, 0);
  const cancelled = e.status === 'cancelled';
  const started = Date.parse(e.date) <= Date.now();
  const maxQty = Math.max(0, Math.min(e.maxPerAttendee - held, e.seatsLeft, 100));
  const closedReason = cancelled
    ? 'This event was cancelled.'
    : started
      ? 'This event has already started.'
      : e.seatsLeft <= 0
        ? 'Sold out.'
        : maxQty <= 0
          ? `You hold the most seats one person may (${e.maxPerAttendee}).`
          : null;
  return { held, cancelled, maxQty, closedReason };
}

/// The event page's state: the event, the attendee's registrations of it, the chosen number of
/// tickets (kept within what they may take) and the registration, which goes on to checkout or
/// to the tickets.
export function useEventPage(eventId: string) {
  const session = useSession();
  const navigate = useNavigate();
  const event = useEvent(eventId);
  const mine = useMyRegistrations(!!session);
  const register = useRegister(eventId);
  const [quantity, setQuantity] = useState(1);
  useTitle(event.data?.name);

  const e = event.data;
  const myRegs = e ? (mine.data ?? []).filter((r) => r.eventId === e.eventId) : [];
  const limits = e ? ticketLimits(e, myRegs) : null;
  const maxQty = limits?.maxQty ?? 0;
  const qty = Math.min(Math.max(1, quantity), Math.max(1, maxQty));

  const onRegister = () => {
    if (!session) {
      navigate(`/login?next=${encodeURIComponent(`/events/${eventId}`)}`);
      return;
    }
    if (qty !== quantity) setQuantity(qty);
    register.mutate(qty, {
      onSuccess: (registration) => {
        if (registration.status === 'pending_payment') navigate(`/checkout/${registration.registrationId}`);
        else navigate(`/tickets?registration=${registration.registrationId}`);
      },
    });
  };

  return { event, session, myRegs, limits, qty, setQuantity, register, onRegister };
}
