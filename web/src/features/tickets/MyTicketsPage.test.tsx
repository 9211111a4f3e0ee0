import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, Registration, Ticket } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import MyTicketsPage from './MyTicketsPage';

const day = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * day).toISOString().replace(/\.\d{3}Z$/, 'Z');

const event = (over: Partial<Event> = {}) =>
  ({
    eventId: 'e1',
    name: 'Rooftop Jazz',
    description: '',
    date: inDays(10),
    timezone: 'Europe/Berlin',
    location: 'Roof',
    capacity: 40,
    registeredCount: 2,
    seatsLeft: 38,
    maxPerAttendee: 4,
    organizerId: 'o1',
    price: 25,
    currency: 'EUR',
    status: 'published',
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:00:00Z',
    cancellationDeadline: null,
    holdSeconds: null,
    ...over,
  }) as Event;

const ticket = (id: string, status: Ticket['status']) =>
  ({
    ticketId: id,
    registrationId: 'r1',
    eventId: 'e1',
    holderName: 'Arthur',
    qrCode: `code-${id}`,
    status,
    validatedAt: status === 'used' ? inDays(-0.01) : null,
  }) as Ticket;

const registration = (over: Partial<Registration> = {}): Registration => ({
  registrationId: 'r1',
  userId: 'u1',
  eventId: 'e1',
  status: 'confirmed',
  quantity: 2,
  amount: 50,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  tickets: [ticket('t1', 'valid'), ticket('t2', 'valid')],
  email: { status: 'sent', attempts: 1, sentAt: '2026-11-25T10:00:05Z' },
  items: [{ ticketTypeId: 'tt1', name: 'General admission', quantity: 2, unitPrice: 25, discountedUnitPrice: 25, amount: 50 }],
  ...over,
});

const { api } = vi.hoisted(() => ({
  api: {
    myRegistrations: vi.fn(),
    event: vi.fn(),
    cancelRegistration: vi.fn(),
    ticketDownload: vi.fn(),
    resendRegistration: vi.fn(),
  },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function show(reg: Registration, ev: Event) {
  api.myRegistrations.mockResolvedValue({ items: [reg], nextCursor: null });
  api.event.mockResolvedValue(ev);
  return renderAt('/tickets', '/tickets', <MyTicketsPage />);
}

const card = () => screen.findByRole('article', { name: 'Rooftop Jazz' });

describe('MyTicketsPage cancellation policy', () => {
  beforeEach(() => vi.clearAllMocks());

  it('says until when a registration can be cancelled, in the event’s time zone', async () => {
    show(registration(), event({ cancellationDeadline: '2030-05-01T08:00:00Z' }));
    const c = await card();
    expect(await within(c).findByText(/Cancellable until .*May 1, 2030, 10:00\s?AM GMT\+2/)).toBeInTheDocument();
    expect(within(c).getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
  });

  it('offers no cancel once a ticket was used, and says why', async () => {
    show(registration({ tickets: [ticket('t1', 'used'), ticket('t2', 'valid')] }), event());
    const c = await card();
    expect(await within(c).findByText('Cancellation closed — contact the organizer')).toBeInTheDocument();
    expect(within(c).getByText(/a ticket of this registration was used at the door/)).toBeInTheDocument();
    expect(within(c).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
  });

  it('offers no cancel after the deadline', async () => {
    show(registration(), event({ cancellationDeadline: inDays(-1) }));
    const c = await card();
    expect(await within(c).findByText('Cancellation closed — contact the organizer')).toBeInTheDocument();
    expect(within(c).getByText(/the deadline was/)).toBeInTheDocument();
    expect(within(c).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
  });

  it('always lets an unpaid hold be cancelled', async () => {
    show(
      registration({ status: 'pending_payment', paymentId: null, holdExpiresAt: inDays(0.01), tickets: [] }),
      event({ cancellationDeadline: inDays(-1) }),
    );
    const c = await card();
    expect(await within(c).findByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    expect(within(c).queryByText('Cancellation closed — contact the organizer')).not.toBeInTheDocument();
  });

  it('shows the server’s cancellation-closed refusal as such, told apart by its type', async () => {
    api.cancelRegistration.mockRejectedValue(
      new ApiError(409, {
        type: 'urn:admit:problem:cancellation-closed',
        title: 'Cancellation is closed',
        status: 409,
        detail: 'A ticket of this registration was already used at the door; it can no longer be cancelled.',
      }),
    );
    const user = userEvent.setup();
    show(registration(), event());
    const c = await card();
    await user.click(await within(c).findByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Cancellation closed — contact the organizer');
    expect(alert).toHaveTextContent('already used at the door');
    expect(api.cancelRegistration).toHaveBeenCalledWith('r1');
  });

  it('does not call another 409 a closed cancellation', async () => {
    api.cancelRegistration.mockRejectedValue(
      new ApiError(409, {
        type: 'urn:admit:problem:conflict',
        title: 'Conflict',
        status: 409,
        detail: 'This registration is no longer active.',
      }),
    );
    const user = userEvent.setup();
    show(registration(), event());
    const c = await card();
    await user.click(await within(c).findByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This registration is no longer active.');
    expect(alert).not.toHaveTextContent('Cancellation closed');
  });
});

describe('MyTicketsPage “Email me my tickets”', () => {
  beforeEach(() => vi.clearAllMocks());

  const button = (c: HTMLElement) => within(c).findByRole('button', { name: 'Email me my tickets for Rooftop Jazz' });

  it('sends a confirmed registration’s tickets to the holder’s address again', async () => {
    api.resendRegistration.mockResolvedValue(undefined);
    const user = userEvent.setup();
    const { container } = show(registration(), event());
    const c = await card();
    await user.click(await button(c));
    expect(await within(c).findByText('Sent to your address')).toBeInTheDocument();
    expect(api.resendRegistration).toHaveBeenCalledWith('r1');
    // The list reloads, so the card shows the registration as it now is.
    await vi.waitFor(() => expect(api.myRegistrations).toHaveBeenCalledTimes(2));
    await expectAccessible(container);
  });

  it('is offered for confirmed registrations only', async () => {
    show(registration({ status: 'pending_payment', paymentId: null, holdExpiresAt: inDays(0.01), tickets: [] }), event());
    const c = await card();
    await within(c).findByRole('button', { name: 'Cancel' });
    expect(within(c).queryByRole('button', { name: /Email me my tickets/ })).not.toBeInTheDocument();
  });

  it('asks to try later when rate-limited', async () => {
    api.resendRegistration.mockRejectedValue(
      new ApiError(429, { type: 'urn:admit:problem:rate-limited', title: 'Too Many Requests', status: 429, detail: 'Wait.' }),
    );
    const user = userEvent.setup();
    show(registration(), event());
    const c = await card();
    await user.click(await button(c));
    expect(await within(c).findByText('Sent a moment ago. Please try again later.')).toBeInTheDocument();
    expect(within(c).queryByText('Sent to your address')).not.toBeInTheDocument();
  });
});
