import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { MyStaffInvitationList } from '../../api/types';
import { renderAt } from '../../test/render';
import InvitationsPage from './InvitationsPage';

const { api } = vi.hoisted(() => ({
  api: { myStaffInvitations: vi.fn(), acceptStaffInvitation: vi.fn(), declineStaffInvitation: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const invitations: MyStaffInvitationList = {
  items: [
    { invitationId: 'i1', eventId: 'e1', eventName: 'Rooftop Jazz', status: 'invited', expiresAt: '2026-12-06T09:30:00Z' },
    { invitationId: 'i2', eventId: 'e2', eventName: 'Harbour Blues', status: 'active' },
  ],
};

describe('InvitationsPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.myStaffInvitations.mockResolvedValue(invitations);
  });

  it('offers to accept or decline an open invitation and the scanner for an accepted one', async () => {
    renderAt('/invitations', '/invitations', <InvitationsPage />);
    expect(await screen.findByRole('button', { name: 'Accept invitation to Rooftop Jazz' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Decline invitation to Rooftop Jazz' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the scanner for Harbour Blues' })).toHaveAttribute('href', '/scan/e2');
    expect(screen.getByRole('button', { name: 'Leave the door staff of Harbour Blues' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Accept invitation to Harbour Blues' })).not.toBeInTheDocument();
  });

  it('accepts, then shows the invitation as accepted', async () => {
    const accepted = { ...invitations.items[0]!, status: 'active' as const, expiresAt: undefined };
    api.acceptStaffInvitation.mockResolvedValue(accepted);
    api.myStaffInvitations.mockResolvedValueOnce(invitations).mockResolvedValue({ items: [accepted, invitations.items[1]!] });
    const user = userEvent.setup();
    renderAt('/invitations', '/invitations', <InvitationsPage />);
    await user.click(await screen.findByRole('button', { name: 'Accept invitation to Rooftop Jazz' }));
    expect(api.acceptStaffInvitation).toHaveBeenCalledWith('i1');
    await waitFor(() => expect(api.myStaffInvitations).toHaveBeenCalledTimes(2));
    expect(await screen.findByRole('link', { name: 'Open the scanner for Rooftop Jazz' })).toBeInTheDocument();
  });

  it('declines', async () => {
    api.declineStaffInvitation.mockResolvedValue(undefined);
    const user = userEvent.setup();
    renderAt('/invitations', '/invitations', <InvitationsPage />);
    await user.click(await screen.findByRole('button', { name: 'Decline invitation to Rooftop Jazz' }));
    expect(api.declineStaffInvitation).toHaveBeenCalledWith('i1');
    await waitFor(() => expect(api.myStaffInvitations).toHaveBeenCalledTimes(2));
  });

  it('says so plainly when an invitation has expired', async () => {
    api.acceptStaffInvitation.mockRejectedValue(
      new ApiError(410, {
        type: 'urn:admit:problem:invitation-expired',
        title: 'The invitation has expired',
        status: 410,
        detail: 'This invitation has expired; ask the organizer for a new one.',
      }),
    );
    const user = userEvent.setup();
    renderAt('/invitations', '/invitations', <InvitationsPage />);
    await user.click(await screen.findByRole('button', { name: 'Accept invitation to Rooftop Jazz' }));
    expect(await screen.findByText('This invitation has expired. Ask the organizer to invite you again.')).toBeInTheDocument();
  });

  it('tells someone without invitations how they get one', async () => {
    api.myStaffInvitations.mockResolvedValue({ items: [] });
    renderAt('/invitations', '/invitations', <InvitationsPage />);
    expect(await screen.findByText(/No invitations/)).toBeInTheDocument();
  });
});
