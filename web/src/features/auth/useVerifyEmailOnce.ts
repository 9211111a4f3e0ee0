import { useEffect, useRef } from 'react';
import { useVerifyEmail } from './api';

/// Sends the link's token once when the page opens. A token works only once, so a second POST
/// (React's StrictMode runs effects twice in development) would turn a success into "used"; the
/// ref, which survives that re-run, remembers which token was sent.
export function useVerifyEmailOnce(token: string) {
  const verify = useVerifyEmail();
  const { mutate } = verify;
  const sent = useRef<string | null>(null);
  useEffect(() => {
    if (!token || sent.current === token) return;
    sent.current = token;
    mutate(token);
  }, [token, mutate]);
  return { verify, retry: () => mutate(token) };
}
