import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { client } from '../../api';
import { isPublicQuery } from '../../api/queryKeys';
import type { Session } from '../../api/session';
import type { Role } from '../../api/types';
import { useMe } from './api';

/// The current login, kept in step with other tabs.
export function useSession(): Session | null {
  return useSyncExternalStore(client.store.subscribe, client.store.load, () => null);
}

export function hasRole(session: Session | null, ...roles: Role[]): boolean {
  return !!session && session.user.roles.some((r) => roles.includes(r));
}

/// Refreshes the account's name and roles from GET /api/me (an administrator may have changed
/// them since they logged in).
export function useMeSync(): void {
  const session = useSession();
  const queryClient = useQueryClient();
  const userId = session?.user.userId;
  const me = useMe(userId);
  useEffect(() => {
    const current = client.store.load();
    if (!me.data || !current || current.user.userId !== me.data.userId) return;
    const same =
      current.user.name === me.data.name &&
      current.user.roles.length === me.data.roles.length &&
      current.user.roles.every((r, i) => r === me.data!.roles[i]);
    if (!same) client.store.save({ ...current, user: { ...current.user, name: me.data.name, roles: me.data.roles } });
  }, [me.data]);
  // A logout (here or in another tab) forgets everything cached for the previous user.
  useEffect(() => {
    if (!userId) queryClient.removeQueries({ predicate: (q) => !isPublicQuery(q.queryKey, q.state.data) });
  }, [userId, queryClient]);
}
