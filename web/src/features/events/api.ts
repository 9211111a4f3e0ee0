import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useRef } from 'react';
import { api, ApiError } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { OrderItem, Registration } from '../../api/types';
import { newIdempotencyKey } from '../../lib/download';
import { rangeQuery, type RangeId } from './ranges';
import { isProblem } from '../../api/errors';

export const eventQuery = (eventId: string) =>
  queryOptions({ queryKey: queryKeys.events.detail(eventId), queryFn: () => api.event(eventId) });

/// One event; `enabled` false waits (a form for a new event has none to load).
export const useEvent = (eventId: string, enabled = true) => useQuery({ ...eventQuery(eventId), enabled });

/// The questions the event's checkout asks, in order (public: a buyer needs no account to see them).
export const questionsQuery = (eventId: string) =>
  queryOptions({
    queryKey: queryKeys.events.questions(eventId),
    queryFn: async () => (await api.questions(eventId)).items,
    staleTime: 60_000,
  });

export const useQuestions = (eventId: string, enabled = true) => useQuery({ ...questionsQuery(eventId), enabled });

/// The public listing, twelve at a time; a range's dates are taken from now at each fetch.
export const eventListQuery = (q: string, range: RangeId) =>
  infiniteQueryOptions({
    queryKey: queryKeys.events.list(q, range),
    queryFn: ({ pageParam, signal }) =>
      api.events({ q: q || undefined, ...rangeQuery(range), limit: 12, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useEventList = (q: string, range: RangeId) => useInfiniteQuery(eventListQuery(q, range));

/// Every registration of the signed-in attendee (all pages, up to 1,000).
export const myRegistrationsQuery = (enabled = true) =>
  queryOptions({
    queryKey: queryKeys.registrations.mine(),
    queryFn: async () => {
      const all: Registration[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.myRegistrations(cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 1000);
      return all;
    },
    enabled,
  });

export const useMyRegistrations = (enabled: boolean) => useQuery(myRegistrationsQuery(enabled));

/// Orders tickets of one or more types of an event (with the promo code applied, if any). One
/// attempt keeps its idempotency key until the server answers, so a retry after a lost connection
/// cannot order twice.
export function useRegister(eventId: string, promoCode?: string | null) {
  const queryClient = useQueryClient();
  const attemptKey = useRef<string | null>(null);
  return useMutation({
    mutationFn: (items: OrderItem[]) => {
      attemptKey.current ??= newIdempotencyKey();
      return promoCode
        ? api.register(eventId, items, attemptKey.current, promoCode)
        : api.register(eventId, items, attemptKey.current);
    },
    onSuccess: (registration) => {
      attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.all });
      queryClient.setQueryData(queryKeys.registrations.detail(registration.registrationId), registration);
      queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
    },
    onError: (error) => {
      // A definite answer from the server ends this attempt; a lost connection may be retried with the same key.
      if (!(error instanceof ApiError && error.isNetwork)) attemptKey.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      // An unpaid order the app did not know of (another tab, another device) is linked once loaded.
      if (isProblem(error, 'unpaid-order-open')) queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
    },
  });
}
