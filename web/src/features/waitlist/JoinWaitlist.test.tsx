import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { expectAccessible } from '../../test/axe';
import { signIn } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import EventPage from '../events/EventPage';
import { entry, soldOutEvent } from './fixtures';

const { api, waitlistRequests } = vi.hoisted(() => ({
  api: { event: vi.fn(), myRegistrations: vi.fn(), register: vi.fn(), questions: vi.fn() },
  waitlistRequests: { join: vi.fn(), mine: vi.fn(), remove: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('./requests', () => ({ waitlistRequests }));

const page = () => renderAt('/events/e1', '/events/:eventId', <EventPage />);

describe('Join the waiting list', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.event.mockResolvedValue(soldOutEvent);
    api.myRegistrations.mockResolvedValue({ items: [], nextCursor: null });
    api.questions.mockResolvedValue({ items: [] });
    waitlistRequests.mine.mockResolvedValue({ items: [] });
  });

  it('lets a signed-in person join a sold-out event for any type, and says their place', async () => {
    signIn();
    waitlistRequests.join.mockResolvedValue(entry({ position: 3 }));
    const user = userEvent.setup();
    const { container } = page();
    expect(await screen.findByText('Sold out.')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Join the waiting list' }));
    const form = screen.getByRole('form', { name: 'Join the waiting list' });
    expect(within(form).getByLabelText('Ticket type')).toHaveValue('');
    expect(within(form).queryByLabelText('Your email')).not.toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Tickets wanted'));
    await user.type(within(form).getByLabelText('Tickets wanted'), '2');
    await expectAccessible(container);
    await user.click(within(form).getByRole('button', { name: 'Join the waiting list' }));
    expect(waitlistRequests.join).toHaveBeenCalledWith('e1', { quantity: 2 });
    expect(await screen.findByText(/Number 3 in line/)).toBeInTheDocument();
  });

  it('tells a signed-in person whose seats are offered until when, in the event’s time zone', async () => {
    signIn();
    waitlistRequests.mine.mockResolvedValue({ items: [entry({ status: 'offered', offerExpiresAt: '2030-06-02T10:00:00Z' })] });
    page();
    expect(
      await screen.findByText(/Seats are held for you until Sun, Jun 2, 2030, 12:00 PM GMT\+2: claim them/),
    ).toBeInTheDocument();
  });

  it('takes a guest’s name and address, checks them first, then asks them to confirm by email', async () => {
    waitlistRequests.join.mockResolvedValue(entry({ confirmed: false, position: null, email: 'gwen@example.org' }));
    const user = userEvent.setup();
    page();
    await user.click(await screen.findByRole('button', { name: 'Join the waiting list' }));
    const form = screen.getByRole('form', { name: 'Join the waiting list' });
    await user.click(within(form).getByRole('button', { name: 'Join the waiting list' }));
    expect(within(form).getByLabelText('Your email')).toHaveAttribute('aria-invalid', 'true');
    expect(waitlistRequests.join).not.toHaveBeenCalled();
    await user.selectOptions(within(form).getByLabelText('Ticket type'), 'vip');
    await user.type(within(form).getByLabelText('Your name'), 'Gwen');
    await user.type(within(form).getByLabelText('Your email'), 'gwen@example.org');
    await user.click(within(form).getByRole('button', { name: 'Join the waiting list' }));
    expect(waitlistRequests.join).toHaveBeenCalledWith('e1', {
      ticketTypeId: 'vip',
      quantity: 1,
      name: 'Gwen',
      email: 'gwen@example.org',
    });
    expect(await screen.findByText('Check your email to confirm')).toBeInTheDocument();
    expect(screen.getByText(/We sent a link to gwen@example.org/)).toBeInTheDocument();
  });

  it('tells “already waiting” apart from other refusals', async () => {
    signIn();
    waitlistRequests.join.mockRejectedValue(
      new ApiError(409, { type: 'urn:admit:problem:already-waiting', title: 'Waiting', status: 409, detail: 'Already.' }),
    );
    const user = userEvent.setup();
    page();
    await user.click(await screen.findByRole('button', { name: 'Join the waiting list' }));
    await user.click(
      within(screen.getByRole('form', { name: 'Join the waiting list' })).getByRole('button', { name: 'Join the waiting list' }),
    );
    expect(await screen.findByText(/You are on this waiting list already/)).toBeInTheDocument();
  });

  it('shows a signed-in person’s place instead of the form, and lets them leave', async () => {
    signIn();
    waitlistRequests.mine.mockResolvedValue({ items: [entry({ position: 5 })] });
    waitlistRequests.remove.mockResolvedValue(undefined);
    const user = userEvent.setup();
    page();
    expect(await screen.findByText(/number 5 in line/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Leave the waiting list' }));
    await waitFor(() => expect(waitlistRequests.remove).toHaveBeenCalledWith('e1', 'w1', undefined));
  });

  it('is offered for a sold-out type while others are on sale', async () => {
    signIn();
    api.event.mockResolvedValue({
      ...soldOutEvent,
      seatsLeft: 10,
      registeredCount: 30,
      ticketTypes: [soldOutEvent.ticketTypes![0]!, { ...soldOutEvent.ticketTypes![1]!, available: 10 }],
    });
    waitlistRequests.join.mockResolvedValue(entry({ ticketTypeId: 'gen' }));
    const user = userEvent.setup();
    page();
    await user.click(await screen.findByRole('button', { name: 'Join the waiting list' }));
    const form = screen.getByRole('form', { name: 'Join the waiting list' });
    expect(within(form).queryByLabelText('Ticket type')).not.toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Join the waiting list' }));
    expect(waitlistRequests.join).toHaveBeenCalledWith('e1', { ticketTypeId: 'gen', quantity: 1 });
  });
});
