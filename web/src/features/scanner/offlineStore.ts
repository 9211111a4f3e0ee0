import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ScanKey } from '../../api/types';

/// A scan admitted while the server could not be reached, waiting to be sent.
export interface QueuedScan {
  id?: number;
  eventId: string;
  qrCode: string;
  ticketId: string;
  scannedAt: string;
}

/// A ticket this device admitted (online or offline), so a second scan of it is caught even
/// without the network.
export interface SeenTicket {
  key: string;
  eventId: string;
  ticketId: string;
  firstScanAt: string;
  holderName?: string;
  offline: boolean;
}

interface ScannerDB extends DBSchema {
  keys: { key: string; value: { eventId: string; keys: ScanKey[]; fetchedAt: string } };
  queue: { key: number; value: QueuedScan; indexes: { byEvent: string } };
  seen: { key: string; value: SeenTicket; indexes: { byEvent: string } };
}

let dbPromise: Promise<IDBPDatabase<ScannerDB>> | null = null;

function db(): Promise<IDBPDatabase<ScannerDB>> {
  dbPromise ??= openDB<ScannerDB>('admit-scanner', 1, {
    upgrade(d) {
      d.createObjectStore('keys', { keyPath: 'eventId' });
      d.createObjectStore('queue', { keyPath: 'id', autoIncrement: true }).createIndex('byEvent', 'eventId');
      d.createObjectStore('seen', { keyPath: 'key' }).createIndex('byEvent', 'eventId');
    },
  });
  return dbPromise;
}

export const offlineStore = {
  async saveKeys(eventId: string, keys: ScanKey[]): Promise<void> {
    await (await db()).put('keys', { eventId, keys, fetchedAt: new Date().toISOString() });
  },
  async loadKeys(eventId: string): Promise<{ keys: ScanKey[]; fetchedAt: string } | undefined> {
    return (await db()).get('keys', eventId);
  },
  async enqueue(scan: QueuedScan): Promise<void> {
    await (await db()).add('queue', scan);
  },
  async queued(eventId?: string): Promise<QueuedScan[]> {
    const d = await db();
    return eventId ? d.getAllFromIndex('queue', 'byEvent', eventId) : d.getAll('queue');
  },
  async dequeue(id: number): Promise<void> {
    await (await db()).delete('queue', id);
  },
  async markSeen(t: Omit<SeenTicket, 'key'>): Promise<void> {
    const d = await db();
    const key = `${t.eventId}:${t.ticketId}`;
    const existing = await d.get('seen', key);
    if (!existing) await d.put('seen', { ...t, key });
  },
  async seen(eventId: string, ticketId: string): Promise<SeenTicket | undefined> {
    return (await db()).get('seen', `${eventId}:${ticketId}`);
  },
  async admittedCount(eventId: string): Promise<number> {
    return (await db()).countFromIndex('seen', 'byEvent', eventId);
  },
  /// For tests.
  async reset(): Promise<void> {
    const d = await db();
    await Promise.all([d.clear('keys'), d.clear('queue'), d.clear('seen')]);
  },
};
