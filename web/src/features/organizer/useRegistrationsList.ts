import { useMemo, useState } from 'react';
import { api } from '../../api';
import type { RegistrationRow } from '../../api/types';
import { errorMessage } from '../../components/States';
import { filenameFrom, saveBlob } from '../../lib/download';
import { useDebounced } from '../../lib/useDebounced';
import { useEventRegistrations } from './api';

/// The registrations list's state: the search, the pages of rows it found, the CSV export and the
/// row being cancelled.
export function useRegistrationsList(eventId: string) {
  const [search, setSearch] = useState('');
  const [exporting, setExporting] = useState<'registrations' | 'tickets' | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [cancelRow, setCancelRow] = useState<RegistrationRow | null>(null);
  // The server searches (attendee name or email), so a search covers every registration, not
  // just the pages loaded so far.
  const q = useDebounced(search.trim(), 250);
  const rows = useEventRegistrations(eventId, q);
  const shown = useMemo(() => rows.data?.pages.flatMap((p) => p.items) ?? [], [rows.data]);
  const searching = search.trim() !== q || (rows.isPlaceholderData && rows.isFetching);

  /// One row per registration, or per ticket (with its holder and the per-ticket answers).
  const exportCsv = async (what: 'registrations' | 'tickets' = 'registrations') => {
    setExporting(what);
    setExportError(null);
    try {
      const res = await api.eventRegistrationsCsv(eventId, what === 'tickets' ? 'tickets' : undefined);
      const blob = await res.blob();
      saveBlob(
        new Blob([blob], { type: 'text/csv;charset=utf-8' }),
        filenameFrom(res.headers.get('content-disposition'), `${what}-${eventId}.csv`),
      );
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(null);
    }
  };

  return { search, setSearch, q, rows, shown, searching, exporting, exportError, exportCsv, cancelRow, setCancelRow };
}
