import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import type { RegistrationRow } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { RegistrationsTable } from './RegistrationsTable';

const { api } = vi.hoisted(() => ({ api: { resendRegistration: vi.fn(), registration: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const row = (id: string, name: string, over: Partial<RegistrationRow> = {}): RegistrationRow => ({
  registrationId: id,
  userId: `u-${id}`,
  eventId: 'e1',
  status: 'confirmed',
  quantity: 1,
  amount: 25,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  attendee: { name, email: `${id}@example.org` },
  checkedIn: 0,
  email: { status: 'sent', attempts: 1, sentAt: '2026-11-25T10:00:04Z' },
  ...over,
});

const rows = [
  row('r1', 'Grace Hopper'),
  row('r2', 'Alan Turing', { email: { status: 'queued', attempts: 0 } }),
  row('r3', 'Ada Lovelace', { email: { status: 'retrying', attempts: 2, lastError: '451 4.7.1 Try again later' } }),
  row('r4', 'Charles Babbage', {
    email: { status: 'failed', attempts: 1, lastError: '550 5.1.1 <r4@example.org>: Recipient address rejected' },
  }),
  row('r5', 'Katherine Johnson', { status: 'pending_payment', paymentId: null, email: null }),
];

const cell = (name: string) => {
  const tr = screen.getByRole('cell', { name: new RegExp(name) }).closest('tr')!;
  return within(tr).getAllByRole('cell')[6]!;
};

function show() {
  return renderAt('/', '/', <RegistrationsTable rows={rows} onCancel={() => {}} />);
}

describe('RegistrationsTable email delivery', () => {
  beforeEach(() => vi.clearAllMocks());

  it('shows where each confirmation email stands, with the mail server’s reason when it did not go out', async () => {
    const { container } = show();
    expect(screen.getByRole('columnheader', { name: 'Email' })).toBeInTheDocument();
    expect(within(cell('Grace Hopper')).getByText('Sent')).toHaveClass('badge-ok');
    expect(within(cell('Alan Turing')).getByText('Queued')).toHaveClass('badge');
    expect(within(cell('Ada Lovelace')).getByText('Retrying')).toHaveClass('badge-warn');
    expect(cell('Ada Lovelace')).toHaveTextContent('451 4.7.1 Try again later');
    expect(within(cell('Charles Babbage')).getByText('Failed')).toHaveClass('badge-bad');
    expect(cell('Charles Babbage')).toHaveTextContent('550 5.1.1 <r4@example.org>: Recipient address rejected');
    expect(cell('Katherine Johnson')).toHaveTextContent('—');
    await expectAccessible(container);
  });

  it('offers “Resend tickets” for confirmed registrations only', () => {
    show();
    for (const name of ['Grace Hopper', 'Alan Turing', 'Ada Lovelace', 'Charles Babbage']) {
      expect(screen.getByRole('button', { name: `Resend tickets to ${name}` })).toBeInTheDocument();
    }
    expect(screen.queryByRole('button', { name: 'Resend tickets to Katherine Johnson' })).not.toBeInTheDocument();
  });

  it('resends, is disabled while the request is out, then says Queued and reloads the list', async () => {
    let accept!: () => void;
    api.resendRegistration.mockReturnValue(new Promise<void>((resolve) => (accept = resolve)));
    const user = userEvent.setup();
    const { container, queryClient } = show();
    queryClient.setQueryData(queryKeys.organizer.registrationSearch('e1', ''), { pages: [], pageParams: [] });
    const button = screen.getByRole('button', { name: 'Resend tickets to Charles Babbage' });
    await user.click(button);
    expect(api.resendRegistration).toHaveBeenCalledWith('r4');
    expect(button).toBeDisabled();
    accept();
    expect(await within(cell('Charles Babbage')).findByText('Queued', { selector: '[role=status]' })).toBeInTheDocument();
    expect(button).toBeEnabled();
    expect(queryClient.getQueryState(queryKeys.organizer.registrationSearch('e1', ''))?.isInvalidated).toBe(true);
    expect(within(cell('Grace Hopper')).getByRole('status')).toBeEmptyDOMElement();
    await expectAccessible(container);
  });

  it('says when a resend is refused: too soon, or nothing to send any more', async () => {
    const user = userEvent.setup();
    show();
    api.resendRegistration.mockRejectedValueOnce(
      new ApiError(429, { type: 'urn:admit:problem:rate-limited', title: 'Too Many Requests', status: 429, detail: 'Wait.' }),
    );
    await user.click(screen.getByRole('button', { name: 'Resend tickets to Grace Hopper' }));
    expect(await within(cell('Grace Hopper')).findByText('Sent a moment ago. Please try again later.')).toBeInTheDocument();

    api.resendRegistration.mockRejectedValueOnce(
      new ApiError(409, { type: 'urn:admit:problem:conflict', title: 'Conflict', status: 409, detail: 'No tickets.' }),
    );
    await user.click(screen.getByRole('button', { name: 'Resend tickets to Alan Turing' }));
    expect(
      await within(cell('Alan Turing')).findByText('This registration has no tickets to send any more.'),
    ).toBeInTheDocument();
  });
});

describe('RegistrationsTable holders and answers', () => {
  const questions = [
    {
      questionId: 'co',
      eventId: 'e1',
      label: 'Company',
      type: 'text' as const,
      options: [],
      required: false,
      scope: 'order' as const,
      ticketTypeIds: [],
      position: 0,
    },
    {
      questionId: 'diet',
      eventId: 'e1',
      label: 'Diet',
      type: 'select' as const,
      options: ['None', 'Vegan'],
      required: true,
      scope: 'ticket' as const,
      ticketTypeIds: [],
      position: 1,
    },
  ];

  it('shows the order’s answers, and on demand each ticket’s holder (not the buyer) with their answers', async () => {
    api.registration.mockResolvedValue({
      ...row('r1', 'Grace Hopper', { quantity: 2 }),
      answers: { co: 'ACME' },
      items: [{ ticketTypeId: 'vip', name: 'VIP', quantity: 2, unitPrice: 25, discountedUnitPrice: 25, amount: 50 }],
      tickets: [
        {
          ticketId: 't1',
          holderName: 'Ada Lovelace',
          holderEmail: 'ada@example.org',
          ticketTypeId: 'vip',
          status: 'valid',
          answers: { diet: 'Vegan' },
        },
        { ticketId: 't2', holderName: 'Bob Noyce', ticketTypeId: 'vip', status: 'used', answers: { diet: 'None' } },
      ],
    });
    const user = userEvent.setup();
    const { container } = renderAt(
      '/',
      '/',
      <RegistrationsTable
        rows={[row('r1', 'Grace Hopper', { quantity: 2, answers: { co: 'ACME' } })]}
        questions={questions}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByText('Company')).toBeInTheDocument();
    expect(screen.getByText('ACME')).toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Holders of Grace Hopper’s registration' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    const holders = await screen.findByRole('list', { name: 'Tickets of Grace Hopper’s registration' });
    const items = within(holders).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Ada Lovelace');
    expect(items[0]).toHaveTextContent('ada@example.org');
    expect(items[0]).toHaveTextContent('DietVegan');
    expect(items[1]).toHaveTextContent('Bob Noyce');
    expect(items[1]).toHaveTextContent('Checked in');
    expect(api.registration).toHaveBeenCalledWith('r1', undefined);
    expect(screen.getByRole('button', { name: 'Hide holders of Grace Hopper’s registration' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    await expectAccessible(container);
  });
});
