import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { TicketTypesSection } from './TicketTypesSection';

const { api } = vi.hoisted(() => ({
  api: { createTicketType: vi.fn(), updateTicketType: vi.fn(), deleteTicketType: vi.fn(), event: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const early = ticketType({ ticketTypeId: 'early', name: 'Early bird', price: 19, position: 0, capacity: 50, sold: 12 });
const regular = ticketType({ ticketTypeId: 'regular', name: 'Regular', price: 29, position: 1 });
const vip = ticketType({ ticketTypeId: 'vip', name: 'VIP', price: 80, position: 2, hidden: true });
const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  capacity: 200,
  status: 'draft',
  ticketTypes: [regular, vip, early],
} as Event;

const renderSection = () => renderAt('/', '/', <TicketTypesSection event={event} />);

describe('TicketTypesSection', () => {
  beforeEach(() => vi.clearAllMocks());

  it('lists the types by position with price, sales and hidden, and is accessible', async () => {
    const { container } = renderSection();
    const rows = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('strong')?.textContent?.trim())).toEqual(['Early bird', 'Regular', 'VIP Hidden']);
    expect(rows[0]).toHaveTextContent('12 of 50 sold');
    expect(rows[1]).toHaveTextContent('shares the event’s capacity');
    expect(screen.getByRole('button', { name: 'Move Early bird up' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move VIP down' })).toBeDisabled();
    await expectAccessible(container);
  });

  it('adds a type with its sales window taken in the event’s time zone', async () => {
    api.createTicketType.mockResolvedValue(ticketType({ ticketTypeId: 'student' }));
    const user = userEvent.setup();
    renderSection();
    await user.click(screen.getByRole('button', { name: 'Add ticket type' }));
    const form = screen.getByRole('form', { name: 'New ticket type' });
    await user.type(within(form).getByLabelText('Name'), 'Student');
    await user.clear(within(form).getByLabelText('Price (EUR)'));
    await user.type(within(form).getByLabelText('Price (EUR)'), '9.50');
    await user.type(within(form).getByLabelText('Capacity of this type'), '30');
    await user.type(within(form).getByLabelText('Sales end'), '2030-06-30T23:00');
    await user.type(within(form).getByLabelText('Maximum per order'), '2');
    await user.click(within(form).getByLabelText('Hidden'));
    await user.click(within(form).getByRole('button', { name: 'Add ticket type' }));
    await waitFor(() => expect(api.createTicketType).toHaveBeenCalled());
    expect(api.createTicketType).toHaveBeenCalledWith('e1', {
      name: 'Student',
      description: '',
      price: 9.5,
      capacity: 30,
      salesStart: null,
      salesEnd: '2030-06-30T21:00:00Z',
      minPerOrder: 1,
      maxPerOrder: 2,
      hidden: true,
    });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New ticket type' })).not.toBeInTheDocument());
  });

  it('shows each problem beside its field and sends nothing', async () => {
    const user = userEvent.setup();
    renderSection();
    await user.click(screen.getByRole('button', { name: 'Add ticket type' }));
    const form = screen.getByRole('form', { name: 'New ticket type' });
    await user.type(within(form).getByLabelText('Sales start'), '2030-07-01T10:00');
    await user.type(within(form).getByLabelText('Sales end'), '2030-07-01T09:00');
    await user.clear(within(form).getByLabelText('Minimum per order'));
    await user.type(within(form).getByLabelText('Minimum per order'), '3');
    await user.type(within(form).getByLabelText('Maximum per order'), '2');
    await user.click(within(form).getByRole('button', { name: 'Add ticket type' }));
    expect(within(form).getByLabelText('Name')).toHaveAccessibleDescription('Give the ticket type a name.');
    expect(within(form).getByLabelText('Sales end')).toHaveAccessibleDescription(/Choose a time after sales start\./);
    expect(within(form).getByLabelText('Maximum per order')).toHaveAccessibleDescription(
      /Cannot be less than the minimum per order\./,
    );
    expect(api.createTicketType).not.toHaveBeenCalled();
  });

  it('sends only what changed when a type is edited, and the server’s field errors beside the fields', async () => {
    api.updateTicketType.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'The ticket type is not acceptable.',
        errors: [{ field: 'price', message: 'must have at most 2 decimals' }],
      }),
    );
    api.updateTicketType.mockResolvedValue(regular);
    const user = userEvent.setup();
    renderSection();
    await user.click(screen.getByRole('button', { name: 'Edit Regular' }));
    const form = screen.getByRole('form', { name: 'Change “Regular”' });
    await user.clear(within(form).getByLabelText('Price (EUR)'));
    await user.type(within(form).getByLabelText('Price (EUR)'), '31');
    await user.click(within(form).getByRole('button', { name: 'Save ticket type' }));
    expect(api.updateTicketType).toHaveBeenCalledWith('e1', 'regular', { price: 31 });
    expect(await within(form).findByText('The price must have at most 2 decimals.')).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Save ticket type' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Change “Regular”' })).not.toBeInTheDocument());
  });

  it('moves a type by rewriting the positions that change', async () => {
    api.updateTicketType.mockResolvedValue(regular);
    const user = userEvent.setup();
    renderSection();
    await user.click(screen.getByRole('button', { name: 'Move VIP up' }));
    await waitFor(() => expect(api.updateTicketType).toHaveBeenCalledTimes(2));
    expect(api.updateTicketType).toHaveBeenCalledWith('e1', 'vip', { position: 1 });
    expect(api.updateTicketType).toHaveBeenCalledWith('e1', 'regular', { position: 2 });
  });

  it('offers no delete for an event’s only type', () => {
    renderAt('/', '/', <TicketTypesSection event={{ ...event, ticketTypes: [regular] }} />);
    expect(screen.getByRole('button', { name: 'Delete Regular' })).toBeDisabled();
  });

  it('says why a type with sales cannot be deleted', async () => {
    api.deleteTicketType.mockRejectedValue(
      new ApiError(409, {
        type: 'urn:admit:problem:conflict',
        title: 'Conflict',
        status: 409,
        detail: 'A ticket type with sales cannot be deleted.',
      }),
    );
    const user = userEvent.setup();
    renderSection();
    await user.click(screen.getByRole('button', { name: 'Delete Early bird' }));
    await user.click(screen.getByRole('button', { name: 'Delete the type' }));
    expect(
      await screen.findByText(/“Early bird” has been ordered, so it cannot be deleted\. Hide it instead/),
    ).toBeInTheDocument();
    expect(api.deleteTicketType).toHaveBeenCalledWith('e1', 'early');
  });
});
