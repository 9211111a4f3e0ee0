import { useCallback, useEffect, useState } from 'react';
import { classifyError } from '../../api/errors';
import type { ScanKey } from '../../api/types';
import { fetchScanKeys, validateTicket } from './api';
import { offlineStore } from './offlineStore';
import { syncQueue, type SyncReport } from './scan';

// What the scanner keeps on this device (IndexedDB) so it works offline: the scan keys, the
// admissions and the queue of those still to send.

export interface KeysState {
  keys: ScanKey[];
  fetchedAt: string;
  /// Fetched now, rather than read from this device's cache.
  fresh: boolean;
}

/// An answer that ends scanning here: this account is not door staff, or the event does not exist.
const isFatal = (err: unknown) => {
  const kind = classifyError(err);
  return kind === 'forbidden' || kind === 'not-found';
};

/// The event's scan keys: fetched and kept on this device, else the kept ones.
export function useScanKeys(eventId: string, onFatal: (err: unknown) => void) {
  const [keys, setKeys] = useState<KeysState | null>(null);
  const [keysError, setKeysError] = useState<unknown>(null);
  const loadKeys = useCallback(async () => {
    setKeysError(null);
    try {
      const k = await fetchScanKeys(eventId);
      await offlineStore.saveKeys(eventId, k.keys);
      setKeys({ keys: k.keys, fetchedAt: new Date().toISOString(), fresh: true });
    } catch (err) {
      if (isFatal(err)) {
        onFatal(err);
        return;
      }
      setKeysError(err);
      const cached = await offlineStore.loadKeys(eventId);
      if (cached) setKeys({ ...cached, fresh: false });
    }
  }, [eventId, onFatal]);
  return { keys, keysError, setKeysError, loadKeys };
}

/// Guests admitted on this device and admissions waiting to be sent, as IndexedDB has them.
export function useDeviceCounts(eventId: string) {
  const [admitted, setAdmitted] = useState(0);
  const [queued, setQueued] = useState(0);
  const refreshCounts = useCallback(async () => {
    setAdmitted(await offlineStore.admittedCount(eventId));
    setQueued((await offlineStore.queued(eventId)).length);
  }, [eventId]);
  return { admitted, queued, refreshCounts };
}

/// Sends the offline admissions as soon as the network is back, and now and then while some
/// wait; adds up what the server confirmed and refused.
export function useOfflineSync(eventId: string, online: boolean, refreshCounts: () => void, onError: (err: unknown) => void) {
  const [sync, setSync] = useState<SyncReport | null>(null);
  const [syncing, setSyncing] = useState(false);
  const runSync = useCallback(async () => {
    const pending = await offlineStore.queued(eventId);
    if (!pending.length) return;
    setSyncing(true);
    try {
      const report = await syncQueue(pending, validateTicket, offlineStore.dequeue);
      setSync((prev) => ({
        sent: (prev?.sent ?? 0) + report.sent,
        conflicts: [...(prev?.conflicts ?? []), ...report.conflicts],
        stillOffline: report.stillOffline,
      }));
    } catch (err) {
      setSync((prev) => ({ sent: prev?.sent ?? 0, conflicts: prev?.conflicts ?? [], stillOffline: false }));
      onError(err);
    } finally {
      setSyncing(false);
      refreshCounts();
    }
  }, [eventId, refreshCounts, onError]);
  useEffect(() => {
    if (!online) return;
    runSync();
    const t = setInterval(runSync, 20_000);
    return () => clearInterval(t);
  }, [online, runSync]);
  return { sync, syncing, runSync };
}
