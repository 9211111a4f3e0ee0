import { describe, expect, it } from 'vitest';
import { ticketType } from '../../test/fixtures';
import { orderDiscount } from './discount';

const general = ticketType({ ticketTypeId: 'gen', name: 'General', price: 25.5 });
const vip = ticketType({ ticketTypeId: 'vip', name: 'VIP', price: 80 });
const crew = ticketType({ ticketTypeId: 'crew', name: 'Crew', price: 0 });
const promo = (over: Partial<Parameters<typeof orderDiscount>[2] & object> = {}) => ({
  code: 'EARLY',
  discountPercent: null,
  discountAmount: null,
  ticketTypeIds: [],
  ...over,
});

describe('orderDiscount', () => {
  it('takes a percentage off each ticket, rounded half-up to the cent per ticket', () => {
    // 12.5 % of 25.50 is 3.1875 → 3.19 a ticket; three tickets 9.57 (not 9.56 from the sum).
    expect(orderDiscount([general], { gen: 3 }, promo({ discountPercent: 12.5 }), 'EUR')).toBe(9.57);
    // 25 % of 20 is exactly 5.
    expect(orderDiscount([ticketType({ ticketTypeId: 'tw', price: 20 })], { tw: 2 }, promo({ discountPercent: 25 }), 'EUR')).toBe(
      10,
    );
  });

  it('rounds to the currency’s minor unit: none for yen', () => {
    const yen = ticketType({ ticketTypeId: 'y', price: 999 });
    // 15 % of 999 is 149.85 → 150 yen.
    expect(orderDiscount([yen], { y: 1 }, promo({ discountPercent: 15 }), 'JPY')).toBe(150);
  });

  it('takes a fixed amount off each ticket, never below a free ticket', () => {
    expect(orderDiscount([general, crew], { gen: 2, crew: 1 }, promo({ discountAmount: 5 }), 'EUR')).toBe(10);
    expect(orderDiscount([general], { gen: 1 }, promo({ discountAmount: 40 }), 'EUR')).toBe(25.5);
  });

  it('only on the types the code names, and nothing without a code or for an access code', () => {
    const limited = promo({ discountPercent: 50, ticketTypeIds: ['vip'] });
    expect(orderDiscount([general, vip], { gen: 1, vip: 1 }, limited, 'EUR')).toBe(40);
    expect(orderDiscount([general], { gen: 1 }, null, 'EUR')).toBe(0);
    expect(orderDiscount([general], { gen: 1 }, promo(), 'EUR')).toBe(0);
  });
});
