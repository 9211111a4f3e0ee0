import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Event, Registration, TicketType } from '../../api/types';
import { useTitle } from '../../lib/useTitle';
import { useSession } from '../auth/session';
import { orderPath } from '../checkout/orderLink';
import { asksType } from '../checkout/orderForm';
import { useAppliedCode } from '../promo/useAppliedCode';
import { useEvent, useMyRegistrations, useQuestions, useRegister } from './api';
import {
  clampQuantity,
  initialQuantities,
  maxForType,
  orderItems,
  orderTotal,
  visibleTypes,
  type Quantities,
} from './ticketChoice';

const holdsSeats = (r: Registration) => r.status === 'confirmed' || r.status === 'pending_payment';
/// The seats a registration holds: its tickets less those cancelled on their own (`void`).
const seatsHeld = (r: Registration) => r.quantity - (r.tickets ?? []).filter((t) => t.status === 'void').length;

/// What the ticket box may offer the attendee: the seats they hold, how many more they may take
/// (at most 100 at once) and, when none, why.
export function ticketLimits(e: Event, mine: Registration[]) {
  const held = mine.filter(holdsSeats).reduce((n, r) => n + seatsHeld(r), 0);
  const cancelled = e.status === 'cancelled';
  const started = Date.parse(e.date) <= Date.now();
  const maxQty = Math.max(0, Math.min(e.maxPerAttendee - held, e.seatsLeft, 100));
  const closedReason = cancelled
    ? 'This event was cancelled.'
    : e.status === 'draft'
      ? 'This event is a draft: only you can see it. Publish it to put it on sale.'
      : started
        ? 'This event has already started.'
        : e.seatsLeft <= 0
          ? 'Sold out.'
          : maxQty <= 0
            ? `You hold the most seats one person may (${e.maxPerAttendee}).`
            : null;
  return { held, cancelled, maxQty, closedReason };
}

/// The chosen quantities kept within what may be taken now: each type's own limits, and over all
/// types `seatsAllowed` (types earlier in the list keep theirs first).
export function withinLimits(types: TicketType[], chosen: Quantities, seatsAllowed: number): Quantities {
  const out: Quantities = {};
  for (const t of types) {
    const q = clampQuantity(t, chosen[t.ticketTypeId] ?? 0, maxForType(t, out, seatsAllowed));
    if (q > 0) out[t.ticketTypeId] = q;
  }
  return out;
}

/// The event page's state: the event, the attendee's registrations of it, the tickets chosen per
/// type (kept within what they may take), the running total, and what ordering does: one ticket
/// that no question is asked of, for a signed-in buyer (whose name it carries), is ordered at once
/// and goes on to checkout or to the tickets; any other order goes to the form that names each
/// ticket's holder and asks the questions (and lets a visitor order as a guest). A promo code in the
/// address (`?code=`) shows the hidden types it unlocks and goes with the order.
export function useEventPage(eventId: string) {
  const session = useSession();
  const navigate = useNavigate();
  const event = useEvent(eventId);
  const mine = useMyRegistrations(!!session);
  const code = useAppliedCode(eventId, event.data);
  const register = useRegister(eventId, code.applied);
  const questions = useQuestions(eventId);
  const [chosen, setChosen] = useState<Quantities | null>(null);
  useTitle(event.data?.name);

  const e = code.event;
  const myRegs = e ? (mine.data ?? []).filter((r) => r.eventId === e.eventId) : [];
  const limits = e ? ticketLimits(e, myRegs) : null;
  const seatsAllowed = limits?.maxQty ?? 0;
  const types = e ? visibleTypes(e, code.unlocked) : [];
  const quantities = withinLimits(types, chosen ?? initialQuantities(types), seatsAllowed);
  const items = orderItems(types, quantities);
  const count = items.reduce((n, item) => n + item.quantity, 0);
  const total = e ? orderTotal(types, quantities, e.currency) : 0;
  const setQuantity = (type: TicketType, n: number) => setChosen({ ...quantities, [type.ticketTypeId]: n });
  // Until the questions are known the form is the safe way (it asks them).
  const asked = !questions.data || questions.data.some((q) => items.some((item) => asksType(q, item.ticketTypeId)));
  const direct = !!session && count === 1 && !asked;

  const onRegister = () => {
    if (items.length === 0) return;
    setChosen(quantities);
    if (!direct) {
      navigate(orderPath(eventId, items, code.applied));
      return;
    }
    register.mutate(items, {
      onSuccess: (registration) => {
        if (registration.status === 'pending_payment') navigate(`/checkout/${registration.registrationId}`);
        else navigate(`/tickets?registration=${registration.registrationId}`);
      },
    });
  };

  return {
    event,
    code,
    session,
    myRegs,
    limits,
    types,
    quantities,
    seatsAllowed,
    count,
    total,
    setQuantity,
    register,
    direct,
    onRegister,
  };
}
