import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Event, Registration } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { problem, rooftopJazz, stubEventPage, Where } from '../../test/eventPage';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import EventPage from './EventPage';

const event = rooftopJazz();

const hold: Registration = {
  registrationId: 'r-open',
  userId: 'u1',
  eventId: 'e1',
  status: 'pending_payment',
  quantity: 1,
  amount: 25,
  currency: 'EUR',
  paymentId: null,
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: '2030-01-01T10:15:00Z',
  tickets: [],
  email: null,
  items: [{ ticketTypeId: 't1', name: 'General admission', quantity: 1, unitPrice: 25, discountedUnitPrice: 25, amount: 25 }],
};

const { api } = vi.hoisted(() => ({
  api: { event: vi.fn(), myRegistrations: vi.fn(), register: vi.fn(), questions: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

async function reserve() {
  const user = userEvent.setup();
  renderAt('/events/e1', '/events/:eventId', <EventPage />);
  await user.click(await screen.findByRole('button', { name: 'Reserve 1 ticket' }));
}

describe('EventPage: the hold rules', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    stubEventPage(api, event);
  });

  it('says an unpaid order is open and links to it', async () => {
    api.register.mockRejectedValue(problem(409, 'unpaid-order-open', 'You have an unpaid order for this event.'));
    // The order was placed elsewhere; the page learns of it when it reloads the registrations.
    api.myRegistrations
      .mockResolvedValueOnce({ items: [], nextCursor: null })
      .mockResolvedValue({ items: [hold], nextCursor: null });
    await reserve();
    expect(await screen.findByText('You already have an unpaid order for this event')).toBeInTheDocument();
    const alert = screen.getByText('You already have an unpaid order for this event').closest('.alert') as HTMLElement;
    const links = await within(alert).findAllByRole('link', { name: 'Complete payment' });
    expect(links.some((l) => l.getAttribute('href') === '/checkout/r-open')).toBe(true);
    expect(within(alert).getByRole('link', { name: 'See it in My tickets' })).toHaveAttribute(
      'href',
      '/tickets?registration=r-open',
    );
  });

  it('says when seats can be held again after a lapsed hold, in the event’s zone', async () => {
    api.register.mockRejectedValue(
      problem(
        409,
        'hold-cooldown',
        'Your last order for this event was not paid in time; you may order again at 2030-01-01T10:15:00Z.',
      ),
    );
    await reserve();
    expect(await screen.findByText('You cannot hold seats for this event again yet')).toBeInTheDocument();
    expect(screen.getByText(/you may order again at .*Jan 1, 2030, 11:15\s?AM GMT\+1\./)).toBeInTheDocument();
  });

  it('tells the per-network cap apart from a rate limit', async () => {
    api.register.mockRejectedValue(
      problem(429, 'too-many-unpaid-orders', 'Too many unpaid orders for this event come from your network.'),
    );
    await reserve();
    expect(await screen.findByText('Too many unpaid orders from your network')).toBeInTheDocument();
    expect(screen.queryByText(/Too many requests right now/)).not.toBeInTheDocument();
  });

  it('tells buyers the hold length and until when they can cancel, before they buy', async () => {
    api.event.mockResolvedValue({ ...event, holdSeconds: 600, cancellationDeadline: '2030-07-01T19:00:00Z' });
    renderAt('/events/e1', '/events/:eventId', <EventPage />);
    expect(
      await screen.findByText(
        /Your seats are held for 10 minutes while you pay\. You can cancel until .*Jul 1, 2030, 9:00\s?PM GMT\+2\./,
      ),
    ).toBeInTheDocument();
  });
});

describe('EventPage: ticket types', () => {
  const early = ticketType({
    ticketTypeId: 'early',
    name: 'Early bird',
    price: 19,
    position: 0,
    salesEnd: '2030-06-01T10:00:00Z',
  });
  const regular = ticketType({ ticketTypeId: 'regular', name: 'Regular', price: 29.5, position: 1 });
  const vip = ticketType({ ticketTypeId: 'vip', name: 'VIP', price: 80, position: 2, available: 0 });
  const later = ticketType({ ticketTypeId: 'later', name: 'Door', price: 35, position: 3, salesStart: '2030-07-01T10:00:00Z' });
  const gone = ticketType({
    ticketTypeId: 'gone',
    name: 'Super early',
    price: 10,
    position: 4,
    salesEnd: '2020-01-01T00:00:00Z',
  });
  const secret = ticketType({ ticketTypeId: 'secret', name: 'Crew', price: 0, position: 5, hidden: true });
  const shop = { ...event, price: 19, ticketTypes: [regular, early, vip, later, gone, secret] } as Event;

  beforeEach(() => {
    vi.clearAllMocks();
    stubEventPage(api, shop);
  });

  it('lists each visible type with its price and why it cannot be bought, and no hidden type', async () => {
    const { container } = renderAt('/events/e1', '/events/:eventId', <EventPage />);
    const list = await screen.findByRole('list', { name: 'Ticket types' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('strong')?.textContent)).toEqual([
      'Early bird',
      'Regular',
      'VIP',
      'Door',
      'Super early',
    ]);
    expect(screen.queryByText('Crew')).not.toBeInTheDocument();
    expect(screen.getAllByText('From €19')).toHaveLength(2); // the cover's badge and the ticket box
    expect(within(rows[2]!).getByText('Sold out')).toBeInTheDocument();
    expect(within(rows[3]!).getByText(/On sale from .*Jul 1, 2030/)).toBeInTheDocument();
    expect(within(rows[4]!).getByText('Sales ended')).toBeInTheDocument();
    // Only the types on sale take a quantity; nothing is chosen while several are.
    expect(screen.getAllByRole('group').map((g) => g.getAttribute('aria-label'))).toEqual([
      'Early bird tickets',
      'Regular tickets',
    ]);
    expect(screen.getByRole('button', { name: 'Choose your tickets' })).toBeDisabled();
    await expectAccessible(container);
  });

  it('keeps a running total and takes every chosen type on to the form that names the holders', async () => {
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />, { '/events/:eventId/order': <Where /> });
    await user.click(await screen.findByRole('button', { name: 'One more Early bird ticket' }));
    await user.click(screen.getByRole('button', { name: 'One more Early bird ticket' }));
    await user.click(screen.getByRole('button', { name: 'One more Regular ticket' }));
    expect(screen.getByText('2 × Early bird (€19)')).toBeInTheDocument();
    expect(screen.getByText('1 × Regular (€29.50)')).toBeInTheDocument();
    expect(screen.getByText('€67.50')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Continue with 3 tickets' }));
    expect(await screen.findByText(`at /events/e1/order?items=${encodeURIComponent('early:2,regular:1')}`)).toBeInTheDocument();
    expect(api.register).not.toHaveBeenCalled();
  });

  it('stops at the per-person limit over all types', async () => {
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />);
    const more = await screen.findByRole('button', { name: 'One more Regular ticket' });
    for (let i = 0; i < 3; i++) await user.click(more);
    await user.click(screen.getByRole('button', { name: 'One more Early bird ticket' }));
    // maxPerAttendee is 4: three regular and one early bird leave nothing to add.
    expect(screen.getByRole('button', { name: 'One more Early bird ticket' })).toBeDisabled();
    expect(more).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Continue with 4 tickets' })).toBeEnabled();
  });

  it('tells a refused quantity of one item in words', async () => {
    api.register.mockRejectedValue(
      problem(400, 'validation-error', 'The order is not acceptable.', [
        { field: 'items[0].quantity', message: 'must be between 2 and 4 for Early bird' },
      ]),
    );
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />);
    await user.click(await screen.findByRole('button', { name: 'One more Early bird ticket' }));
    await user.click(screen.getByRole('button', { name: 'Reserve 1 ticket' }));
    expect(await screen.findByText('The number of tickets must be between 2 and 4 for Early bird.')).toBeInTheDocument();
  });

  it('says when a type’s sales window closed meanwhile', async () => {
    api.register.mockRejectedValue(problem(409, 'sales-closed', 'Early bird is not on sale any more.'));
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />);
    await user.click(await screen.findByRole('button', { name: 'One more Early bird ticket' }));
    await user.click(screen.getByRole('button', { name: 'Reserve 1 ticket' }));
    expect(await screen.findByText(/Early bird is not on sale any more\./)).toBeInTheDocument();
  });
});

describe('EventPage: one ticket type', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    stubEventPage(api, event);
  });

  it('starts at one ticket of the only type, names the controls plainly, and orders one ticket at once', async () => {
    api.register.mockResolvedValue({ ...hold, registrationId: 'r-one' });
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />, { '/checkout/:id': <p>checkout page</p> });
    await user.click(await screen.findByRole('button', { name: 'Reserve 1 ticket' }));
    expect(api.register).toHaveBeenCalledWith('e1', [{ ticketTypeId: 'tt-general', quantity: 1 }], expect.any(String));
    expect(await screen.findByText('checkout page')).toBeInTheDocument();
  });

  it('takes two tickets on to the form that names both holders, keeping the choice in the address', async () => {
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />, { '/events/:eventId/order': <Where /> });
    await user.click(await screen.findByRole('button', { name: 'One more ticket' }));
    expect(screen.getByRole('spinbutton', { name: 'Number of tickets' })).toHaveValue(2);
    expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€50');
    await user.click(screen.getByRole('button', { name: 'Continue with 2 tickets' }));
    expect(await screen.findByText(`at /events/e1/order?items=${encodeURIComponent('tt-general:2')}`)).toBeInTheDocument();
    expect(api.register).not.toHaveBeenCalled();
  });

  it('takes even one ticket to the form when a question is asked of its type', async () => {
    api.questions.mockResolvedValue({
      items: [
        {
          questionId: 'q1',
          eventId: 'e1',
          label: 'Diet',
          type: 'text',
          options: [],
          required: false,
          scope: 'ticket',
          ticketTypeIds: [],
          position: 0,
        },
      ],
    });
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />, { '/events/:eventId/order': <Where /> });
    await user.click(await screen.findByRole('button', { name: 'Continue with 1 ticket' }));
    expect(await screen.findByText(/^at \/events\/e1\/order/)).toBeInTheDocument();
    expect(api.register).not.toHaveBeenCalled();
  });

  it('takes a visitor without an account to the form, which offers a guest order', async () => {
    localStorage.removeItem('admit.session');
    const user = userEvent.setup();
    renderAt('/events/e1', '/events/:eventId', <EventPage />, { '/events/:eventId/order': <Where /> });
    expect(await screen.findByText('No account needed: you can order as a guest.')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Continue with 1 ticket' }));
    expect(await screen.findByText(/^at \/events\/e1\/order/)).toBeInTheDocument();
  });
});
