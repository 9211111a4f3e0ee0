import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { ScanKey, ValidationResult } from '../../api/types';
import { offlineStore } from './offlineStore';
import { checkTicket, syncQueue, type ScanDeps } from './scan';
import { base32Encode, base64UrlDecode, base64UrlEncode } from './ticketCode';

const eventId = 'AaIRUBrv-uT9ZM2z3LZtAA';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const key: ScanKey = {
  keyId: '0000002a',
  publicKey: base64UrlEncode(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))),
  algorithm: 'Ed25519',
  createdAt: '2026-01-01T00:00:00Z',
  active: true,
};

function ticketCode(ticketByte: number, forEvent = eventId): string {
  const p = new Uint8Array(117);
  p[0] = 1;
  p[4] = 0x2a;
  p.fill(ticketByte, 5, 21);
  p.set(base64UrlDecode(forEvent)!, 21);
  p.fill(7, 37, 53);
  p.set(sign(null, p.subarray(0, 53), privateKey), 53);
  return 'A' + base32Encode(p);
}

const offline = () => Promise.reject(new ApiError(0, null, 'offline'));

function deps(validate: ScanDeps['validate']): ScanDeps {
  return { eventId, validate, keys: async () => [key], store: offlineStore };
}

beforeEach(() => offlineStore.reset());

describe('checkTicket online', () => {
  it('takes the server answer and remembers admissions', async () => {
    const validate = vi.fn(async (): Promise<ValidationResult> => ({
      result: 'valid',
      holderName: 'Ada',
      validatedAt: '2026-11-25T10:00:00Z',
      ticket: { ticketId: 't1' } as ValidationResult['ticket'],
    }));
    const out = await checkTicket(ticketCode(1), deps(validate));
    expect(out).toMatchObject({ verdict: 'valid', holderName: 'Ada', offline: false });
    expect(validate).toHaveBeenCalledWith(ticketCode(1), eventId);
    expect(await offlineStore.admittedCount(eventId)).toBe(1);
  });
  it('shows when a ticket was first scanned', async () => {
    const out = await checkTicket(
      'A',
      deps(async () => ({ result: 'already_used', validatedAt: '2026-11-25T10:00:00Z', holderName: 'Ada' })),
    );
    expect(out).toMatchObject({ verdict: 'already_used', firstScanAt: '2026-11-25T10:00:00Z', holderName: 'Ada' });
  });
  it('passes on real refusals instead of deciding offline', async () => {
    await expect(
      checkTicket(
        ticketCode(1),
        deps(() => Promise.reject(new ApiError(403, null))),
      ),
    ).rejects.toBeInstanceOf(ApiError);
  });
});

describe('checkTicket offline', () => {
  it('admits a genuine ticket once, queues it, and refuses the second scan', async () => {
    const first = await checkTicket(ticketCode(2), deps(offline));
    expect(first).toMatchObject({ verdict: 'valid', offline: true });
    expect(await offlineStore.queued(eventId)).toHaveLength(1);

    const second = await checkTicket(ticketCode(2), deps(offline));
    expect(second).toMatchObject({ verdict: 'already_used', firstScanAt: first.at, offline: true });
    expect(await offlineStore.queued(eventId)).toHaveLength(1);
  });
  it('refuses a forged code', async () => {
    const code = ticketCode(3);
    const forged = code.slice(0, 20) + (code[20] === 'A' ? 'B' : 'A') + code.slice(21);
    expect((await checkTicket(forged, deps(offline))).verdict).toBe('invalid');
  });
  it('refuses a ticket of another event', async () => {
    expect((await checkTicket(ticketCode(4, 'BBBBBBBBBBBBBBBBBBBBBA'), deps(offline))).verdict).toBe('wrong_event');
  });
  it('refuses text that is no ticket', async () => {
    expect((await checkTicket('hello', deps(offline))).verdict).toBe('invalid');
  });
  it('cannot decide without keys', async () => {
    const out = await checkTicket(ticketCode(5), { ...deps(offline), keys: async () => undefined });
    expect(out.verdict).toBe('invalid');
    expect(out.detail).toMatch(/no scan keys/);
  });
});

describe('syncQueue', () => {
  it('sends queued admissions and reports the ones the server refused', async () => {
    await checkTicket(ticketCode(6), deps(offline));
    await checkTicket(ticketCode(7), deps(offline));
    const answers: ValidationResult['result'][] = ['valid', 'already_used'];
    const report = await syncQueue(
      await offlineStore.queued(eventId),
      async () => ({ result: answers.shift()! }),
      offlineStore.dequeue,
    );
    expect(report.sent).toBe(2);
    expect(report.conflicts.map((c) => c.result.result)).toEqual(['already_used']);
    expect(await offlineStore.queued(eventId)).toHaveLength(0);
  });
  it('keeps the queue while the server is unreachable', async () => {
    await checkTicket(ticketCode(8), deps(offline));
    const report = await syncQueue(await offlineStore.queued(eventId), offline, offlineStore.dequeue);
    expect(report).toMatchObject({ sent: 0, stillOffline: true });
    expect(await offlineStore.queued(eventId)).toHaveLength(1);
  });
});
