import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import ResetPasswordPage from './ResetPasswordPage';

const { api } = vi.hoisted(() => ({ api: { resetPassword: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const invalid = (field: string, message: string) =>
  new ApiError(400, {
    type: 'urn:admit:problem:validation-error',
    title: 'Bad Request',
    status: 400,
    detail: 'The request is not acceptable.',
    errors: [{ field, message }],
  });

function open(path = '/reset-password?token=tok-1') {
  return renderAt(path, '/reset-password', <ResetPasswordPage />);
}

async function fill(password: string, confirm = password) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('New password'), password);
  await user.type(screen.getByLabelText('Confirm new password'), confirm);
  await user.click(screen.getByRole('button', { name: 'Set new password' }));
}

const newLinkLink = () => screen.findByRole('link', { name: 'Send me a new link' });

describe('ResetPasswordPage', () => {
  beforeEach(() => vi.clearAllMocks());

  it('sets the new password with the link’s token, then sends the person to log in', async () => {
    api.resetPassword.mockResolvedValue(undefined);
    const { container } = open();
    await expectAccessible(container);
    await fill('a new passphrase');
    expect(await screen.findByText('Your password was changed')).toBeInTheDocument();
    expect(api.resetPassword).toHaveBeenCalledWith('tok-1', 'a new passphrase');
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    await expectAccessible(container);
  });

  it('checks the password’s length and its confirmation before sending', async () => {
    open();
    await fill('short');
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/Use at least 8 characters/);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('New password'));
    await user.clear(screen.getByLabelText('Confirm new password'));
    await fill('long enough 1', 'long enough 2');
    expect(screen.getByLabelText('Confirm new password')).toHaveAccessibleDescription(/The two passwords differ/);
    expect(api.resetPassword).not.toHaveBeenCalled();
  });

  it('offers a new link when the token is used, expired or altered', async () => {
    api.resetPassword.mockRejectedValue(invalid('token', 'is not valid: it was used, has expired or was altered'));
    const { container } = open();
    await fill('a new passphrase');
    expect(await newLinkLink()).toHaveAttribute('href', '/forgot-password');
    expect(screen.getByRole('alert')).toHaveTextContent('This link does not work any more');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
    await expectAccessible(container);
  });

  it('shows a password the server refuses beside its field, keeping the form', async () => {
    api.resetPassword.mockRejectedValue(invalid('password', 'must be at most 256 characters'));
    open();
    await fill('a new passphrase');
    expect(await screen.findByText('Password must be at most 256 characters.')).toBeInTheDocument();
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('link', { name: 'Send me a new link' })).not.toBeInTheDocument();
  });

  it('says the same without a token, and sends nothing', async () => {
    const { container } = open('/reset-password');
    expect(await newLinkLink()).toBeInTheDocument();
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
    expect(api.resetPassword).not.toHaveBeenCalled();
    await expectAccessible(container);
  });

  it('asks to wait when rate-limited', async () => {
    api.resetPassword.mockRejectedValue(
      new ApiError(429, { type: 'urn:admit:problem:rate-limited', title: 'Too Many Requests', status: 429, detail: 'Wait.' }),
    );
    open();
    await fill('a new passphrase');
    expect(await screen.findByText(/Please try again in a few minutes/)).toBeInTheDocument();
    expect(screen.getByLabelText('New password')).toBeInTheDocument();
  });
});
