import { isOutage } from '../../api/errors';
import type { ScanKey, ValidationResult } from '../../api/types';
import type { QueuedScan, SeenTicket } from './offlineStore';
import { parseTicketCode, verifyTicketCode, type SignatureCheck, type TicketCode } from './ticketCode';

export type Verdict = ValidationResult['result'];

export interface ScanOutcome {
  verdict: Verdict;
  /// What to tell the person at the door, in a few words.
  detail: string;
  holderName?: string;
  /// For already_used: when the ticket was first admitted.
  firstScanAt?: string | null;
  ticketId?: string;
  /// Decided on this device because the server could not be reached.
  offline: boolean;
  at: string;
}

export interface ScanDeps {
  eventId: string;
  validate: (qrCode: string, eventId: string) => Promise<ValidationResult>;
  keys: () => Promise<ScanKey[] | undefined>;
  store: {
    seen(eventId: string, ticketId: string): Promise<SeenTicket | undefined>;
    markSeen(t: Omit<SeenTicket, 'key'>): Promise<void>;
    enqueue(s: QueuedScan): Promise<void>;
  };
  verify?: (code: TicketCode, keys: readonly ScanKey[]) => Promise<SignatureCheck>;
  now?: () => Date;
}

const kOnlineDetail: Record<Verdict, string> = {
  valid: 'Admit one.',
  already_used: 'This ticket was already scanned.',
  invalid: 'Not a genuine ticket for Admit.',
  cancelled: 'This ticket was cancelled.',
  wrong_event: 'This ticket is for another event.',
};

/// Decides what the door does with a scanned text: the server's answer when it can be reached,
/// else a local check of the code's signature and of this device's own admissions, queued for the
/// server to confirm later.
export async function checkTicket(text: string, deps: ScanDeps): Promise<ScanOutcome> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const qrCode = text.trim();
  const code = parseTicketCode(qrCode);
  try {
    const r = await deps.validate(qrCode, deps.eventId);
    const holderName = r.holderName ?? r.ticket?.holderName;
    if (r.result === 'valid' && r.ticket) {
      await deps.store.markSeen({
        eventId: deps.eventId,
        ticketId: r.ticket.ticketId,
        firstScanAt: r.validatedAt ?? now,
        holderName,
        offline: false,
      });
    }
    return {
      verdict: r.result,
      detail: kOnlineDetail[r.result],
      holderName,
      firstScanAt: r.result === 'already_used' ? (r.validatedAt ?? r.ticket?.validatedAt ?? null) : undefined,
      ticketId: r.ticket?.ticketId ?? code?.ticketId,
      offline: false,
      at: now,
    };
  } catch (error) {
    if (!isOutage(error)) throw error;
  }

  // Offline: the signature tells a genuine code from a forged one; this device's memory tells a
  // second scan here. The server settles the rest when the queue is sent.
  if (!code) return { verdict: 'invalid', detail: 'Not an Admit ticket code.', offline: true, at: now };
  if (code.eventId !== deps.eventId)
    return {
      verdict: 'wrong_event',
      detail: 'This ticket is for another event.',
      offline: true,
      at: now,
      ticketId: code.ticketId,
    };
  const keys = await deps.keys();
  if (!keys?.length) {
    return {
      verdict: 'invalid',
      detail: 'Offline and no scan keys saved for this event: cannot check. Try again when online.',
      offline: true,
      at: now,
      ticketId: code.ticketId,
    };
  }
  const check = await (deps.verify ?? verifyTicketCode)(code, keys);
  if (check === 'bad')
    return {
      verdict: 'invalid',
      detail: 'The code’s signature is wrong: forged or damaged.',
      offline: true,
      at: now,
      ticketId: code.ticketId,
    };
  if (check === 'unknown-key')
    return {
      verdict: 'invalid',
      detail: 'Signed with a key this device does not know. Refresh the keys when online.',
      offline: true,
      at: now,
      ticketId: code.ticketId,
    };
  if (check === 'unsupported')
    return {
      verdict: 'invalid',
      detail: 'This browser cannot check signatures offline.',
      offline: true,
      at: now,
      ticketId: code.ticketId,
    };
  const seen = await deps.store.seen(deps.eventId, code.ticketId);
  if (seen) {
    return {
      verdict: 'already_used',
      detail: 'Already admitted at this door.',
      holderName: seen.holderName,
      firstScanAt: seen.firstScanAt,
      ticketId: code.ticketId,
      offline: true,
      at: now,
    };
  }
  await deps.store.markSeen({ eventId: deps.eventId, ticketId: code.ticketId, firstScanAt: now, offline: true });
  await deps.store.enqueue({ eventId: deps.eventId, qrCode, ticketId: code.ticketId, scannedAt: now });
  return {
    verdict: 'valid',
    detail: 'Genuine ticket. Checked offline; it will be confirmed when back online.',
    ticketId: code.ticketId,
    offline: true,
    at: now,
  };
}

export interface SyncReport {
  sent: number;
  /// Offline admissions the server did not accept (used elsewhere first, cancelled…).
  conflicts: { scan: QueuedScan; result: ValidationResult }[];
  /// True when it stopped because the server is still unreachable.
  stillOffline: boolean;
}

/// Sends queued offline admissions, oldest first, and removes each once the server answered.
export async function syncQueue(
  queued: QueuedScan[],
  validate: ScanDeps['validate'],
  dequeue: (id: number) => Promise<void>,
): Promise<SyncReport> {
  const report: SyncReport = { sent: 0, conflicts: [], stillOffline: false };
  for (const scan of queued) {
    let result: ValidationResult;
    try {
      result = await validate(scan.qrCode, scan.eventId);
    } catch (error) {
      if (isOutage(error)) {
        report.stillOffline = true;
        break;
      }
      // 401/403: keep it for a person to sort out after logging in again.
      throw error;
    }
    await dequeue(scan.id!);
    report.sent += 1;
    if (result.result !== 'valid') report.conflicts.push({ scan, result });
  }
  return report;
}
