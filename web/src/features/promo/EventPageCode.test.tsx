import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../../test/axe';
import { problem, rooftopJazz, stubEventPage, Where } from '../../test/eventPage';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import EventPage from '../events/EventPage';

const { api, promoRequests } = vi.hoisted(() => ({
  api: { event: vi.fn(), myRegistrations: vi.fn(), register: vi.fn(), questions: vi.fn() },
  promoRequests: { eventWithCode: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('./requests', () => ({ promoRequests }));

const general = ticketType({ ticketTypeId: 'tt-general', name: 'General', price: 25 });
const vip = ticketType({ ticketTypeId: 'vip', name: 'Backstage', price: 80, hidden: true, position: 1 });
const event = rooftopJazz({ ticketTypes: [general] });
const withCode = {
  ...event,
  ticketTypes: [general, vip],
  promo: { code: 'friends', discountPercent: 20, discountAmount: null, ticketTypeIds: ['tt-general'] },
};

describe('EventPage with a promo code', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    stubEventPage(api, event);
  });

  it('applies ?code= from the address: the types it unlocks, what it takes off, and the total after it', async () => {
    promoRequests.eventWithCode.mockResolvedValue(withCode);
    const { container } = renderAt('/events/e1?code=FRIENDS', '/events/:eventId', <EventPage />);
    const list = await screen.findByRole('list', { name: 'Ticket types' });
    expect(await within(list).findByText('Backstage')).toBeInTheDocument();
    expect(promoRequests.eventWithCode).toHaveBeenCalledWith('e1', 'FRIENDS');
    expect(screen.getByText(/applied: 20% off each General ticket; unlocks Backstage/)).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'One more General ticket' }));
    // 20 % of one €25 General ticket, shown before the order is placed.
    const discount = screen.getByText('Discount (code friends)').closest('.summary-line');
    expect(discount).toHaveTextContent('−€5');
    expect(screen.getByText('Total').closest('.summary-line')).toHaveTextContent('€20');
    await expectAccessible(container);
  });

  it('says beside the field that an unknown code is not valid, and shows no hidden type', async () => {
    promoRequests.eventWithCode.mockRejectedValue(problem(404, 'not-found'));
    renderAt('/events/e1?code=NOPE', '/events/:eventId', <EventPage />);
    const field = await screen.findByLabelText('Promo code');
    expect(await screen.findByText(/This code is not valid for this event/)).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText('Backstage')).not.toBeInTheDocument();
    expect(screen.getByText('Total')).toBeInTheDocument();
  });

  it('applies a typed code by putting it in the address, and orders one ticket with it', async () => {
    promoRequests.eventWithCode.mockResolvedValue(withCode);
    api.register.mockRejectedValue(problem(409, 'promo-code-used-up'));
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />);
    await user.click(await screen.findByRole('button', { name: 'Have a promo code?' }));
    await user.type(screen.getByLabelText('Promo code'), 'friends{Enter}');
    expect(await screen.findByText(/applied: 20% off/)).toBeInTheDocument();
    expect(promoRequests.eventWithCode).toHaveBeenCalledWith('e1', 'friends');
    await user.click(screen.getByRole('button', { name: 'One more General ticket' }));
    await user.click(screen.getByRole('button', { name: 'Reserve 1 ticket' }));
    expect(api.register).toHaveBeenCalledWith('e1', [{ ticketTypeId: 'tt-general', quantity: 1 }], expect.any(String), 'friends');
    // The used-up code's 409 shows beside the field, not as the order's refusal.
    expect(await screen.findByText(/Remove it to order without it/)).toBeInTheDocument();
    expect(screen.getByLabelText('Promo code')).toHaveAttribute('aria-invalid', 'true');
  });

  it('takes the code on to the order form with the chosen tickets', async () => {
    promoRequests.eventWithCode.mockResolvedValue(withCode);
    const user = userEvent.setup();
    renderAt('/events/e1?code=FRIENDS', '/events/:eventId', <EventPage />, { '/events/:eventId/order': <Where /> });
    await user.click(await screen.findByRole('button', { name: 'One more General ticket' }));
    await user.click(screen.getByRole('button', { name: 'One more Backstage ticket' }));
    await user.click(screen.getByRole('button', { name: /Continue with 2 tickets/ }));
    expect(
      await screen.findByText(`at /events/e1/order?items=${encodeURIComponent('tt-general:1,vip:1')}&code=FRIENDS`),
    ).toBeInTheDocument();
  });
});
