import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { formatCardNumber, formatExpiry, interpretConfirm, kTestCards, luhnValid, validateCard } from './card';

describe('card form', () => {
  it('accepts every test card', () => {
    for (const c of kTestCards) expect(luhnValid(c.number)).toBe(true);
  });
  it('groups digits as people read them', () => {
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('4242-42')).toBe('4242 42');
    expect(formatExpiry('1228')).toBe('12 / 28');
  });
  it('names each broken field', () => {
    const errors = validateCard({ number: '4242424242424241', expiry: '13/30', cvc: '1', name: '' }, new Date('2026-11-25'));
    expect(errors).toEqual({
      number: 'This card number is not valid. Check the digits.',
      expiry: 'Use the format MM / YY.',
      cvc: 'Enter the 3 or 4 digits on the back.',
      name: 'Enter the name on the card.',
    });
    expect(
      validateCard({ number: '4242 4242 4242 4242', expiry: '10 / 26', cvc: '123', name: 'A' }, new Date('2026-11-25')).expiry,
    ).toBe('This card has expired.');
    expect(validateCard({ number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123', name: 'A' })).toEqual({});
  });
});

describe('interpretConfirm', () => {
  it('reads a success', () => {
    expect(interpretConfirm({ body: { status: 'succeeded' } })).toEqual({ outcome: 'succeeded' });
  });
  it('reads Stripe-style declines with their reason', () => {
    expect(
      interpretConfirm({
        body: {
          status: 'requires_payment_method',
          last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
        },
      }),
    ).toEqual({ outcome: 'declined', message: 'Your card has insufficient funds.' });
    expect(interpretConfirm({ body: { status: 'failed', lastPaymentError: { declineCode: 'generic_decline' } } })).toEqual({
      outcome: 'declined',
      message: 'Your card was declined.',
    });
  });
  it('reads a problem document as a decline with its detail', () => {
    const error = new ApiError(402, {
      type: 'urn:admit:problem:card-declined',
      title: 'Payment failed',
      status: 402,
      detail: 'Your card was declined.',
    });
    expect(interpretConfirm({ error })).toEqual({ outcome: 'declined', message: 'Your card was declined.' });
  });
  it('leaves unknown answers to the registration status', () => {
    expect(interpretConfirm({ body: undefined })).toEqual({ outcome: 'processing' });
  });
  it('rethrows outages', () => {
    expect(() => interpretConfirm({ error: new ApiError(0, null) })).toThrow();
  });
});
