import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import type { Session } from '../../api/session';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import VerifyEmailPage from './VerifyEmailPage';

const { api } = vi.hoisted(() => ({ api: { verifyEmail: vi.fn(), resendVerificationEmail: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const used = () =>
  new ApiError(400, {
    type: 'urn:admit:problem:validation-error',
    title: 'Bad Request',
    status: 400,
    detail: 'This verification link is no longer valid; ask for a new one.',
    errors: [{ field: 'token', message: 'is not valid: it was used, has expired or was altered' }],
  });

// The app runs under StrictMode, which runs effects twice on mounting in development.
function open(path = '/verify-email?token=tok-1') {
  return renderAt(path, '/verify-email', <VerifyEmailPage />, {}, { strict: true });
}

function signIn() {
  const session: Session = {
    accessToken: 'a',
    refreshToken: 'r',
    expiresAt: Date.now() + 600_000,
    user: { userId: 'u1', email: 'ada@example.org', name: 'Ada', roles: ['attendee'] },
  };
  localStorage.setItem('admit.session', JSON.stringify(session));
}

describe('VerifyEmailPage', () => {
  beforeEach(() => vi.clearAllMocks());

  it('verifies once on opening, even under StrictMode, and reloads the account', async () => {
    api.verifyEmail.mockResolvedValue(undefined);
    const { container, queryClient } = open();
    queryClient.setQueryData(queryKeys.auth.me('u1'), { userId: 'u1', emailVerified: false });
    expect(await screen.findByText('Your email address is verified')).toBeInTheDocument();
    expect(api.verifyEmail).toHaveBeenCalledTimes(1);
    expect(api.verifyEmail).toHaveBeenCalledWith('tok-1');
    expect(queryClient.getQueryState(queryKeys.auth.me('u1'))?.isInvalidated).toBe(true);
    await expectAccessible(container);
  });

  it('says when the link is used or expired, and lets a signed-in person ask for a new one', async () => {
    signIn();
    api.verifyEmail.mockRejectedValue(used());
    api.resendVerificationEmail.mockResolvedValue(undefined);
    const user = userEvent.setup();
    const { container } = open();
    expect(await screen.findByText('This link does not work any more')).toBeInTheDocument();
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Resend verification email' }));
    expect(await screen.findByText(/^Sent\./)).toBeInTheDocument();
    expect(api.resendVerificationEmail).toHaveBeenCalledTimes(1);
    expect(api.verifyEmail).toHaveBeenCalledTimes(1);
  });

  it('sends a visitor to log in for a new link', async () => {
    api.verifyEmail.mockRejectedValue(used());
    open();
    expect(await screen.findByRole('link', { name: 'Log in to get a new link' })).toHaveAttribute('href', '/login');
  });

  it('sends nothing without a token', async () => {
    open('/verify-email');
    expect(await screen.findByText('This link does not work any more')).toBeInTheDocument();
    expect(api.verifyEmail).not.toHaveBeenCalled();
  });

  it('offers to try again when the server could not be reached', async () => {
    api.verifyEmail.mockRejectedValueOnce(new ApiError(0, null, 'Cannot reach the server.')).mockResolvedValue(undefined);
    const user = userEvent.setup();
    open();
    expect(await screen.findByText('We could not verify your address')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Your email address is verified')).toBeInTheDocument();
    await waitFor(() => expect(api.verifyEmail).toHaveBeenCalledTimes(2));
  });
});
