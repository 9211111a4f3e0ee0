import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api';

/// Query keys for door staff, in one place so a change invalidates exactly what it affects.
export const staffKeys = {
  all: ['staff'] as const,
  /// An event's invitations and active staff, as its organizer sees them.
  event: (eventId: string) => [...staffKeys.all, 'event', eventId] as const,
  /// The signed-in person's invitations.
  mine: () => [...staffKeys.all, 'mine'] as const,
};

export const eventStaffQuery = (eventId: string) =>
  queryOptions({ queryKey: staffKeys.event(eventId), queryFn: () => api.eventStaff(eventId) });

export const myInvitationsQuery = (enabled = true) =>
  queryOptions({ queryKey: staffKeys.mine(), queryFn: api.myStaffInvitations, enabled, staleTime: 30_000 });

export const useEventStaff = (eventId: string) => useQuery(eventStaffQuery(eventId));
export const useMyInvitations = (enabled = true) => useQuery(myInvitationsQuery(enabled));

export function useInviteStaff(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (email: string) => api.inviteStaff(eventId, email),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: staffKeys.event(eventId) }),
  });
}

export function useRemoveStaff(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => api.removeStaff(eventId, invitationId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: staffKeys.event(eventId) }),
  });
}

/// Accepting or declining changes which events the person may scan, too.
function useAnswer(answer: (invitationId: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => answer(invitationId),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: staffKeys.mine() });
      queryClient.invalidateQueries({ queryKey: ['staffEvents'] });
    },
  });
}

export const useAcceptInvitation = () => useAnswer(api.acceptStaffInvitation);
export const useDeclineInvitation = () => useAnswer(api.declineStaffInvitation);
