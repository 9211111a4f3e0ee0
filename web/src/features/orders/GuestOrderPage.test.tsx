import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, Registration } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import GuestOrderPage from './GuestOrderPage';

const { api } = vi.hoisted(() => ({
  api: {
    registration: vi.fn(),
    event: vi.fn(),
    questions: vi.fn(),
    checkoutSetup: vi.fn(),
    createPaymentIntent: vi.fn(),
    confirmSandboxPayment: vi.fn(),
    cancelRegistration: vi.fn(),
    resendRegistration: vi.fn(),
    ticketDownload: vi.fn(),
    eraseMyGuestData: vi.fn(),
  },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  price: 25,
  currency: 'EUR',
  status: 'published',
  cancellationDeadline: null,
} as Event;

const ticket = (id: string, holderName: string, ticketTypeId: string) => ({
  ticketId: id,
  registrationId: 'r1',
  eventId: 'e1',
  userId: 'g1',
  holderName,
  ticketTypeId,
  qrCode: 'A'.padEnd(189, 'B'),
  status: 'valid' as const,
  generatedAt: '2026-11-25T10:00:00Z',
  validatedAt: null,
});

const confirmed: Registration = {
  registrationId: 'r1',
  userId: 'g1',
  eventId: 'e1',
  status: 'confirmed',
  quantity: 2,
  amount: 75,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  email: null,
  items: [
    { ticketTypeId: 'vip', name: 'VIP', quantity: 1, unitPrice: 50, discountedUnitPrice: 50, amount: 50 },
    { ticketTypeId: 'reg', name: 'Regular', quantity: 1, unitPrice: 25, discountedUnitPrice: 25, amount: 25 },
  ],
  tickets: [{ ...ticket('t1', 'Ada Lovelace', 'vip'), answers: { diet: 'Vegan' } }, ticket('t2', 'Bob Guest', 'reg')],
  answers: {},
  guest: true,
  buyer: { name: 'Gwen Guest', email: 'gwen@example.org' },
};
const pending: Registration = {
  ...confirmed,
  status: 'pending_payment',
  paymentId: null,
  tickets: [],
  holdExpiresAt: new Date(Date.now() + 600_000).toISOString(),
};

function Where() {
  const l = useLocation();
  return <p>address {`${l.pathname}${l.search}${l.hash}`}</p>;
}

const open = (path: string) =>
  renderAt(
    path,
    '/orders/:registrationId',
    <>
      <GuestOrderPage />
      <Where />
    </>,
  );

describe('GuestOrderPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    sessionStorage.clear();
    localStorage.clear();
    api.event.mockResolvedValue(event);
    api.questions.mockResolvedValue({
      items: [
        {
          questionId: 'diet',
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
    api.checkoutSetup.mockResolvedValue({ provider: 'sandbox', publishableKey: null });
  });

  it('reads the token from the fragment, keeps it for the tab, takes it out of the address and shows the holders', async () => {
    api.registration.mockResolvedValue(confirmed);
    const { container } = open('/orders/r1#token=tok-1');
    expect(await screen.findByRole('heading', { name: 'Your order' })).toBeInTheDocument();
    expect(api.registration).toHaveBeenCalledWith('r1', 'tok-1');
    expect(sessionStorage.getItem('admit.orderToken.r1')).toBe('tok-1');
    await waitFor(() => expect(screen.getByText(/^address /)).toHaveTextContent('address /orders/r1'));
    const tickets = within(screen.getByRole('list', { name: 'Tickets' })).getAllByRole('listitem');
    expect(tickets[0]).toHaveTextContent('Ada Lovelace');
    expect(tickets[0]).toHaveTextContent('VIP');
    expect(await within(tickets[0]!).findByText('Vegan')).toBeInTheDocument();
    expect(tickets[1]).toHaveTextContent('Bob Guest');
    expect(screen.getByText('Ordered by Gwen Guest (gwen@example.org)')).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('deletes the guest’s data after a confirmation, then forgets the link', async () => {
    sessionStorage.setItem('admit.orderToken.r1', 'tok-kept');
    api.registration.mockResolvedValue(confirmed);
    api.eraseMyGuestData.mockResolvedValue({
      guestId: 'g1',
      erasedAt: '2026-12-07T10:00:00Z',
      cancelledRegistrations: ['r1'],
      refundedRegistrations: ['r1'],
    });
    const user = userEvent.setup();
    open('/orders/r1');
    await user.click(await screen.findByRole('button', { name: 'Delete my data' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete your data for good?' });
    expect(api.eraseMyGuestData).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Delete my data and cancel my orders' }));
    expect(api.eraseMyGuestData).toHaveBeenCalledWith('tok-kept');
    expect(await screen.findByRole('heading', { name: 'Your data was deleted' })).toBeInTheDocument();
    expect(sessionStorage.getItem('admit.orderToken.r1')).toBeNull();
  });

  it('says to delete the account when an account holds the orders (409)', async () => {
    sessionStorage.setItem('admit.orderToken.r1', 'tok-kept');
    api.registration.mockResolvedValue(confirmed);
    api.eraseMyGuestData.mockRejectedValue(
      new ApiError(409, { type: 'urn:admit:problem:conflict', title: 'Conflict', status: 409, detail: 'x' } as never),
    );
    const user = userEvent.setup();
    open('/orders/r1');
    await user.click(await screen.findByRole('button', { name: 'Delete my data' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete your data for good?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete my data and cancel my orders' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/delete your account instead/);
    expect(sessionStorage.getItem('admit.orderToken.r1')).toBe('tok-kept');
  });

  it('works after a reload from the token kept for this order, and downloads a PDF with it', async () => {
    sessionStorage.setItem('admit.orderToken.r1', 'tok-kept');
    api.registration.mockResolvedValue(confirmed);
    api.ticketDownload.mockRejectedValue(new ApiError(0, null, 'Cannot reach the server.'));
    const user = userEvent.setup();
    open('/orders/r1');
    const pdf = await screen.findAllByRole('button', { name: 'PDF ticket' });
    vi.spyOn(window, 'open').mockReturnValue(null);
    await user.click(pdf[1]!);
    expect(api.ticketDownload).toHaveBeenCalledWith('t2', 'tok-kept');
  });

  it('asks for the email’s link when there is no token, and says when the token no longer works', async () => {
    const first = open('/orders/r1');
    expect(await screen.findByRole('heading', { name: 'Open your order from its email' })).toBeInTheDocument();
    expect(api.registration).not.toHaveBeenCalled();
    first.unmount();

    api.registration.mockRejectedValue(
      new ApiError(401, {
        type: 'urn:admit:problem:unauthenticated',
        title: 'x',
        status: 401,
        detail: 'The token is not valid.',
      }),
    );
    open('/orders/r1#token=old');
    expect(await screen.findByText(/This link no longer opens the order/)).toBeInTheDocument();
    await waitFor(() => expect(sessionStorage.getItem('admit.orderToken.r1')).toBeNull());
  });

  it('pays a held order with the token, through the same card form as checkout', async () => {
    api.registration.mockResolvedValue(pending);
    api.createPaymentIntent.mockResolvedValue({
      paymentIntentId: 'pi_1',
      clientSecret: 's',
      amount: 75,
      currency: 'EUR',
      provider: 'sandbox',
    });
    api.confirmSandboxPayment.mockResolvedValue({ status: 'succeeded' });
    const user = userEvent.setup();
    open('/orders/r1#token=tok-2');
    await user.click((await screen.findAllByRole('button', { name: 'Use this card' }))[0]!);
    await user.click(screen.getByRole('button', { name: 'Pay €75' }));
    await waitFor(() => expect(api.confirmSandboxPayment).toHaveBeenCalledWith('pi_1', '4242424242424242', 'tok-2'));
    expect(api.createPaymentIntent).toHaveBeenCalledWith('r1', expect.any(String), 'tok-2');
  });

  it('lets the held seats go with the token', async () => {
    api.registration.mockResolvedValue(pending);
    api.cancelRegistration.mockResolvedValue({ ...pending, status: 'cancelled', holdExpiresAt: null });
    const user = userEvent.setup();
    const { container } = open('/orders/r1#token=tok-5');
    await user.click(await screen.findByRole('button', { name: 'Cancel this order' }));
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    await waitFor(() => expect(api.cancelRegistration).toHaveBeenCalledWith('r1', undefined, 'tok-5'));
    expect(await screen.findByText('Cancelled')).toBeInTheDocument();
  });

  it('cancels with the token', async () => {
    api.registration.mockResolvedValue(confirmed);
    api.cancelRegistration.mockResolvedValue({ ...confirmed, status: 'refunded' });
    const user = userEvent.setup();
    open('/orders/r1#token=tok-3');
    await user.click(await screen.findByRole('button', { name: 'Cancel order' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel' }));
    await waitFor(() => expect(api.cancelRegistration).toHaveBeenCalledWith('r1', undefined, 'tok-3'));
    expect(await screen.findByText('Refunded')).toBeInTheDocument();
  });

  it('sends the tickets again and then says the old links stopped working', async () => {
    api.registration.mockResolvedValue(confirmed);
    api.resendRegistration.mockResolvedValue(undefined);
    const user = userEvent.setup();
    open('/orders/r1#token=tok-4');
    await user.click(await screen.findByRole('button', { name: 'Email me my tickets' }));
    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeInTheDocument();
    expect(api.resendRegistration).toHaveBeenCalledWith('r1', 'tok-4');
    expect(sessionStorage.getItem('admit.orderToken.r1')).toBeNull();
  });
});
