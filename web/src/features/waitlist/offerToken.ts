import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { tokenFromLocation } from '../orders/orderToken';

/// An offer's token arrives in its link's fragment (`/offers/{entryId}#token=…`; `?token=` is read
/// too) and is kept in sessionStorage for that entry, so a reload in the same tab still works. It
/// is taken out of the address at once (history, bookmarks, screen shares).
const kPrefix = 'admit.offerToken.';

function stored(entryId: string): string | null {
  try {
    return window.sessionStorage.getItem(kPrefix + entryId);
  } catch {
    return null;
  }
}

function store(entryId: string, token: string): void {
  try {
    window.sessionStorage.setItem(kPrefix + entryId, token);
  } catch {
    // Storage refused: the token still works for this page.
  }
}

export function useOfferToken(entryId: string): string | null {
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState<string | null>(() => tokenFromLocation(location.hash, location.search) ?? stored(entryId));
  useEffect(() => {
    const fromLink = tokenFromLocation(location.hash, location.search);
    if (!fromLink) return;
    store(entryId, fromLink);
    setToken(fromLink);
    navigate({ pathname: location.pathname, search: '', hash: '' }, { replace: true });
  }, [entryId, location.hash, location.search, location.pathname, navigate]);
  return token;
}
