import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import type { Event } from '../../api/types';

/// Every event the organizer owns (all pages).
export function useMyEvents(enabled = true) {
  return useQuery({
    queryKey: ['myEvents'],
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
}
