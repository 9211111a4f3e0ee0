import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { signIn, ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import OrderFormPage from '../checkout/OrderFormPage';

const { api, promoRequests } = vi.hoisted(() => ({
  api: { event: vi.fn(), myRegistrations: vi.fn(), questions: vi.fn(), placeOrder: vi.fn() },
  promoRequests: { eventWithCode: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('./requests', () => ({ promoRequests }));

const general = ticketType({ ticketTypeId: 'gen', name: 'General', price: 20 });
const crew = ticketType({ ticketTypeId: 'crew', name: 'Crew', price: 0, hidden: true, position: 1 });
const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  capacity: 40,
  seatsLeft: 40,
  maxPerAttendee: 6,
  price: 20,
  currency: 'EUR',
  status: 'published',
  cancellationDeadline: null,
  ticketTypes: [general],
} as Event;

function Where() {
  const l = useLocation();
  return <p>at {`${l.pathname}${l.search}`}</p>;
}

const render = (path: string) => renderAt(path, '/events/:eventId/order', <OrderFormPage />, { '/checkout/:id': <Where /> });

describe('OrderFormPage with a promo code', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    signIn();
    api.event.mockResolvedValue(event);
    api.myRegistrations.mockResolvedValue({ items: [], nextCursor: null });
    api.questions.mockResolvedValue({ items: [] });
  });

  it('orders an unlocked hidden type with the code, and goes on to pay', async () => {
    promoRequests.eventWithCode.mockResolvedValue({
      ...event,
      ticketTypes: [general, crew],
      promo: { code: 'CREW', discountPercent: null, discountAmount: null, ticketTypeIds: [] },
    });
    api.placeOrder.mockResolvedValue({ registrationId: 'r9', status: 'pending_payment' });
    const user = userEvent.setup();
    const { container } = render(`/events/e1/order?items=${encodeURIComponent('gen:1,crew:1')}&code=crew`);
    expect(await screen.findByText(/1 × Crew/)).toBeInTheDocument();
    expect(screen.getByText(/applied: unlocks Crew/)).toBeInTheDocument();
    await expectAccessible(container);
    await user.type(screen.getAllByLabelText(/Name on the ticket/)[1]!, 'Bob');
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(api.placeOrder).toHaveBeenCalledWith(
      expect.objectContaining({
        items: [
          { ticketTypeId: 'gen', quantity: 1 },
          { ticketTypeId: 'crew', quantity: 1 },
        ],
        promoCode: 'crew',
      }),
      expect.any(String),
    );
    expect(await screen.findByText('at /checkout/r9')).toBeInTheDocument();
  });

  it('shows the server’s refusal of the code beside the code field, and sends nothing with a refused code', async () => {
    promoRequests.eventWithCode.mockResolvedValue({
      ...event,
      promo: { code: 'EARLY', discountPercent: 10, discountAmount: null, ticketTypeIds: [] },
    });
    api.placeOrder.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Invalid',
        status: 400,
        detail: 'Invalid.',
        errors: [{ field: 'promoCode', message: 'is not valid' }],
      }),
    );
    const user = userEvent.setup();
    render(`/events/e1/order?items=gen:1&code=EARLY`);
    expect(await screen.findByText('Discount (code EARLY)')).toBeInTheDocument();
    expect(screen.getByText('Discount (code EARLY)').closest('.summary-line')).toHaveTextContent('−€2');
    expect(screen.getByText('Total').closest('.summary-line')).toHaveTextContent('€18');
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(await screen.findByText(/This code is not valid for this event/)).toBeInTheDocument();
    expect(screen.getByLabelText('Promo code')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText(/promoCode:/)).not.toBeInTheDocument();
  });
});
