import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../api/session';
import { AppRoutes } from '../../routes';

const { api } = vi.hoisted(() => ({
  api: {
    me: vi.fn(),
    myStaffInvitations: vi.fn(async () => ({ items: [] })),
    events: vi.fn(async () => ({ items: [], nextCursor: null })),
    adminUsers: vi.fn(async () => ({ items: [], nextCursor: null })),
    auditLog: vi.fn(async () => ({ items: [], nextCursor: null })),
  },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function signIn(roles: Session['user']['roles']) {
  const user = { userId: 'u1', email: 'ann@example.com', name: 'Ann', roles };
  const session: Session = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 600_000, user };
  localStorage.setItem('admit.session', JSON.stringify(session));
  api.me.mockResolvedValue(user);
}

function renderApp(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const nav = () => screen.getByRole('navigation', { name: 'Main' });

describe('the admin console’s route and link', () => {
  beforeEach(() => vi.clearAllMocks());

  it('is linked in the navigation for admins', async () => {
    signIn(['attendee', 'admin']);
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'Administration' })).toBeInTheDocument();
    expect(within(nav()).getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
  });

  it('is neither linked nor shown to an organizer, and asks the server nothing', async () => {
    signIn(['organizer']);
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'This page is not for your account' })).toBeInTheDocument();
    expect(within(nav()).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    expect(within(nav()).getByRole('link', { name: 'Organize' })).toBeInTheDocument();
    expect(api.adminUsers).not.toHaveBeenCalled();
    expect(api.auditLog).not.toHaveBeenCalled();
  });

  it('sends a visitor to log in', async () => {
    renderApp('/admin');
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeInTheDocument();
  });
});
