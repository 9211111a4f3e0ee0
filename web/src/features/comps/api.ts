import { useMutation, useQueryClient } from '@tanstack/react-query';
import { enc, post } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { CompRequest, CompResult } from './types';

export const compRequests = {
  /// All or none: not enough seats is a 409 and nothing is issued.
  issue: (eventId: string, body: CompRequest) => post<CompResult>(`/api/events/${enc(eventId)}/comps`, body),
};

/// Issues complimentary tickets; the event's registrations, seats and figures reload.
export function useIssueComps(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompRequest) => compRequests.issue(eventId, body),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.registrations(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.events.detail(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.analytics(eventId) });
      queryClient.invalidateQueries({ queryKey: queryKeys.organizer.myEvents });
    },
  });
}
