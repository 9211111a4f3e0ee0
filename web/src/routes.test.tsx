import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router';
import type { Session } from './api/session';
import { AppRoutes } from './routes';

const { api } = vi.hoisted(() => ({
  api: {
    me: vi.fn(),
    myStaffInvitations: vi.fn(async () => ({ items: [] })),
    myRegistrations: vi.fn(async () => ({ items: [], nextCursor: null })),
    events: vi.fn(async () => ({ items: [], nextCursor: null })),
  },
}));
vi.mock('./api', async (orig) => ({ ...(await orig<typeof import('./api')>()), api }));

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

describe('the guarded routes', () => {
  beforeEach(() => vi.clearAllMocks());

  it('send a visitor to log in, and back to the page afterwards', async () => {
    renderApp('/tickets?registration=r1');
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      `/signup?next=${encodeURIComponent('/tickets?registration=r1')}`,
    );
    expect(api.myRegistrations).not.toHaveBeenCalled();
  });

  it('guard the organizer pages too, for visitors', async () => {
    renderApp('/organizer/events/e1/analytics');
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeInTheDocument();
  });

  it('show a signed-in attendee their page', async () => {
    signIn(['attendee']);
    renderApp('/tickets');
    expect(await screen.findByRole('heading', { name: 'No tickets yet' })).toBeInTheDocument();
  });

  it('tell an attendee that the organizer pages are not for their account', async () => {
    signIn(['attendee']);
    renderApp('/organizer/events/e1/edit');
    expect(await screen.findByRole('heading', { name: 'This page is not for your account' })).toBeInTheDocument();
    expect(screen.getByText(/It needs a organizer or admin account/)).toBeInTheDocument();
  });

  it('leave the pages that email links open to visitors', async () => {
    const pages: [string, string][] = [
      ['/forgot-password', 'Forgot your password?'],
      ['/reset-password?token=t', 'Set a new password'],
      ['/verify-email', 'Verify your email address'],
    ];
    for (const [path, heading] of pages) {
      const { unmount } = renderApp(path);
      expect(await screen.findByRole('heading', { name: heading })).toBeInTheDocument();
      expect(screen.queryByRole('heading', { name: 'Welcome back' })).not.toBeInTheDocument();
      unmount();
    }
  });

  it('leave public pages open', async () => {
    renderApp('/');
    expect(await screen.findByRole('link', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Welcome back' })).not.toBeInTheDocument();
  });
});
