import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';

export const eventStaffQuery = (eventId: string) =>
  queryOptions({ queryKey: queryKeys.staff.event(eventId), queryFn: () => api.eventStaff(eventId) });

export const myInvitationsQuery = (enabled = true) =>
  queryOptions({ queryKey: queryKeys.staff.mine(), queryFn: api.myStaffInvitations, enabled, staleTime: 30_000 });

export const useEventStaff = (eventId: string) => useQuery(eventStaffQuery(eventId));
export const useMyInvitations = (enabled = true) => useQuery(myInvitationsQuery(enabled));

export function useInviteStaff(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (email: string) => api.inviteStaff(eventId, email),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.staff.event(eventId) }),
  });
}

export function useRemoveStaff(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => api.removeStaff(eventId, invitationId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.staff.event(eventId) }),
  });
}

/// Accepting or declining changes which events the person may scan, too.
function useAnswer(answer: (invitationId: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => answer(invitationId),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: queryKeys.staff.mine() });
      queryClient.invalidateQueries({ queryKey: queryKeys.staff.events });
    },
  });
}

export const useAcceptInvitation = () => useAnswer(api.acceptStaffInvitation);
export const useDeclineInvitation = () => useAnswer(api.declineStaffInvitation);
