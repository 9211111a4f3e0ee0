import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScanKey } from '../../api/types';
import { base32Decode, base32Encode, base64UrlDecode, base64UrlEncode, parseTicketCode, verifyTicketCode } from './ticketCode';

// A code and key issued by a real `admit serve` (event AaIRUBrv-uT9ZM2z3LZtAA).
const kRealCode =
  'AAHJBFVWBAGRBCUA3R7FWT6642CUWRGREYIA2EEKQDLX7VZH5MTG3HXFWNUAADIQRKANUBMLFQUQIQPIQR6WNOPITKKEV4RGOHTVZEPXDGJ2WLCNEGQQHCFERBBVDI2EDP5Z5ENUQKLJ2QLXFOO2MLQJJ2ZMNQOEP2DBLO36YQN5XLF4QFZARYPFMAACA';
const kRealKey: ScanKey = {
  keyId: 'd212d6c1',
  publicKey: 'X3QixY6Bst1oCnlccraPFwvPl_GYSHlIfa8dcJ30bNs',
  algorithm: 'Ed25519',
  createdAt: '2026-11-25T06:06:32Z',
  active: true,
};

function makeCode(opts: { keyId?: number; tamper?: boolean } = {}) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const payload = new Uint8Array(117);
  payload[0] = 1;
  new DataView(payload.buffer).setUint32(1, opts.keyId ?? 0xcafe0001);
  for (let i = 5; i < 53; i++) payload[i] = i;
  payload.set(sign(null, payload.subarray(0, 53), privateKey), 53);
  if (opts.tamper) payload[10] ^= 1;
  const key: ScanKey = {
    keyId: (opts.keyId ?? 0xcafe0001).toString(16).padStart(8, '0'),
    publicKey: base64UrlEncode(new Uint8Array(raw)),
    algorithm: 'Ed25519',
    createdAt: '2026-01-01T00:00:00Z',
    active: true,
  };
  return { code: 'A' + base32Encode(payload), key };
}

describe('base32', () => {
  it('matches the RFC 4648 test vectors', () => {
    const enc = (s: string) => base32Encode(new TextEncoder().encode(s));
    expect(enc('f')).toBe('MY');
    expect(enc('fo')).toBe('MZXQ');
    expect(enc('foobar')).toBe('MZXW6YTBOI');
    expect(new TextDecoder().decode(base32Decode('MZXW6YTBOI')!)).toBe('foobar');
  });
  it('rejects characters outside the alphabet', () => {
    expect(base32Decode('MZXW1')).toBeNull();
    expect(base32Decode('mzxw')).toBeNull();
  });
});

describe('base64url', () => {
  it('round-trips 16-byte ids', () => {
    const bytes = base64UrlDecode('AaIRUBrv-uT9ZM2z3LZtAA')!;
    expect(bytes).toHaveLength(16);
    expect(base64UrlEncode(bytes)).toBe('AaIRUBrv-uT9ZM2z3LZtAA');
  });
});

describe('parseTicketCode', () => {
  it('reads the ids and key id of a real admit code', () => {
    const code = parseTicketCode(kRealCode)!;
    expect(code).not.toBeNull();
    expect(code.version).toBe(1);
    expect(code.keyId).toBe('d212d6c1');
    expect(code.ticketId).toBe('AaIRUBuPy2n73NCpaJokwg');
    expect(code.eventId).toBe('AaIRUBrv-uT9ZM2z3LZtAA');
    expect(code.userId).toBe('AaIRUBtAsWWFIIg9EI-s1w');
    expect(code.signature).toHaveLength(64);
  });
  it('ignores surrounding whitespace', () => {
    expect(parseTicketCode(`  ${kRealCode}\n`)).not.toBeNull();
  });
  it.each([
    ['empty', ''],
    ['wrong prefix', 'B' + kRealCode.slice(1)],
    ['too short', kRealCode.slice(0, -1)],
    ['lower case', kRealCode.toLowerCase()],
    ['a URL', 'https://example.org/ticket/123'],
  ])('rejects %s', (_name, text) => {
    expect(parseTicketCode(text)).toBeNull();
  });
  it('rejects an unknown version byte', () => {
    const bytes = base32Decode(kRealCode.slice(1))!;
    bytes[0] = 2;
    expect(parseTicketCode('A' + base32Encode(bytes))).toBeNull();
  });
});

describe('verifyTicketCode', () => {
  it('accepts a real admit code with its event key', async () => {
    expect(await verifyTicketCode(parseTicketCode(kRealCode)!, [kRealKey])).toBe('good');
  });
  it('accepts a freshly signed code', async () => {
    const { code, key } = makeCode();
    expect(await verifyTicketCode(parseTicketCode(code)!, [key])).toBe('good');
  });
  it('refuses a tampered code', async () => {
    const { code, key } = makeCode({ tamper: true });
    expect(await verifyTicketCode(parseTicketCode(code)!, [key])).toBe('bad');
  });
  it('refuses a code signed by another key with the same id', async () => {
    const { code } = makeCode({ keyId: 7 });
    const { key } = makeCode({ keyId: 7 });
    expect(await verifyTicketCode(parseTicketCode(code)!, [key])).toBe('bad');
  });
  it('says when no key has the code key id', async () => {
    const { code } = makeCode({ keyId: 9 });
    expect(await verifyTicketCode(parseTicketCode(code)!, [kRealKey])).toBe('unknown-key');
  });
});
