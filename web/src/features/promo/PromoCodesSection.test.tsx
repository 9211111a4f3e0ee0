import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { PromoCodesSection } from './PromoCodesSection';
import type { PromoCode } from './types';

const { promoRequests } = vi.hoisted(() => ({
  promoRequests: { list: vi.fn(), create: vi.fn(), update: vi.fn(), remove: vi.fn(), eventWithCode: vi.fn() },
}));
vi.mock('./requests', () => ({ promoRequests }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  ticketTypes: [
    ticketType({ ticketTypeId: 'early', name: 'Early bird', position: 0 }),
    ticketType({ ticketTypeId: 'vip', name: 'VIP', position: 1, hidden: true }),
  ],
} as Event;

const code = (over: Partial<PromoCode> = {}): PromoCode => ({
  promoCodeId: 'p1',
  eventId: 'e1',
  code: 'EARLY',
  discountPercent: 20,
  discountAmount: null,
  ticketTypeIds: ['early'],
  unlocksTicketTypeIds: [],
  maxUses: 100,
  maxUsesPerBuyer: null,
  validFrom: null,
  validUntil: '2030-06-30T21:00:00Z',
  uses: 37,
  createdAt: '2030-05-01T08:00:00Z',
  ...over,
});

describe('PromoCodesSection', () => {
  beforeEach(() => vi.clearAllMocks());

  it('lists each code with what it does, its uses and window, and is accessible', async () => {
    promoRequests.list.mockResolvedValue({
      items: [
        code(),
        code({
          promoCodeId: 'p2',
          code: 'CREW',
          discountPercent: null,
          ticketTypeIds: [],
          unlocksTicketTypeIds: ['vip'],
          maxUses: null,
          uses: 2,
          validUntil: null,
        }),
      ],
      nextCursor: null,
    });
    const { container } = renderAt('/', '/', <PromoCodesSection event={event} />);
    const rows = within(await screen.findByRole('list', { name: 'Codes' })).getAllByRole('listitem');
    expect(rows[0]).toHaveTextContent('20% off Early bird');
    expect(rows[0]).toHaveTextContent('37 of 100 used');
    expect(rows[0]).toHaveTextContent(/until .*Jun 30, 2030/);
    expect(rows[1]).toHaveTextContent('unlocks VIP');
    expect(rows[1]).toHaveTextContent('2 used');
    await expectAccessible(container);
  });

  it('adds an amount-off code limited in uses, and shows the server’s field errors beside the fields', async () => {
    promoRequests.list.mockResolvedValue({ items: [], nextCursor: null });
    promoRequests.create
      .mockRejectedValueOnce(
        new ApiError(400, {
          type: 'urn:admit:problem:validation-error',
          title: 'Invalid',
          status: 400,
          detail: 'Invalid.',
          errors: [{ field: 'code', message: 'is taken by another code of this event' }],
        }),
      )
      .mockResolvedValue(code());
    const user = userEvent.setup();
    const { container } = renderAt('/', '/', <PromoCodesSection event={event} />);
    await user.click(await screen.findByRole('button', { name: 'Add code' }));
    const form = screen.getByRole('form', { name: 'New promo code' });
    await user.type(within(form).getByLabelText('Code'), 'FRIENDS');
    await user.click(within(form).getByLabelText('Amount off each ticket'));
    await user.type(within(form).getByLabelText('Amount off (EUR)'), '5');
    await user.click(within(within(form).getByRole('group', { name: 'Unlocks hidden types' })).getByLabelText('VIP'));
    await user.type(within(form).getByLabelText('Uses in all'), '50');
    await user.type(within(form).getByLabelText('Uses per buyer'), '1');
    await user.click(within(form).getByRole('button', { name: 'Add code' }));
    expect(await within(form).findByText('Is taken by another code of this event.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Code')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(container);
    await user.click(within(form).getByRole('button', { name: 'Add code' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New promo code' })).not.toBeInTheDocument());
    expect(promoRequests.create).toHaveBeenLastCalledWith('e1', {
      code: 'FRIENDS',
      discountAmount: 5,
      ticketTypeIds: [],
      unlocksTicketTypeIds: ['vip'],
      maxUses: 50,
      maxUsesPerBuyer: 1,
    });
  });

  it('checks a change against the uses so far before sending it', async () => {
    promoRequests.list.mockResolvedValue({ items: [code()], nextCursor: null });
    const user = userEvent.setup();
    renderAt('/', '/', <PromoCodesSection event={event} />);
    await user.click(await screen.findByRole('button', { name: 'Edit code EARLY' }));
    const form = screen.getByRole('form', { name: 'Change code EARLY' });
    await user.clear(within(form).getByLabelText('Uses in all'));
    await user.type(within(form).getByLabelText('Uses in all'), '30');
    await user.click(within(form).getByRole('button', { name: 'Save code' }));
    expect(within(form).getByText('Cannot be less than the 37 uses so far.')).toBeInTheDocument();
    expect(promoRequests.update).not.toHaveBeenCalled();
  });

  it('says a used code stays for the books when deleting it is refused', async () => {
    promoRequests.list.mockResolvedValue({ items: [code()], nextCursor: null });
    promoRequests.remove.mockRejectedValue(
      new ApiError(409, { type: 'urn:admit:problem:promo-code-used', title: 'Used', status: 409, detail: 'Used.' }),
    );
    const user = userEvent.setup();
    renderAt('/', '/', <PromoCodesSection event={event} />);
    await user.click(await screen.findByRole('button', { name: 'Delete code EARLY' }));
    await user.click(screen.getByRole('button', { name: 'Delete the code' }));
    expect(await screen.findByText(/EARLY was used, so it stays for the books/)).toBeInTheDocument();
    expect(promoRequests.remove).toHaveBeenCalledWith('e1', 'p1');
  });
});
