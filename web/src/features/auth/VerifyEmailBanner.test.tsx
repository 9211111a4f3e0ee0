import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import type { Session } from '../../api/session';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { VerifyEmailBanner } from './VerifyEmailBanner';

const { api } = vi.hoisted(() => ({ api: { me: vi.fn(), resendVerificationEmail: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const user = { userId: 'u1', email: 'ada@example.org', name: 'Ada', roles: ['attendee' as const] };

function signIn(emailVerified: boolean | undefined) {
  const session: Session = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 600_000, user };
  localStorage.setItem('admit.session', JSON.stringify(session));
  api.me.mockResolvedValue({ ...user, emailVerified });
}

const title = 'Please verify your email address';

function show(path = '/') {
  return renderAt(path, '*', <VerifyEmailBanner />);
}

describe('VerifyEmailBanner', () => {
  beforeEach(() => vi.clearAllMocks());

  it('asks a signed-in person with an unverified address to verify it, and resends the link', async () => {
    signIn(false);
    api.resendVerificationEmail.mockResolvedValue(undefined);
    const { container } = show();
    const banner = await screen.findByRole('region', { name: title });
    expect(banner).toHaveTextContent('ada@example.org');
    await expectAccessible(container);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Resend verification email' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/^Sent\./);
    expect(api.resendVerificationEmail).toHaveBeenCalledTimes(1);
    await expectAccessible(container);
  });

  it('asks to try later when rate-limited', async () => {
    signIn(false);
    api.resendVerificationEmail.mockRejectedValue(
      new ApiError(429, { type: 'urn:admit:problem:rate-limited', title: 'Too Many Requests', status: 429, detail: 'Wait.' }),
    );
    show();
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Resend verification email' }));
    expect(await screen.findByText('You asked for a link just now. Please try again later.')).toBeInTheDocument();
  });

  it('stays away once the address is verified, for visitors, and on the page that verifies', async () => {
    signIn(true);
    const { unmount, queryClient } = show();
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.auth.me('u1'))).toBeDefined());
    expect(screen.queryByRole('region', { name: title })).not.toBeInTheDocument();
    unmount();

    signIn(false);
    const verifying = show('/verify-email?token=t');
    await waitFor(() => expect(verifying.queryClient.getQueryData(queryKeys.auth.me('u1'))).toBeDefined());
    expect(screen.queryByRole('region', { name: title })).not.toBeInTheDocument();
    verifying.unmount();

    localStorage.clear();
    show();
    expect(screen.queryByRole('region', { name: title })).not.toBeInTheDocument();
    expect(api.me).toHaveBeenCalledTimes(2);
  });
});
