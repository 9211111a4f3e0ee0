import { ApiError } from '../../api/client';
import { classifyError, isClientError } from '../../api/errors';

/// The sandbox's Stripe test cards, as the payments API decides them.
export const kTestCards = [
  { number: '4242424242424242', outcome: 'Succeeds' },
  { number: '4000000000000002', outcome: 'Declined (generic decline)' },
  { number: '4000000000009995', outcome: 'Declined (insufficient funds)' },
] as const;

export function digitsOnly(s: string): string {
  return s.replace(/\D/g, '');
}

/// "4242424242424242" → "4242 4242 4242 4242"
export function formatCardNumber(s: string): string {
  return digitsOnly(s)
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function luhnValid(number: string): boolean {
  const digits = digitsOnly(number);
  if (digits.length < 12 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface CardForm {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}

export function validateCard(card: CardForm, now = new Date()): Partial<Record<keyof CardForm, string>> {
  const errors: Partial<Record<keyof CardForm, string>> = {};
  if (!digitsOnly(card.number)) errors.number = 'Enter the card number.';
  else if (!luhnValid(card.number)) errors.number = 'This card number is not valid. Check the digits.';
  const m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(card.expiry.trim());
  if (!card.expiry.trim()) errors.expiry = 'Enter the expiry date.';
  else if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) errors.expiry = 'Use the format MM / YY.';
  else {
    const end = new Date(2000 + Number(m[2]), Number(m[1]), 1);
    if (end <= now) errors.expiry = 'This card has expired.';
  }
  if (!/^\d{3,4}$/.test(card.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digits on the back.';
  if (!card.name.trim()) errors.name = 'Enter the name on the card.';
  return errors;
}

/// "1228" → "12 / 28" while typing.
export function formatExpiry(s: string): string {
  const d = digitsOnly(s).slice(0, 4);
  return d.length > 2 ? `${d.slice(0, 2)} / ${d.slice(2)}` : d;
}

export type PaymentOutcome = { outcome: 'succeeded' } | { outcome: 'processing' } | { outcome: 'declined'; message: string };

const kDeclineText: Record<string, string> = {
  insufficient_funds: 'Your card has insufficient funds.',
  generic_decline: 'Your card was declined.',
  card_declined: 'Your card was declined.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: 'The security code is incorrect.',
  lost_card: 'Your card was declined.',
  stolen_card: 'Your card was declined.',
};

function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function declineMessage(body: unknown, fallback?: string): string {
  const code =
    pick(body, 'declineCode') ??
    pick(body, 'decline_code') ??
    pick(body, 'lastPaymentError', 'declineCode') ??
    pick(body, 'last_payment_error', 'decline_code') ??
    pick(body, 'error', 'decline_code') ??
    pick(body, 'code') ??
    pick(body, 'lastPaymentError', 'code');
  const known = typeof code === 'string' ? kDeclineText[code] : undefined;
  const text =
    known ??
    (pick(body, 'lastPaymentError', 'message') as string | undefined) ??
    (pick(body, 'last_payment_error', 'message') as string | undefined) ??
    (pick(body, 'message') as string | undefined) ??
    fallback ??
    'Your card was declined.';
  return text;
}

/// Reads the answer of POST /api/payments/sandbox/confirm, or its error, as an outcome. The
/// shapes accepted are Stripe's (status, last_payment_error.decline_code) in either case style,
/// and problem documents for declines.
export function interpretConfirm(result: { body?: unknown; error?: unknown }): PaymentOutcome {
  if (result.error !== undefined) {
    const error = result.error;
    // A refusal of the card itself; a lost login or a missing intent is no decline.
    const kind = classifyError(error);
    if (error instanceof ApiError && isClientError(error) && kind !== 'unauthenticated' && kind !== 'not-found') {
      return { outcome: 'declined', message: declineMessage(error.problem, error.problem?.detail) };
    }
    throw error;
  }
  const body = result.body;
  const status = String(pick(body, 'status') ?? pick(body, 'outcome') ?? pick(body, 'result') ?? '').toLowerCase();
  if (['succeeded', 'success', 'confirmed', 'paid'].includes(status)) return { outcome: 'succeeded' };
  if (['processing', 'pending', 'requires_capture'].includes(status)) return { outcome: 'processing' };
  if (
    status.includes('declin') ||
    status.includes('fail') ||
    status === 'requires_payment_method' ||
    status === 'canceled' ||
    pick(body, 'lastPaymentError') ||
    pick(body, 'last_payment_error') ||
    pick(body, 'error')
  ) {
    return { outcome: 'declined', message: declineMessage(body) };
  }
  // No body, or one we do not know: the registration's status will tell.
  return { outcome: 'processing' };
}
