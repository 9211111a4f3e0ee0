import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Event } from '../../api/types';
import { useEventWithCode } from './api';
import { lookupCodeError } from './codeErrors';
import type { EventPromo } from './types';

/// The code in the page's address (`?code=`), checked with the server: the event as the code shows
/// it (the hidden types it unlocks), its discount, or why it was refused. Applying or removing a
/// code changes the address, so a reload, a login on the way or a shared link keeps it.
export function useAppliedCode(eventId: string, plain: Event | undefined) {
  const [params, setParams] = useSearchParams();
  const code = params.get('code')?.trim() || null;
  const lookup = useEventWithCode(eventId, code);
  const [draft, setDraft] = useState<string | null>(null);

  const valid = !!code && lookup.isSuccess;
  const event = valid ? lookup.data : plain;
  const promo: EventPromo | null = valid ? (lookup.data.promo ?? null) : null;
  // Hidden types the code shows that the plain event does not list (an organizer sees them all anyway).
  const unlocked = new Set(
    valid
      ? (lookup.data.ticketTypes ?? [])
          .filter((t) => t.hidden && !plain?.ticketTypes?.some((p) => p.ticketTypeId === t.ticketTypeId))
          .map((t) => t.ticketTypeId)
      : [],
  );

  const setCode = (next: string | null) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        if (next) out.set('code', next);
        else out.delete('code');
        return out;
      },
      { replace: true },
    );

  return {
    /// The code as typed so far (the applied one until the person types).
    draft: draft ?? code ?? '',
    setDraft,
    /// The code the order sends: only one the server accepted.
    applied: valid ? code : null,
    checking: !!code && lookup.isPending,
    error: code ? lookupCodeError(lookup.error) : null,
    event,
    promo,
    unlocked,
    apply: () => {
      const next = (draft ?? '').trim();
      setDraft(null);
      if (next) setCode(next);
    },
    remove: () => {
      setDraft(null);
      setCode(null);
    },
  };
}

export type AppliedCode = ReturnType<typeof useAppliedCode>;
