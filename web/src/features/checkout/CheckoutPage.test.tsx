import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, Registration } from '../../api/types';
import { renderAt } from '../../test/render';
import CheckoutPage from './CheckoutPage';

const registration: Registration = {
  registrationId: 'r1',
  userId: 'u1',
  eventId: 'e1',
  status: 'pending_payment',
  quantity: 2,
  amount: 50,
  currency: 'EUR',
  paymentId: null,
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: new Date(Date.now() + 600_000).toISOString(),
  tickets: [],
};
const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2027-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  price: 25,
  currency: 'EUR',
} as Event;

const { api } = vi.hoisted(() => ({
  api: { registration: vi.fn(), event: vi.fn(), createPaymentIntent: vi.fn(), confirmSandboxPayment: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

describe('CheckoutPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.registration.mockResolvedValue(registration);
    api.event.mockResolvedValue(event);
    api.createPaymentIntent.mockResolvedValue({
      paymentIntentId: 'pi_1',
      clientSecret: 's',
      amount: 50,
      currency: 'EUR',
      provider: 'sandbox',
    });
  });

  it('states the test cards and shows a clear message when a card is declined', async () => {
    api.confirmSandboxPayment.mockResolvedValue({
      status: 'requires_payment_method',
      lastPaymentError: { declineCode: 'insufficient_funds' },
    });
    const user = userEvent.setup();
    renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);

    await screen.findByText('4242 4242 4242 4242');
    expect(screen.getByText('4000 0000 0000 0002')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Use this card' })[2]!);
    await user.click(screen.getByRole('button', { name: 'Pay €50' }));

    expect(await screen.findByText('Payment declined')).toBeInTheDocument();
    expect(screen.getByText(/Your card has insufficient funds\. No money was taken/)).toBeInTheDocument();
    expect(api.confirmSandboxPayment).toHaveBeenCalledWith('pi_1', '4000000000009995');
  });

  it('waits for the registration to be confirmed after a successful payment', async () => {
    api.confirmSandboxPayment.mockResolvedValue({ status: 'succeeded' });
    api.registration
      .mockResolvedValueOnce(registration)
      .mockResolvedValue({ ...registration, status: 'confirmed', holdExpiresAt: null });
    const user = userEvent.setup();
    renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Use this card' })).toHaveLength(3));
    await user.click(screen.getAllByRole('button', { name: 'Use this card' })[0]!);
    await user.click(screen.getByRole('button', { name: 'Pay €50' }));
    expect(await screen.findByRole('heading', { name: 'You’re going!' })).toBeInTheDocument();
  });

  it('says so when the server has no payments yet', async () => {
    api.createPaymentIntent.mockRejectedValue(
      new ApiError(404, {
        type: 'urn:admit:problem:not-found',
        title: 'Not found',
        status: 404,
        detail: 'No resource lives at this path.',
      }),
    );
    const user = userEvent.setup();
    renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Use this card' })).toHaveLength(3));
    await user.click(screen.getAllByRole('button', { name: 'Use this card' })[0]!);
    await user.click(screen.getByRole('button', { name: 'Pay €50' }));
    expect(await screen.findByText(/Online payment is not available on this server yet/)).toBeInTheDocument();
  });
});
