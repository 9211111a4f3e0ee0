import { describe, expect, it } from 'vitest';
import type { Registration } from '../../api/types';
import { refundFor } from './refund';

const t = (id: string, type: string, status: 'valid' | 'void' | 'used' = 'valid') =>
  ({ ticketId: id, ticketTypeId: type, status }) as Registration['tickets'][number];

const order = (over: Partial<Registration> = {}) =>
  ({
    status: 'confirmed',
    source: 'order',
    currency: 'EUR',
    amount: 60.3,
    refundedAmount: 0,
    items: [
      { ticketTypeId: 'a', name: 'A', quantity: 2, unitPrice: 25, discountedUnitPrice: 20.1, amount: 40.2 },
      { ticketTypeId: 'b', name: 'B', quantity: 1, unitPrice: 25, discountedUnitPrice: 20.1, amount: 20.1 },
    ],
    tickets: [t('t1', 'a'), t('t2', 'a'), t('t3', 'b')],
    ...over,
  }) as Registration;

describe('refundFor', () => {
  it('gives back each chosen ticket’s price after the discount, summed to the cent', () => {
    expect(refundFor(order(), ['t1'])).toBe(20.1);
    expect(refundFor(order(), ['t1', 't2', 't3'])).toBe(60.3);
  });

  it('never gives back more than is left of what was paid', () => {
    expect(refundFor(order({ refundedAmount: 50 }), ['t1', 't2'])).toBe(10.3);
  });

  it('gives nothing back for a comp, a free or an unpaid order', () => {
    expect(refundFor(order({ source: 'comp', amount: 0 }), ['t1'])).toBe(0);
    expect(refundFor(order({ status: 'pending_payment' }), ['t1'])).toBe(0);
  });
});
