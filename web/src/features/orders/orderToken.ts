/// A guest order's token: it arrives in the link's fragment (`/orders/{id}#token=…`, which the
/// browser never sends to a server nor puts in a Referer), and is kept in sessionStorage for that
/// order so a reload in the same tab still works. A link with `?token=` (an older form) is read the
/// same way and the token taken out of the address at once.

const kPrefix = 'admit.orderToken.';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function storeOrderToken(registrationId: string, token: string): void {
  try {
    storage()?.setItem(kPrefix + registrationId, token);
  } catch {
    // Storage full or refused: the token still works for this page.
  }
}

export function storedOrderToken(registrationId: string): string | null {
  try {
    return storage()?.getItem(kPrefix + registrationId) ?? null;
  } catch {
    return null;
  }
}

export function forgetOrderToken(registrationId: string): void {
  try {
    storage()?.removeItem(kPrefix + registrationId);
  } catch {
    // Nothing to forget.
  }
}

/// The token a location carries (fragment first, then the query), or null.
export function tokenFromLocation(hash: string, search: string): string | null {
  const fromHash = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  if (fromHash) return fromHash;
  return new URLSearchParams(search).get('token');
}

/// The address of a guest's order page, as the confirmation email links to it.
export const guestOrderPath = (registrationId: string, token: string) =>
  `/orders/${encodeURIComponent(registrationId)}#token=${encodeURIComponent(token)}`;
