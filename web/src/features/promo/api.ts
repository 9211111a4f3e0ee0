import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys';
import { promoRequests } from './requests';
import type { PromoCode, PromoCodeInput } from './types';

/// Every code of an event (all pages, up to 1,000), newest first as the server lists them.
export const promoCodesQuery = (eventId: string) =>
  queryOptions({
    queryKey: queryKeys.organizer.promoCodes(eventId),
    queryFn: async () => {
      const all: PromoCode[] = [];
      let cursor: string | null = null;
      do {
        const page = await promoRequests.list(eventId, cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && all.length < 1000);
      return all;
    },
  });

export const usePromoCodes = (eventId: string) => useQuery(promoCodesQuery(eventId));

/// The event as `code` shows it; off without a code. A 404 means the code is not valid (for this
/// event, or now): asking again will not change that, and a 429 says to wait.
export const eventWithCodeQuery = (eventId: string, code: string | null) =>
  queryOptions({
    queryKey: queryKeys.events.withCode(eventId, code ?? ''),
    queryFn: () => promoRequests.eventWithCode(eventId, code!),
    enabled: !!code,
    retry: false,
    staleTime: 60_000,
  });

export const useEventWithCode = (eventId: string, code: string | null) => useQuery(eventWithCodeQuery(eventId, code));

/// A change to the codes reloads them, and the event as codes show it.
function useCodesChanged(eventId: string) {
  const queryClient = useQueryClient();
  return () => {
    queryClient.invalidateQueries({ queryKey: queryKeys.organizer.promoCodes(eventId) });
    queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
  };
}

/// Creates a code, or replaces the one named by `promoCodeId`.
export function useSavePromoCode(eventId: string) {
  const changed = useCodesChanged(eventId);
  return useMutation({
    mutationFn: ({ promoCodeId, input }: { promoCodeId?: string; input: PromoCodeInput }) =>
      promoCodeId ? promoRequests.update(eventId, promoCodeId, input) : promoRequests.create(eventId, input),
    onSuccess: changed,
  });
}

export function useDeletePromoCode(eventId: string) {
  const changed = useCodesChanged(eventId);
  return useMutation({ mutationFn: (promoCodeId: string) => promoRequests.remove(eventId, promoCodeId), onSettled: changed });
}
