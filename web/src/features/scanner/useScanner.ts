import { useCallback, useEffect, useRef, useState } from 'react';
import { classifyError } from '../../api/errors';
import type { ScanKey } from '../../api/types';
import { useTitle } from '../../lib/useTitle';
import { fetchScanKeys, useScannedEvent, validateTicket } from './api';
import { getDecoder, decodeFile, type Decoder } from './decoder';
import { beep, useOnline } from './device';
import { offlineStore } from './offlineStore';
import { checkTicket, syncQueue, type ScanOutcome, type SyncReport } from './scan';

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

/// The scanner's state for one event: the decoder, the scan keys (fresh or cached), the last
/// verdict and recent history, this device's counters, and the offline queue with its syncing.
export function useScanner(eventId: string) {
  const event = useScannedEvent(eventId);
  const online = useOnline();
  const [decoder, setDecoder] = useState<Decoder | null>(null);
  const [keys, setKeys] = useState<KeysState | null>(null);
  const [keysError, setKeysError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<ScanOutcome | null>(null);
  const [history, setHistory] = useState<ScanOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [admitted, setAdmitted] = useState(0);
  const [queued, setQueued] = useState(0);
  const [sync, setSync] = useState<SyncReport | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [fatal, setFatal] = useState<unknown>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const last = useRef<{ text: string; at: number } | null>(null);
  const processing = useRef(false);
  useTitle(event.data ? `Scan · ${event.data.name}` : 'Scan tickets');

  const refreshCounts = useCallback(async () => {
    setAdmitted(await offlineStore.admittedCount(eventId));
    setQueued((await offlineStore.queued(eventId)).length);
  }, [eventId]);

  const loadKeys = useCallback(async () => {
    setKeysError(null);
    try {
      const k = await fetchScanKeys(eventId);
      await offlineStore.saveKeys(eventId, k.keys);
      setKeys({ keys: k.keys, fetchedAt: new Date().toISOString(), fresh: true });
    } catch (err) {
      if (isFatal(err)) {
        setFatal(err);
        return;
      }
      setKeysError(err);
      const cached = await offlineStore.loadKeys(eventId);
      if (cached) setKeys({ ...cached, fresh: false });
    }
  }, [eventId]);

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
      setKeysError(err);
    } finally {
      setSyncing(false);
      refreshCounts();
    }
  }, [eventId, refreshCounts]);

  useEffect(() => {
    getDecoder().then(setDecoder);
    loadKeys();
    refreshCounts();
  }, [loadKeys, refreshCounts]);

  // Send offline admissions as soon as the network is back, and now and then while some wait.
  useEffect(() => {
    if (!online) return;
    runSync();
    const t = setInterval(runSync, 20_000);
    return () => clearInterval(t);
  }, [online, runSync]);

  const check = useCallback(
    async (text: string, fromCamera: boolean) => {
      const code = text.trim();
      if (!code || processing.current) return;
      // The camera sees the same code many times a second; act on it once.
      const now = Date.now();
      if (fromCamera && last.current && last.current.text === code && now - last.current.at < 4000) return;
      last.current = { text: code, at: now };
      processing.current = true;
      setBusy(true);
      try {
        const result = await checkTicket(code, {
          eventId,
          validate: validateTicket,
          keys: async () => keys?.keys ?? (await offlineStore.loadKeys(eventId))?.keys,
          store: offlineStore,
        });
        setOutcome(result);
        setHistory((h) => [result, ...h].slice(0, 50));
        beep(result.verdict === 'valid');
        await refreshCounts();
      } catch (err) {
        if (classifyError(err) === 'forbidden') setFatal(err);
        else setKeysError(err);
      } finally {
        processing.current = false;
        setBusy(false);
      }
    },
    [eventId, keys, refreshCounts],
  );

  const checkFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    try {
      const text = await decodeFile(file);
      if (!text) setFileError('No QR code found in that picture. Try a sharper, closer photo.');
      else await check(text, false);
    } catch {
      setFileError('That file could not be read as a picture.');
    }
  };

  return {
    event: event.data,
    online,
    decoder,
    keys,
    keysError,
    loadKeys,
    outcome,
    history,
    busy,
    admitted,
    queued,
    sync,
    syncing,
    runSync,
    fatal,
    fileError,
    check,
    checkFile,
  };
}
