import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../api/session';
import { renderAt } from '../test/render';
import { Layout } from './Layout';

const { api } = vi.hoisted(() => ({
  api: { me: vi.fn(), myStaffInvitations: vi.fn(), logout: vi.fn() },
}));
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), api }));

function signIn(roles: Session['user']['roles']) {
  const session: Session = {
    accessToken: 'a',
    refreshToken: 'r',
    expiresAt: Date.now() + 600_000,
    user: { userId: 'u1', email: 'dora@example.com', name: 'Dora Door', roles },
  };
  localStorage.setItem('admit.session', JSON.stringify(session));
  api.me.mockResolvedValue({ userId: 'u1', email: 'dora@example.com', name: 'Dora Door', roles });
}

const nav = () => screen.getByRole('navigation', { name: 'Main' });

describe('Layout navigation for door staff', () => {
  beforeEach(() => vi.clearAllMocks());

  it('shows Invitations with the number waiting, and no Scan link before an invitation is accepted', async () => {
    signIn(['attendee']);
    api.myStaffInvitations.mockResolvedValue({
      items: [{ invitationId: 'i1', eventId: 'e1', eventName: 'Rooftop Jazz', status: 'invited' }],
    });
    renderAt('/', '/', <Layout />);
    const link = await within(nav()).findByRole('link', { name: /^Invitations\W*1 waiting$/ });
    expect(link).toHaveAttribute('href', '/invitations');
    expect(within(nav()).queryByRole('link', { name: /^Scan/ })).not.toBeInTheDocument();
  });

  it('offers Scan once an invitation is accepted', async () => {
    signIn(['attendee']);
    api.myStaffInvitations.mockResolvedValue({
      items: [{ invitationId: 'i1', eventId: 'e1', eventName: 'Rooftop Jazz', status: 'active' }],
    });
    renderAt('/', '/', <Layout />);
    expect(await within(nav()).findByRole('link', { name: /^Scan/ })).toHaveAttribute('href', '/scan');
    expect(within(nav()).getByRole('link', { name: 'Invitations' })).toBeInTheDocument();
  });

  it('shows neither to someone without invitations; organizers always scan', async () => {
    signIn(['attendee']);
    api.myStaffInvitations.mockResolvedValue({ items: [] });
    const { unmount } = renderAt('/', '/', <Layout />);
    await within(nav()).findByRole('link', { name: 'My tickets' });
    await vi.waitFor(() => expect(api.myStaffInvitations).toHaveBeenCalled());
    expect(within(nav()).queryByRole('link', { name: /^Invitations/ })).not.toBeInTheDocument();
    expect(within(nav()).queryByRole('link', { name: /^Scan/ })).not.toBeInTheDocument();
    unmount();

    signIn(['attendee', 'organizer']);
    renderAt('/', '/', <Layout />);
    expect(await within(nav()).findByRole('link', { name: /^Scan/ })).toBeInTheDocument();
  });
});
