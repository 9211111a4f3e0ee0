import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';

/// GET /api/me for the signed-in account; waits while nobody is signed in.
export const meQuery = (userId: string | undefined) =>
  queryOptions({ queryKey: queryKeys.auth.me(userId ?? ''), queryFn: api.me, enabled: !!userId, staleTime: 60_000 });

export const useMe = (userId: string | undefined) => useQuery(meQuery(userId));

/// Asks for a reset link (202 whether or not an account has the address).
export const useForgotPassword = () => useMutation({ mutationFn: (email: string) => api.forgotPassword(email) });

/// Sets a new password with the token of a reset link.
export const useResetPassword = () =>
  useMutation({ mutationFn: ({ token, password }: { token: string; password: string }) => api.resetPassword(token, password) });

/// Verifies the address a link was sent to; every cached account reloads, so the verification
/// banner goes away.
export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => api.verifyEmail(token),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.auth.all }),
  });
}

/// Sends the signed-in account a new verification link.
export const useResendVerification = () => useMutation({ mutationFn: () => api.resendVerificationEmail() });
