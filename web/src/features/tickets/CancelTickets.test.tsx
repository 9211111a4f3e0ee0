import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Event, Registration, Ticket } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import GuestOrderPage from '../orders/GuestOrderPage';
import MyTicketsPage from './MyTicketsPage';

const { api, waitlistRequests } = vi.hoisted(() => ({
  api: {
    myRegistrations: vi.fn(),
    registration: vi.fn(),
    event: vi.fn(),
    questions: vi.fn(),
    checkoutSetup: vi.fn(),
    cancelRegistration: vi.fn(),
    cancelTickets: vi.fn(),
    ticketDownload: vi.fn(),
    resendRegistration: vi.fn(),
  },
  waitlistRequests: { mine: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('../waitlist/requests', () => ({ waitlistRequests }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: new Date(Date.now() + 10 * 86_400_000).toISOString(),
  timezone: 'Europe/Berlin',
  location: 'Roof',
  price: 25,
  currency: 'EUR',
  status: 'published',
  cancellationDeadline: null,
} as Event;

const ticket = (id: string, holderName: string, ticketTypeId: string, status: Ticket['status'] = 'valid') =>
  ({
    ticketId: id,
    registrationId: 'r1',
    eventId: 'e1',
    holderName,
    ticketTypeId,
    qrCode: `code-${id}`,
    status,
    validatedAt: null,
  }) as Ticket;

// Two VIP at 40 after a 20% code and one Regular at 20: 100 paid.
const order: Registration = {
  registrationId: 'r1',
  userId: 'u1',
  eventId: 'e1',
  status: 'confirmed',
  quantity: 3,
  amount: 100,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  email: null,
  source: 'order',
  promoCode: 'EARLY',
  discount: 25,
  refundedAmount: 0,
  items: [
    { ticketTypeId: 'vip', name: 'VIP', quantity: 2, unitPrice: 50, discountedUnitPrice: 40, amount: 80 },
    { ticketTypeId: 'reg', name: 'Regular', quantity: 1, unitPrice: 25, discountedUnitPrice: 20, amount: 20 },
  ],
  tickets: [ticket('t1', 'Ada', 'vip'), ticket('t2', 'Bob', 'vip'), ticket('t3', 'Cy', 'reg')],
};
const afterOne: Registration = {
  ...order,
  refundedAmount: 40,
  tickets: [ticket('t1', 'Ada', 'vip'), ticket('t2', 'Bob', 'vip', 'void'), ticket('t3', 'Cy', 'reg')],
};

describe('cancelling some tickets of an order', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.event.mockResolvedValue(event);
    api.questions.mockResolvedValue({ items: [] });
    waitlistRequests.mine.mockResolvedValue({ items: [] });
  });

  it('on My tickets: chooses tickets, states their refund after the discount, and sends just their ids', async () => {
    api.myRegistrations
      .mockResolvedValueOnce({ items: [order], nextCursor: null })
      .mockResolvedValue({ items: [afterOne], nextCursor: null });
    api.cancelTickets.mockResolvedValue(afterOne);
    const user = userEvent.setup();
    const { container } = renderAt('/tickets', '/tickets', <MyTicketsPage />);
    await user.click(await screen.findByRole('button', { name: 'Cancel some tickets…' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel tickets?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel tickets' })).toBeDisabled();
    await user.click(within(dialog).getByLabelText(/Bob · VIP/));
    expect(dialog).toHaveTextContent('You will be refunded €40 to your card.');
    await user.click(within(dialog).getByLabelText(/Cy · Regular/));
    expect(dialog).toHaveTextContent('You will be refunded €60 to your card.');
    await user.click(within(dialog).getByLabelText(/Cy · Regular/));
    await expectAccessible(container);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel 1 ticket' }));
    await waitFor(() => expect(api.cancelTickets).toHaveBeenCalledWith('r1', ['t2'], undefined));
    // The card shows the void ticket and what was refunded.
    expect(await screen.findByText(/3 tickets \(1 cancelled\) · €100 · €25 off with EARLY · €40 refunded/)).toBeInTheDocument();
    const bob = screen.getByText('Bob').closest('li')!;
    expect(within(bob).getByText('Cancelled')).toBeInTheDocument();
    expect(within(bob).queryByRole('button', { name: 'PDF ticket' })).not.toBeInTheDocument();
    expect(api.cancelRegistration).not.toHaveBeenCalled();
  });

  it('choosing every ticket cancels the whole registration, with what is left of the payment', async () => {
    api.myRegistrations.mockResolvedValue({ items: [afterOne], nextCursor: null });
    api.cancelRegistration.mockResolvedValue({ ...afterOne, status: 'refunded' });
    const user = userEvent.setup();
    renderAt('/tickets', '/tickets', <MyTicketsPage />);
    await user.click(await screen.findByRole('button', { name: 'Cancel some tickets…' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel tickets?' });
    expect(within(dialog).queryByLabelText(/Bob/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByLabelText(/Ada/));
    await user.click(within(dialog).getByLabelText(/Cy/));
    expect(dialog).toHaveTextContent('You will be refunded €60 to your card, and the registration is cancelled.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel 2 tickets' }));
    await waitFor(() => expect(api.cancelRegistration).toHaveBeenCalledWith('r1', undefined, undefined));
    expect(api.cancelTickets).not.toHaveBeenCalled();
  });

  it('on a guest’s order page: the same, with the order token', async () => {
    api.registration
      .mockResolvedValueOnce({ ...order, guest: true, buyer: { name: 'Gwen', email: 'gwen@example.org' } })
      .mockResolvedValue({ ...afterOne, guest: true });
    api.cancelTickets.mockResolvedValue({ ...afterOne, guest: true });
    const user = userEvent.setup();
    renderAt('/orders/r1#token=tok-9', '/orders/:registrationId', <GuestOrderPage />);
    await user.click(await screen.findByRole('button', { name: 'Cancel some tickets…' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel tickets?' });
    await user.click(within(dialog).getByLabelText(/Ada · VIP/));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel 1 ticket' }));
    await waitFor(() => expect(api.cancelTickets).toHaveBeenCalledWith('r1', ['t1'], 'tok-9'));
    expect(await screen.findByText(/€40 refunded/)).toBeInTheDocument();
  });
});
