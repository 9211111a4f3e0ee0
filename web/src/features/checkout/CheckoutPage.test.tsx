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
  email: null,
  items: [{ ticketTypeId: 't1', name: 'General admission', quantity: 2, unitPrice: 25, discountedUnitPrice: 25, amount: 50 }],
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

const { api, stripe } = vi.hoisted(() => {
  // A stand-in for Stripe.js: records what the page asks of it. (The end-to-end walk serves a
  // test double of the real script instead.)
  const element = { on: vi.fn(), mount: vi.fn(), destroy: vi.fn() };
  const elements = { create: vi.fn(() => element), submit: vi.fn(async () => ({})) };
  const instance = { elements: vi.fn(() => elements), confirmPayment: vi.fn() };
  return {
    api: {
      registration: vi.fn(),
      event: vi.fn(),
      createPaymentIntent: vi.fn(),
      confirmSandboxPayment: vi.fn(),
      checkoutSetup: vi.fn(),
    },
    stripe: { element, elements, instance, loadStripe: vi.fn(async () => instance) },
  };
});
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('@stripe/stripe-js/pure', () => ({ loadStripe: stripe.loadStripe }));

describe('CheckoutPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.checkoutSetup.mockResolvedValue({ provider: 'sandbox', publishableKey: null });
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
    // Signed in: no order token goes with it.
    expect(api.confirmSandboxPayment).toHaveBeenCalledWith('pi_1', '4000000000009995', undefined);
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

  it('says so when the payment setup cannot be loaded, instead of guessing a provider', async () => {
    api.checkoutSetup.mockRejectedValue(new ApiError(503, null));
    renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
    // The setup is asked for twice (retry: 1) before the page gives up.
    expect(
      await screen.findByRole('heading', { name: 'The payment form could not load' }, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(screen.queryByText('4242 4242 4242 4242')).not.toBeInTheDocument();
    expect(api.createPaymentIntent).not.toHaveBeenCalled();
  });

  describe('with the stripe provider', () => {
    beforeEach(() => {
      api.checkoutSetup.mockResolvedValue({ provider: 'stripe', publishableKey: 'pk_test_123' });
      api.createPaymentIntent.mockResolvedValue({
        paymentIntentId: 'pi_1',
        clientSecret: 'pi_1_secret_abc',
        amount: 50,
        currency: 'EUR',
        provider: 'stripe',
      });
      // The Payment Element reports ready as soon as it is mounted.
      stripe.element.on.mockImplementation((name: string, fn: () => void) => {
        if (name === 'ready') setTimeout(fn, 0);
      });
    });

    it("mounts the Payment Element with the intent's client secret and no test cards", async () => {
      renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
      const pay = await screen.findByRole('button', { name: 'Pay €50' });
      await waitFor(() => expect(pay).toBeEnabled());
      expect(stripe.loadStripe).toHaveBeenCalledWith('pk_test_123');
      expect(stripe.instance.elements).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: 'pi_1_secret_abc' }));
      expect(stripe.elements.create).toHaveBeenCalledWith('payment', expect.anything());
      expect(stripe.element.mount).toHaveBeenCalled();
      expect(screen.queryByText('4242 4242 4242 4242')).not.toBeInTheDocument();
      expect(api.confirmSandboxPayment).not.toHaveBeenCalled();
    });

    it('confirms with Stripe.js and waits for the webhook to confirm the registration', async () => {
      stripe.instance.confirmPayment.mockResolvedValue({ paymentIntent: { id: 'pi_1', status: 'succeeded' } });
      api.registration
        .mockResolvedValueOnce(registration)
        .mockResolvedValue({ ...registration, status: 'confirmed', holdExpiresAt: null });
      const user = userEvent.setup();
      renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
      const pay = await screen.findByRole('button', { name: 'Pay €50' });
      await waitFor(() => expect(pay).toBeEnabled());
      await user.click(pay);
      expect(await screen.findByRole('heading', { name: 'You’re going!' })).toBeInTheDocument();
      expect(stripe.instance.confirmPayment).toHaveBeenCalledWith(
        expect.objectContaining({ elements: stripe.elements, redirect: 'if_required' }),
      );
    });

    it("shows Stripe's decline message and keeps the form", async () => {
      stripe.instance.confirmPayment.mockResolvedValue({
        error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
      });
      const user = userEvent.setup();
      renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
      const pay = await screen.findByRole('button', { name: 'Pay €50' });
      await waitFor(() => expect(pay).toBeEnabled());
      await user.click(pay);
      expect(await screen.findByText('Payment declined')).toBeInTheDocument();
      expect(screen.getByText(/Your card was declined\. No money was taken/)).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Pay €50' })).toBeEnabled();
    });

    it('says so when no publishable key is configured', async () => {
      api.checkoutSetup.mockResolvedValue({ provider: 'stripe', publishableKey: null });
      renderAt('/checkout/r1', '/checkout/:registrationId', <CheckoutPage />);
      expect(await screen.findByText(/no publishable key is configured/)).toBeInTheDocument();
      expect(stripe.loadStripe).not.toHaveBeenCalled();
    });
  });
});
