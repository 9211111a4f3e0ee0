import type { ScanKey } from '../../api/types';

/// A ticket code as admit prints it in the QR: "A" + base32 (RFC 4648, no padding) of 117 bytes,
/// 0x01 | keyId:4 | ticketId:16 | eventId:16 | userId:16 | Ed25519 signature:64 over the first 53.
export interface TicketCode {
  version: number;
  /// 8 lower-case hex digits, as GET /api/events/{id}/scan-keys names keys.
  keyId: string;
  ticketId: string;
  eventId: string;
  userId: string;
  signed: Uint8Array;
  signature: Uint8Array;
}

const kAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const kPayloadBytes = 117;
const kSignedBytes = 53;

export function base32Decode(text: string): Uint8Array | null {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const ch of text) {
    const value = kAlphabet.indexOf(ch);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero padding, as an encoder writes them.
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = ((buffer << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kAlphabet[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const bin = atob(padded);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/// Reads a scanned text as a ticket code; null when it is not one (wrong prefix, length,
/// alphabet or version).
export function parseTicketCode(raw: string): TicketCode | null {
  const text = raw.trim();
  if (text.length !== 1 + Math.ceil((kPayloadBytes * 8) / 5) || text[0] !== 'A') return null;
  const bytes = base32Decode(text.slice(1));
  if (!bytes || bytes.length !== kPayloadBytes || bytes[0] !== 0x01) return null;
  return {
    version: bytes[0],
    keyId: hex(bytes.subarray(1, 5)),
    ticketId: base64UrlEncode(bytes.subarray(5, 21)),
    eventId: base64UrlEncode(bytes.subarray(21, 37)),
    userId: base64UrlEncode(bytes.subarray(37, 53)),
    signed: bytes.slice(0, kSignedBytes),
    signature: bytes.slice(kSignedBytes),
  };
}

export type SignatureCheck = 'good' | 'bad' | 'unknown-key' | 'unsupported';

const keyCache = new Map<string, Promise<CryptoKey | null>>();

function importKey(publicKey: string): Promise<CryptoKey | null> {
  let pending = keyCache.get(publicKey);
  if (!pending) {
    const raw = base64UrlDecode(publicKey);
    pending =
      raw && raw.length === 32
        ? crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']).catch(() => null)
        : Promise.resolve(null);
    keyCache.set(publicKey, pending);
  }
  return pending;
}

/// Whether WebCrypto can verify Ed25519 here (it needs a secure context and a recent browser).
export function canVerifyOffline(): boolean {
  return typeof crypto !== 'undefined' && !!crypto.subtle;
}

/// Checks the code's signature with the event's scan key of the code's key id.
export async function verifyTicketCode(code: TicketCode, keys: readonly ScanKey[]): Promise<SignatureCheck> {
  if (!canVerifyOffline()) return 'unsupported';
  const key = keys.find((k) => k.keyId === code.keyId);
  if (!key) return 'unknown-key';
  const cryptoKey = await importKey(key.publicKey);
  if (!cryptoKey) return 'unsupported';
  try {
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      cryptoKey,
      code.signature as BufferSource,
      code.signed as BufferSource,
    );
    return ok ? 'good' : 'bad';
  } catch {
    return 'unsupported';
  }
}
