import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, StaffList } from '../../api/types';
import { renderAt } from '../../test/render';
import { DoorStaffSection } from './DoorStaffSection';

const { api } = vi.hoisted(() => ({
  api: { eventStaff: vi.fn(), inviteStaff: vi.fn(), removeStaff: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const event = { eventId: 'e1', name: 'Rooftop Jazz' } as Event;
const list: StaffList = {
  items: [
    {
      invitationId: 'i1',
      eventId: 'e1',
      email: 'dora@example.com',
      status: 'active',
      invitedAt: '2026-11-20T09:30:00Z',
      name: 'Dora Door',
      acceptedAt: '2026-11-21T09:30:00Z',
    },
    {
      invitationId: 'i2',
      eventId: 'e1',
      email: 'kim@example.com',
      status: 'invited',
      invitedAt: '2026-11-22T09:30:00Z',
      expiresAt: '2026-12-06T09:30:00Z',
    },
  ],
};

describe('DoorStaffSection', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.eventStaff.mockResolvedValue(list);
  });

  it('shows who is active (with their name) and who is only invited (address only)', async () => {
    renderAt('/', '/', <DoorStaffSection event={event} />);
    const staff = await screen.findByRole('list', { name: 'Door staff' });
    const [active, invited] = within(staff).getAllByRole('listitem');
    expect(active).toHaveTextContent('Dora Door');
    expect(active).toHaveTextContent('Active');
    expect(invited).toHaveTextContent('kim@example.com');
    expect(invited).toHaveTextContent('Invited');
    expect(within(staff).getByRole('button', { name: 'Remove dora@example.com' })).toBeInTheDocument();
    expect(within(staff).getByRole('button', { name: 'Withdraw kim@example.com' })).toBeInTheDocument();
  });

  it('invites an address and says the invitation waits for them, naming nobody', async () => {
    api.inviteStaff.mockResolvedValue({
      invitationId: 'i3',
      eventId: 'e1',
      email: 'new@example.com',
      status: 'invited',
      expiresAt: '2026-12-10T09:30:00Z',
    });
    const user = userEvent.setup();
    renderAt('/', '/', <DoorStaffSection event={event} />);
    await screen.findByRole('list', { name: 'Door staff' });
    await user.type(screen.getByLabelText('Email to invite'), 'new@example.com');
    await user.click(screen.getByRole('button', { name: 'Invite to door staff' }));
    expect(api.inviteStaff).toHaveBeenCalledWith('e1', 'new@example.com');
    expect(await screen.findByRole('status')).toHaveTextContent('Invitation for new@example.com is waiting for them to accept');
    await waitFor(() => expect(api.eventStaff).toHaveBeenCalledTimes(2));
    expect(screen.getByLabelText('Email to invite')).toHaveValue('');
  });

  it("checks the address before sending, and shows the server's word on it", async () => {
    const user = userEvent.setup();
    renderAt('/', '/', <DoorStaffSection event={event} />);
    await screen.findByRole('list', { name: 'Door staff' });
    await user.type(screen.getByLabelText('Email to invite'), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Invite to door staff' }));
    expect(api.inviteStaff).not.toHaveBeenCalled();

    api.inviteStaff.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'The request is not valid',
        status: 400,
        detail: 'The email is not valid.',
        errors: [{ field: 'email', message: 'must be a valid email address' }],
      }),
    );
    await user.clear(screen.getByLabelText('Email to invite'));
    await user.type(screen.getByLabelText('Email to invite'), 'odd@example.com');
    await user.click(screen.getByRole('button', { name: 'Invite to door staff' }));
    expect(await screen.findByText('Email must be a valid email address.')).toBeInTheDocument();
  });

  it('removes someone after asking, and reloads the list', async () => {
    api.removeStaff.mockResolvedValue(undefined);
    const user = userEvent.setup();
    renderAt('/', '/', <DoorStaffSection event={event} />);
    await user.click(await screen.findByRole('button', { name: 'Remove dora@example.com' }));
    // jsdom has no modal <dialog>, so its content counts as hidden to the accessibility tree.
    expect(screen.getByText('Dora Door can no longer scan this event’s tickets.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Remove', hidden: true }));
    expect(api.removeStaff).toHaveBeenCalledWith('e1', 'i1');
    await waitFor(() => expect(api.eventStaff).toHaveBeenCalledTimes(2));
  });
});
