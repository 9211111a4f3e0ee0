import { useCallback, useEffect, useRef, useState } from 'react';
import { classifyError } from '../../api/errors';
import { useTitle } from '../../lib/useTitle';
import { useScannedEvent, validateTicket } from './api';
import { decodeFile, getDecoder, type Decoder } from './decoder';
import { beep, useOnline } from './device';
import { offlineStore } from './offlineStore';
import { checkTicket, type ScanOutcome } from './scan';
import { useDeviceCounts, useOfflineSync, useScanKeys } from './useOffline';

/// The scanner's state for one event: the decoder, the scan keys (fresh or cached), the last
/// verdict and recent history, this device's counters, and the offline queue with its syncing.
export function useScanner(eventId: string) {
  const event = useScannedEvent(eventId);
  const online = useOnline();
  const [decoder, setDecoder] = useState<Decoder | null>(null);
  const [fatal, setFatal] = useState<unknown>(null);
  const { keys, keysError, setKeysError, loadKeys } = useScanKeys(eventId, setFatal);
  const { admitted, queued, refreshCounts } = useDeviceCounts(eventId);
  useEffect(() => {
    getDecoder().then(setDecoder);
    loadKeys();
    refreshCounts();
  }, [loadKeys, refreshCounts]);
  const { sync, syncing, runSync } = useOfflineSync(eventId, online, refreshCounts, setKeysError);
  const [outcome, setOutcome] = useState<ScanOutcome | null>(null);
  const [history, setHistory] = useState<ScanOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const last = useRef<{ text: string; at: number } | null>(null);
  const processing = useRef(false);
  useTitle(event.data ? `Scan · ${event.data.name}` : 'Scan tickets');

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
    [eventId, keys, refreshCounts, setKeysError],
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
