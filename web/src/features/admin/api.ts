import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type AuditFilters } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import type { AdminUser, AdminUserList, Role } from '../../api/types';

/// Accounts whose name or email contains `q`, a page at a time; the last answer stays shown
/// while the next search loads.
export const userSearchQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: queryKeys.admin.userSearch(q),
    queryFn: ({ pageParam, signal }) => api.adminUsers(q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const useUserSearch = (q: string) => useInfiniteQuery(userSearchQuery(q));

/// The audit log with these filters (only those given), newest first, a page at a time.
export const auditQuery = (filters: AuditFilters) => {
  const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => !!v)) as Record<string, string>;
  return infiniteQueryOptions({
    queryKey: queryKeys.admin.audit(given),
    queryFn: ({ pageParam, signal }) => api.auditLog(given, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
};

export const useAuditLog = (filters: AuditFilters) => useInfiniteQuery(auditQuery(filters));

/// One event's audit entries, as its organizer sees them.
export const eventAuditQuery = (eventId: string) =>
  infiniteQueryOptions({
    queryKey: queryKeys.organizer.audit(eventId),
    queryFn: ({ pageParam, signal }) => api.eventAudit(eventId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useEventAudit = (eventId: string, enabled = true) => useInfiniteQuery({ ...eventAuditQuery(eventId), enabled });

type UserPages = { pages: AdminUserList[]; pageParams: unknown[] };

/// A change to one account: the answer (the account as it is now) replaces it in every loaded
/// search at once, and the audit log, which now has an entry more, is refetched.
function useAccountChange<V, R = AdminUser>(
  change: (vars: V) => Promise<R>,
  accountOf: (answer: R) => AdminUser = (answer) => answer as AdminUser,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (answer) => {
      const user = accountOf(answer);
      queryClient.setQueriesData<UserPages>({ queryKey: queryKeys.admin.users }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => (u.userId === user.userId ? user : u)) })),
            }
          : data,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin.audit({}).slice(0, 2) });
    },
  });
}

export const useChangeRole = (userId: string) =>
  useAccountChange(({ role, grant }: { role: Role; grant: boolean }) =>
    api.changeUserRoles(userId, grant ? { grant: [role] } : { revoke: [role] }),
  );

export const useSetDisabled = (userId: string) =>
  useAccountChange((disable: boolean) => (disable ? api.disableUser(userId) : api.enableUser(userId)));

/// Erasing answers with what it did (kept as the mutation's data) and the account as it is now.
export const useEraseUser = (userId: string) =>
  useAccountChange(
    () => api.eraseUser(userId),
    (erasure) => erasure.user,
  );
