import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client } from '../../api';
import { ApiError } from '../../api/client';
import { classifyError, problemKind } from '../../api/errors';
import { errorMessage } from '../../components/States';

/// Deleting one's own account: the password typed to confirm it, the dialog, and what the server
/// said. Afterwards the session is forgotten here (the server ended it already, so no logout call).
export function useDeleteAccount() {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [confirming, setConfirming] = useState(false);
  const erase = useMutation({
    mutationFn: () => api.eraseMe(password || undefined),
    onSuccess: () => {
      client.store.clear();
      queryClient.clear();
    },
    onSettled: () => setConfirming(false),
  });
  const error = erase.error;
  const passwordError = error instanceof ApiError ? (error.fieldErrors.password ?? null) : null;
  let otherError: string | null = null;
  // An account without a password confirms by a fresh sign-in (403 when it is older than that).
  const signInAgain = !!error && classifyError(error) === 'forbidden';
  if (error && !passwordError) {
    if (signInAgain) otherError = 'To confirm it is you, sign in again, then delete the account.';
    else if (problemKind(error) === 'last-admin')
      otherError = 'You are the only enabled admin. Make another account an admin before deleting yours.';
    else if (classifyError(error) === 'conflict') otherError = 'This account was erased already.';
    else otherError = errorMessage(error);
  }
  const ask = () => {
    erase.reset();
    setConfirming(true);
  };
  return { password, setPassword, confirming, setConfirming, ask, erase, passwordError, otherError, signInAgain };
}
