import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Event, Registration, Ticket } from '../../api/types';
import { useMyRegistrations } from '../events/api';
import { useCancelMyRegistration, useCancelTickets, useEventIds, useEventsById } from './api';

/// A registration still ahead: it holds seats and its event has not long passed nor been cancelled.
function isUpcoming(r: Registration, event: Event | undefined, now: number): boolean {
  return (
    (r.status === 'confirmed' || r.status === 'pending_payment') &&
    (!event || (Date.parse(event.date) > now - 6 * 3600_000 && event.status !== 'cancelled'))
  );
}

/// The tickets page's state: the attendee's registrations and their events, split into upcoming
/// (soonest first) and past, the one just booked, and the cancel and zoom dialogs.
export function useMyTickets() {
  const [params] = useSearchParams();
  const highlight = params.get('registration');
  const registrations = useMyRegistrations(true);
  const eventById = useEventsById(useEventIds(registrations.data));
  const [cancelling, setCancelling] = useState<Registration | null>(null);
  const [zoom, setZoom] = useState<{ ticket: Ticket; event?: Event } | null>(null);
  const cancel = useCancelMyRegistration(() => setCancelling(null));
  // Some tickets of a registration (the dialog that chooses them).
  const [cancellingTickets, setCancellingTickets] = useState<Registration | null>(null);
  const cancelTickets = useCancelTickets(() => setCancellingTickets(null));

  useEffect(() => {
    if (!highlight || !registrations.data) return;
    document.getElementById(`registration-${highlight}`)?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [highlight, registrations.data]);

  const now = Date.now();
  const all = registrations.data ?? [];
  const ahead = (r: Registration) => isUpcoming(r, eventById.get(r.eventId), now);
  const upcoming = all.filter(ahead).sort((a, b) => {
    const ea = eventById.get(a.eventId)?.date ?? '';
    const eb = eventById.get(b.eventId)?.date ?? '';
    return ea.localeCompare(eb);
  });
  const past = all.filter((r) => !ahead(r));
  const justBooked = highlight ? all.find((r) => r.registrationId === highlight && r.status === 'confirmed') : undefined;

  const closeCancel = () => {
    setCancelling(null);
    cancel.reset();
  };
  const closeCancelTickets = () => {
    setCancellingTickets(null);
    cancelTickets.reset();
  };

  return {
    registrations,
    all,
    upcoming,
    past,
    justBooked,
    highlight,
    eventById,
    cancelling,
    setCancelling,
    closeCancel,
    cancel,
    cancellingTickets,
    setCancellingTickets,
    cancelTickets,
    closeCancelTickets,
    zoom,
    setZoom,
  };
}
