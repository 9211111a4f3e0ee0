import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import { newIdempotencyKey } from '../../lib/download';
import { waitlistRequests, type ClaimRequest } from './requests';
import type { JoinWaitlistRequest, WaitlistEntry } from './types';

/// The signed-in person's entries on any event's waiting list.
export const myWaitlistQuery = (enabled = true) =>
  queryOptions({
    queryKey: queryKeys.waitlist.mine(),
    queryFn: async () => (await waitlistRequests.mine()).items,
    enabled,
  });

export const useMyWaitlist = (enabled = true) => useQuery(myWaitlistQuery(enabled));

/// An event's whole waiting list as its organizer sees it (all pages, up to 5,000), and whether it
/// is paused; refreshed every 30 seconds while shown, as offers come and go on their own.
export const eventWaitlistQuery = (eventId: string) =>
  queryOptions({
    queryKey: queryKeys.organizer.waitlist(eventId),
    queryFn: async () => {
      const items: WaitlistEntry[] = [];
      let cursor: string | null = null;
      let paused = false;
      do {
        const page = await waitlistRequests.eventList(eventId, cursor);
        items.push(...page.items);
        paused = page.paused;
        cursor = page.nextCursor;
      } while (cursor && items.length < 5000);
      return { items, paused };
    },
    refetchInterval: 30_000,
  });

export const useEventWaitlist = (eventId: string) => useQuery(eventWaitlistQuery(eventId));

/// Joins an event's waiting list (signed in, or as a guest with name and email).
export function useJoinWaitlist(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: JoinWaitlistRequest) => waitlistRequests.join(eventId, body),
    onSuccess: (_entry, body) => {
      if (!body.email) queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.mine() });
    },
    // "Not sold out" means the page's seats are stale.
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) }),
  });
}

/// Confirms a guest's entry with the token from the mailed link.
export const useConfirmWaitlist = () => useMutation({ mutationFn: (token: string) => waitlistRequests.confirm(token) });

/// The owner leaves a list (or lets an offer go): their entries and the event's seats reload.
export function useLeaveWaitlist(offerToken?: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entry: Pick<WaitlistEntry, 'eventId' | 'waitlistEntryId'>) =>
      waitlistRequests.remove(entry.eventId, entry.waitlistEntryId, offerToken),
    onSettled: (_r, _e, entry) => {
      queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.mine() });
      queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.offer(entry.waitlistEntryId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(entry.eventId) });
    },
  });
}

/// The organizer's changes to the list: removing someone, pausing and resuming.
export function useManageWaitlist(eventId: string) {
  const queryClient = useQueryClient();
  const changed = () => {
    queryClient.invalidateQueries({ queryKey: queryKeys.organizer.waitlist(eventId) });
    queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
  };
  const remove = useMutation({
    mutationFn: (entryId: string) => waitlistRequests.remove(eventId, entryId),
    onSettled: changed,
  });
  const setPaused = useMutation({
    mutationFn: (paused: boolean) => (paused ? waitlistRequests.pause(eventId) : waitlistRequests.resume(eventId)),
    onSettled: changed,
  });
  return { remove, setPaused };
}

/// One offer, read with the token from its link (or by its signed-in owner).
export const offerQuery = (entryId: string, offerToken: string | null) =>
  queryOptions({
    queryKey: queryKeys.waitlist.offer(entryId),
    queryFn: () => waitlistRequests.offer(entryId, offerToken),
  });

export const useOffer = (entryId: string, offerToken: string | null, enabled = true) =>
  useQuery({ ...offerQuery(entryId, offerToken), enabled });

/// Claims an offer: the order is placed on the held seats. One attempt keeps its idempotency key
/// until the server answers (a lost connection may be retried without a second order); an edited
/// form is another request with a key of its own.
export function useClaimOffer(entryId: string, eventId: string) {
  const queryClient = useQueryClient();
  const attempt = useRef<{ key: string; body: string } | null>(null);
  return useMutation({
    mutationFn: ({ body, guest }: { body: ClaimRequest; guest: boolean }) => {
      const sent = JSON.stringify(body);
      if (attempt.current?.body !== sent) attempt.current = { key: newIdempotencyKey(), body: sent };
      return waitlistRequests.claim(body, attempt.current.key, { guest });
    },
    onSuccess: (registration, { guest }) => {
      attempt.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.offer(entryId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.mine() });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      if (guest) queryClient.setQueryData(queryKeys.registrations.guest(registration.registrationId), registration);
      else {
        queryClient.setQueryData(queryKeys.registrations.detail(registration.registrationId), registration);
        queryClient.invalidateQueries({ queryKey: queryKeys.registrations.all });
      }
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.isNetwork)) attempt.current = null;
      queryClient.invalidateQueries({ queryKey: queryKeys.waitlist.offer(entryId) });
    },
  });
}
