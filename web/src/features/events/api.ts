import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { Registration } from '../../api/types';

export const eventQuery = (eventId: string) =>
  queryOptions({ queryKey: queryKeys.events.detail(eventId), queryFn: () => api.event(eventId) });

/// One event; `enabled` false waits (a form for a new event has none to load).
export const useEvent = (eventId: string, enabled = true) => useQuery({ ...eventQuery(eventId), enabled });

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
