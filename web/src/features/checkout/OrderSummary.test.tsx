import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Registration } from '../../api/types';
import { OrderSummary } from './OrderSummary';

const registration = {
  registrationId: 'r1',
  quantity: 3,
  amount: 67.5,
  currency: 'EUR',
  items: [
    { ticketTypeId: 'early', name: 'Early bird', quantity: 2, unitPrice: 19, discountedUnitPrice: 19, amount: 38 },
    { ticketTypeId: 'regular', name: 'Regular', quantity: 1, unitPrice: 29.5, discountedUnitPrice: 29.5, amount: 29.5 },
  ],
} as Registration;

describe('OrderSummary', () => {
  it('lists each ticket type of the order at the price it was ordered for, then the total', () => {
    render(<OrderSummary registration={registration} />);
    expect(screen.getByText('2 × Early bird (€19)').nextElementSibling).toHaveTextContent('€38');
    expect(screen.getByText('1 × Regular (€29.50)').nextElementSibling).toHaveTextContent('€29.50');
    expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€67.50');
  });
});

describe('OrderSummary with a code', () => {
  it('shows each type’s price before and after the discount, the discount with its code, and the server’s total', () => {
    render(
      <OrderSummary
        registration={
          {
            ...registration,
            amount: 54,
            discount: 13.5,
            promoCode: 'EARLY',
            items: [
              { ticketTypeId: 'early', name: 'Early bird', quantity: 2, unitPrice: 19, discountedUnitPrice: 15.2, amount: 30.4 },
              { ticketTypeId: 'regular', name: 'Regular', quantity: 1, unitPrice: 29.5, discountedUnitPrice: 23.6, amount: 23.6 },
            ],
          } as Registration
        }
      />,
    );
    const early = screen.getByText(/2 × Early bird/);
    expect(early.querySelector('del')).toHaveTextContent('€19');
    expect(early).toHaveTextContent('€15.20');
    expect(early.nextElementSibling).toHaveTextContent('€30.40');
    expect(screen.getByText('Discount (code EARLY)').nextElementSibling).toHaveTextContent('−€13.50');
    expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€54');
  });
});
