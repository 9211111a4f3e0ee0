import { useMutation, useQueries, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { Event, Registration } from '../../api/types';
import { eventQuery } from '../events/api';
import type { CancelTicketsVars } from './CancelTicketsDialog';
import { cancellableTickets } from './refund';

/// The events of the given ids, by id (those loaded so far).
export function useEventsById(eventIds: readonly string[]): Map<string, Event> {
  const events = useQueries({ queries: eventIds.map((id) => ({ ...eventQuery(id), staleTime: 60_000 })) });
  const byId = new Map<string, Event>();
  events.forEach((q) => q.data && byId.set(q.data.eventId, q.data));
  return byId;
}

/// The distinct events of a list of registrations, in first-seen order.
export function useEventIds(registrations: readonly Pick<Registration, 'eventId'>[] | undefined): string[] {
  return useMemo(() => [...new Set((registrations ?? []).map((r) => r.eventId))], [registrations]);
}

/// The holder cancels a registration (POST /api/registrations/{id}/cancel, no reason).
export function useCancelMyRegistration(onCancelled: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (r: Registration) => api.cancelRegistration(r.registrationId),
    onSuccess: (r) => {
      onCancelled();
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(r.eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
    },
    // A refusal may mean a ticket was just used or the event changed: show the card as it now is.
    onError: (_e, r) => {
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(r.eventId) });
    },
  });
}

/// The holder (or a guest with the order's token) cancels some tickets of a registration; all of
/// them is the whole registration's cancel. The registration as it now is replaces the cached one.
export function useCancelTickets(onCancelled: () => void, orderToken?: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ registration: r, ticketIds }: CancelTicketsVars) =>
      ticketIds.length === cancellableTickets(r).length
        ? api.cancelRegistration(r.registrationId, undefined, orderToken)
        : api.cancelTickets(r.registrationId, ticketIds, orderToken),
    onSuccess: (r) => {
      onCancelled();
      if (orderToken) queryClient.setQueryData(queryKeys.registrations.guest(r.registrationId), r);
      else queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(r.eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
    },
    onError: (_e, { registration: r }) => {
      queryClient.invalidateQueries({
        queryKey: orderToken ? queryKeys.registrations.guest(r.registrationId) : queryKeys.registrations.all,
      });
    },
  });
}

/// A short-lived link to the ticket's PDF (with a guest's order token when given).
export const ticketDownloadLink = (ticketId: string, orderToken?: string | null) => api.ticketDownload(ticketId, orderToken);

/// Queues a registration's confirmation with its tickets again (POST /api/registrations/{id}/resend),
/// then reloads `invalidate` (the list that shows the registration), which also catches a
/// registration that changed meanwhile (409).
export function useResendTickets(invalidate: QueryKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (registrationId: string) => api.resendRegistration(registrationId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invalidate }),
  });
}
