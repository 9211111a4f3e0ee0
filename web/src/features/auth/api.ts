import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';

/// GET /api/me for the signed-in account; waits while nobody is signed in.
export const meQuery = (userId: string | undefined) =>
  queryOptions({ queryKey: queryKeys.auth.me(userId ?? ''), queryFn: api.me, enabled: !!userId, staleTime: 60_000 });

export const useMe = (userId: string | undefined) => useQuery(meQuery(userId));
