import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { Event, QuestionInput, RegistrationRow, TicketTypeInput, TicketTypeUpdate } from '../../api/types';
import { toEventInput, toEventUpdate, type EventFormValues } from './eventForm';

/// Every event the organizer owns (all pages, up to 2,000).
export const myEventsQuery = (enabled = true) =>
  queryOptions({
    queryKey: queryKeys.organizer.myEvents,
    queryFn: async () => {
      const all: Event[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.myEvents({ limit: 100, cursor });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 2000);
      return all;
    },
    enabled,
  });

export const useMyEvents = (enabled = true) => useQuery(myEventsQuery(enabled));

/// An event's registrations, a page at a time; the server searches attendee names and emails for
/// `q`. The last answer stays shown while the next search loads.
export const eventRegistrationsQuery = (eventId: string, q: string) =>
  infiniteQueryOptions({
    queryKey: queryKeys.organizer.registrationSearch(eventId, q),
    queryFn: ({ pageParam, signal }) => api.eventRegistrations(eventId, pageParam, q || undefined, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const useEventRegistrations = (eventId: string, q: string) => useInfiniteQuery(eventRegistrationsQuery(eventId, q));

/// Sales, check-ins and holds, refreshed every 30 seconds while shown.
export const analyticsQuery = (eventId: string) =>
  queryOptions({
    queryKey: queryKeys.organizer.analytics(eventId),
    queryFn: () => api.analytics(eventId),
    refetchInterval: 30_000,
  });

export const useAnalytics = (eventId: string) => useQuery(analyticsQuery(eventId));

/// Creates an event from the form, or changes `original` (sending only what changed; nothing
/// changed sends nothing). The saved event replaces the cached one; the listings reload.
export function useSaveEvent(original?: Event) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ values, draft = false }: { values: EventFormValues; draft?: boolean }) => {
      if (original) {
        const update = toEventUpdate(values, original);
        if (Object.keys(update).length === 0) return original;
        return api.updateEvent(original.eventId, update);
      }
      return api.createEvent(toEventInput(values, { draft }));
    },
    onSuccess: (event) => {
      queryClient.setQueryData(queryKeys.events.detail(event.eventId), event);
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.myEvents });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
    },
  });
}

/// Cancels the whole event: every registration is cancelled and refunded by the server.
export function useCancelEvent(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.cancelEvent(eventId),
    onSuccess: (event) => {
      queryClient.setQueryData(queryKeys.events.detail(eventId), event);
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.myEvents });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.registrations(eventId) });
    },
  });
}

/// The organizer cancels one registration (with a reason, kept in the audit log). The event's
/// registrations, seat counts and analytics reload.
export function useCancelRegistration(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ row, reason }: { row: RegistrationRow; reason?: string }) =>
      api.cancelRegistration(row.registrationId, reason),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.registrations(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.analytics(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.myEvents });
    },
  });
}

/// The organizer cancels some tickets of a registration (with a reason for the audit log); the
/// registration, the event's list, seats and figures reload.
export function useCancelTicketsAsOrganizer(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ registrationId, ticketIds, reason }: { registrationId: string; ticketIds: string[]; reason?: string }) =>
      api.cancelTickets(registrationId, ticketIds, null, reason),
    onSuccess: (r) => {
      queryClient.setQueryData(queryKeys.registrations.detail(r.registrationId), r);
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.registrations(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.analytics(eventId) });
    },
  });
}

/// What a change to an event (its status or its ticket types) makes stale: the event, the
/// organizer's list and the public listings (prices, "from", sold out).
function useEventChanged(eventId: string) {
  const queryClient = useQueryClient();
  return () => {
    queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
    queryClient.invalidateQueries({ queryKey: queryKeys.organizer.myEvents });
    queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
  };
}

/// Publishes a draft: from then on everyone sees it and may order.
export function usePublishEvent(eventId: string) {
  const queryClient = useQueryClient();
  const changed = useEventChanged(eventId);
  return useMutation({
    mutationFn: () => api.publishEvent(eventId),
    onSuccess: (event) => {
      queryClient.setQueryData(queryKeys.events.detail(eventId), event);
      changed();
    },
  });
}

export function useCreateTicketType(eventId: string) {
  const changed = useEventChanged(eventId);
  return useMutation({
    mutationFn: (input: TicketTypeInput) => api.createTicketType(eventId, input),
    onSuccess: changed,
  });
}

export function useUpdateTicketType(eventId: string) {
  const changed = useEventChanged(eventId);
  return useMutation({
    mutationFn: ({ typeId, update }: { typeId: string; update: TicketTypeUpdate }) =>
      api.updateTicketType(eventId, typeId, update),
    onSettled: changed,
  });
}

/// Deleting a type with sales is refused (409); the caller shows that.
export function useDeleteTicketType(eventId: string) {
  const changed = useEventChanged(eventId);
  return useMutation({
    mutationFn: (typeId: string) => api.deleteTicketType(eventId, typeId),
    onSuccess: changed,
  });
}

/// Changes to an event's questions reload them (the editor's list and the checkout form).
function useQuestionsChanged(eventId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.events.questions(eventId) });
}

export function useCreateQuestion(eventId: string) {
  const changed = useQuestionsChanged(eventId);
  return useMutation({ mutationFn: (input: QuestionInput) => api.createQuestion(eventId, input), onSuccess: changed });
}

/// PUT sends the whole question; a move sends it with its new `position`.
export function useUpdateQuestion(eventId: string) {
  const changed = useQuestionsChanged(eventId);
  return useMutation({
    mutationFn: ({ questionId, input }: { questionId: string; input: QuestionInput }) =>
      api.updateQuestion(eventId, questionId, input),
    onSettled: changed,
  });
}

export function useDeleteQuestion(eventId: string) {
  const changed = useQuestionsChanged(eventId);
  return useMutation({ mutationFn: (questionId: string) => api.deleteQuestion(eventId, questionId), onSuccess: changed });
}
