import { useMemo, useState } from 'react';
import { useDebounced } from '../../lib/useDebounced';
import { useUserSearch } from './api';

/// The account search's state: what is typed, the search the server runs (after a pause in
/// typing) and the pages of accounts it found.
export function useUsersList() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const users = useUserSearch(q);
  const shown = useMemo(() => users.data?.pages.flatMap((p) => p.items) ?? [], [users.data]);
  const searching = search.trim() !== q || (users.isPlaceholderData && users.isFetching);
  return { search, setSearch, q, users, shown, searching };
}
