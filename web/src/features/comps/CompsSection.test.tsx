import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { CompsSection } from './CompsSection';

const { post } = vi.hoisted(() => ({ post: vi.fn() }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), post }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  currency: 'EUR',
  seatsLeft: 12,
  ticketTypes: [
    ticketType({ ticketTypeId: 'gen', name: 'General', position: 0 }),
    ticketType({ ticketTypeId: 'press', name: 'Press', position: 1, hidden: true }),
  ],
} as Event;

const issued = (n: number) => ({
  registrations: Array.from({ length: n }, (_, i) => ({ registrationId: `r${i}`, source: 'comp' })),
});

describe('CompsSection', () => {
  beforeEach(() => vi.clearAllMocks());

  it('issues a comp ticket of the chosen type to one person, with a message', async () => {
    post.mockResolvedValue(issued(1));
    const user = userEvent.setup();
    const { container } = renderAt('/', '/', <CompsSection event={event} />);
    await user.type(screen.getByLabelText('Recipient’s name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Recipient’s email'), 'ada@example.org');
    await user.selectOptions(screen.getByLabelText('Ticket type'), 'press');
    await user.type(screen.getByLabelText('Message'), 'See you there');
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Issue comp tickets' }));
    expect(post).toHaveBeenCalledWith('/api/events/e1/comps', {
      ticketTypeId: 'press',
      attendees: [{ name: 'Ada Lovelace', email: 'ada@example.org' }],
      message: 'See you there',
    });
    expect(await screen.findByText('1 comp ticket was issued; each recipient is emailed.')).toBeInTheDocument();
    expect(screen.getByLabelText('Recipient’s name')).toHaveValue('');
  });

  it('checks a pasted list line by line and sends nothing while a line is wrong', async () => {
    const user = userEvent.setup();
    const { container } = renderAt('/', '/', <CompsSection event={event} />);
    await user.click(screen.getByLabelText('Paste a list'));
    const box = screen.getByLabelText('Guest list');
    await user.click(box);
    await user.paste('Ada <ada@example.org>\nBob bob@example.org\nCy, cy@example');
    expect(screen.getByText(/1 recipient so far/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Issue comp tickets' }));
    const alert = screen.getByRole('alert');
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Line 2 (Bob bob@example.org): Write it as “Name <email>” or “Name, email”.',
      'Line 3 (Cy, cy@example): “cy@example” is not an email address.',
    ]);
    // The box itself is marked wrong, and says which lines.
    expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(box).toHaveAccessibleDescription(/Lines 2 and 3 need fixing\./);
    expect(post).not.toHaveBeenCalled();
    await expectAccessible(container);
  });

  it('sends a clean list whole, and says when there are not enough seats (nothing issued)', async () => {
    post.mockRejectedValueOnce(
      new ApiError(409, { type: 'urn:admit:problem:sold-out', title: 'Sold out', status: 409, detail: 'Sold out.' }),
    );
    post.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Invalid',
        status: 400,
        detail: 'Invalid.',
        errors: [{ field: 'attendees[1].email', message: 'is not deliverable' }],
      }),
    );
    const user = userEvent.setup();
    renderAt('/', '/', <CompsSection event={event} />);
    await user.click(screen.getByLabelText('Paste a list'));
    await user.click(screen.getByLabelText('Guest list'));
    await user.paste('Ada <ada@example.org>\n\nBob, bob@example.org');
    await user.click(screen.getByRole('button', { name: 'Issue comp tickets' }));
    expect(post).toHaveBeenCalledWith('/api/events/e1/comps', {
      ticketTypeId: 'gen',
      attendees: [
        { name: 'Ada', email: 'ada@example.org' },
        { name: 'Bob', email: 'bob@example.org' },
      ],
    });
    expect(await screen.findByText(/not enough seats for 2 comp tickets \(12 left.*Nothing was issued/)).toBeInTheDocument();
    // The server's word on one recipient goes back to the line it came from.
    await user.click(screen.getByRole('button', { name: 'Issue comp tickets' }));
    expect(await screen.findByRole('listitem')).toHaveTextContent('Line 3 (Bob <bob@example.org>): is not deliverable');
  });
});
