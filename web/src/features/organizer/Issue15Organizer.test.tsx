import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Event, EventAnalytics, Registration, RegistrationRow } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { AnalyticsStats } from './AnalyticsPanels';
import { RegistrationsTable } from './RegistrationsTable';

const { api } = vi.hoisted(() => ({
  api: { registration: vi.fn(), event: vi.fn(), cancelTickets: vi.fn(), resendRegistration: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: new Date(Date.now() + 10 * 86_400_000).toISOString(),
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  cancellationDeadline: null,
} as Event;

const row = (over: Partial<RegistrationRow>): RegistrationRow => ({
  registrationId: 'r1',
  userId: 'u1',
  eventId: 'e1',
  status: 'confirmed',
  quantity: 2,
  amount: 30,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  attendee: { name: 'Grace Hopper', email: 'grace@example.org' },
  checkedIn: 0,
  email: null,
  source: 'order',
  ...over,
});

const registration = {
  registrationId: 'r1',
  eventId: 'e1',
  status: 'confirmed',
  amount: 30,
  currency: 'EUR',
  refundedAmount: 0,
  source: 'order',
  items: [{ ticketTypeId: 'gen', name: 'General', quantity: 2, unitPrice: 20, discountedUnitPrice: 15, amount: 30 }],
  tickets: [
    { ticketId: 't1', holderName: 'Grace Hopper', ticketTypeId: 'gen', status: 'valid' },
    { ticketId: 't2', holderName: 'Paula Plusone', ticketTypeId: 'gen', status: 'valid' },
  ],
} as unknown as Registration;

describe('the organizer’s registrations with issue 15', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.event.mockResolvedValue(event);
  });

  it('marks comps, and shows a code’s discount and the money refunded', async () => {
    const { container } = renderAt(
      '/',
      '/',
      <RegistrationsTable
        rows={[
          row({ discount: 10, promoCode: 'EARLY', refundedAmount: 15 }),
          row({ registrationId: 'r2', source: 'comp', amount: 0, attendee: { name: 'Press', email: 'press@example.org' } }),
        ]}
        onCancel={() => {}}
      />,
    );
    const [grace, press] = screen.getAllByRole('row').slice(1);
    expect(grace).toHaveTextContent('€30−€10 with EARLY€15 refunded');
    expect(within(press!).getByText('Comp')).toBeInTheDocument();
    // A comp is cancelled, never refunded.
    expect(within(press!).getByRole('button', { name: 'Cancel the registration of Press' })).toBeInTheDocument();
    expect(within(grace!).getByRole('button', { name: 'Cancel & refund the registration of Grace Hopper' })).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('cancels one ticket of an order from its holders, stating its discounted refund', async () => {
    api.registration.mockResolvedValue(registration);
    api.cancelTickets.mockResolvedValue({ ...registration, refundedAmount: 15 });
    const user = userEvent.setup();
    renderAt('/', '/', <RegistrationsTable rows={[row({})]} onCancel={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Holders of Grace Hopper’s registration' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel ticket of Paula Plusone' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel Paula Plusone’s ticket?' });
    expect(dialog).toHaveTextContent('€15 is refunded.');
    await user.type(within(dialog).getByLabelText('Reason (optional)'), 'Asked by phone');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel & refund' }));
    await waitFor(() => expect(api.cancelTickets).toHaveBeenCalledWith('r1', ['t2'], null, 'Asked by phone'));
  });
});

describe('AnalyticsStats with issue 15', () => {
  it('counts comps among the seats and the codes’ discount beside the revenue', () => {
    render(
      <AnalyticsStats
        a={
          {
            capacity: 40,
            registeredCount: 12,
            confirmed: 12,
            pending: 0,
            cancelled: 1,
            checkedIn: 0,
            revenue: 150,
            refunded: 15,
            refundPending: 0,
            currency: 'EUR',
            discount: 40,
            comps: 2,
          } as EventAnalytics
        }
      />,
    );
    expect(screen.getByText(/12 confirmed · 0 awaiting payment · 2 comps/)).toBeInTheDocument();
    expect(screen.getByText(/€40 off with codes/)).toBeInTheDocument();
  });
});
