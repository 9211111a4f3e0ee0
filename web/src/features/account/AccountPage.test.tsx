import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../api/session';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { adminUser, problem } from '../admin/fixtures';
import AccountPage from './AccountPage';

const { api } = vi.hoisted(() => ({ api: { eraseMe: vi.fn(), me: vi.fn(), oidcConfig: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function signIn() {
  const session: Session = {
    accessToken: 'a',
    refreshToken: 'r',
    expiresAt: Date.now() + 600_000,
    user: { userId: 'u-ada', email: 'ada@example.org', name: 'Ada Lovelace', roles: ['attendee'] },
  };
  localStorage.setItem('admit.session', JSON.stringify(session));
}

const erasure = { user: adminUser(), erasedAt: '2026-12-07T08:00:00Z', cancelledRegistrations: [], refundedRegistrations: [] };

async function deleteWith(password: string) {
  const user = userEvent.setup();
  renderAt('/account', '/account', <AccountPage />, { '/login': <h1>Log in</h1> });
  if (password) await user.type(screen.getByLabelText('Your password'), password);
  await user.click(screen.getByRole('button', { name: 'Delete my account' }));
  const dialog = screen.getByRole('dialog', { name: 'Delete your account for good?' });
  return { user, dialog };
}

describe('AccountPage: Delete my account', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.me.mockResolvedValue({ userId: 'u-ada', email: 'ada@example.org', name: 'Ada', roles: [], hasPassword: true });
    api.oidcConfig.mockResolvedValue({ enabled: true, issuer: 'https://id.example', displayName: 'Example Corp' });
    signIn();
  });

  it('says what deletion does and passes axe', async () => {
    const { container } = renderAt('/account', '/account', <AccountPage />);
    expect(screen.getByRole('region', { name: 'Delete my account' })).toHaveTextContent(/can never sign in again/);
    await expectAccessible(container);
  });

  it('asks to confirm, sends the password, then signs out and says it is done', async () => {
    api.eraseMe.mockResolvedValue(erasure);
    const { user, dialog } = await deleteWith('correct horse');
    expect(api.eraseMe).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account and data' }));
    expect(api.eraseMe).toHaveBeenCalledWith('correct horse');
    expect(await screen.findByRole('heading', { name: 'Your account was deleted' })).toBeInTheDocument();
    expect(localStorage.getItem('admit.session')).toBeNull();
  });

  it('asks no password of an account that has none (external sign-in)', async () => {
    api.me.mockResolvedValue({ userId: 'u-ada', email: 'ada@example.org', name: 'Ada', roles: [], hasPassword: false });
    api.eraseMe.mockResolvedValue(erasure);
    const user = userEvent.setup();
    renderAt('/account', '/account', <AccountPage />);
    expect(await screen.findByText(/within 10 minutes of signing in/)).toHaveTextContent(/Example Corp/);
    expect(screen.queryByLabelText('Your password')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete your account for good?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account and data' }));
    expect(api.eraseMe).toHaveBeenCalledWith(undefined);
  });

  it('offers a fresh sign-in when the server wants one (403)', async () => {
    api.me.mockResolvedValue({ userId: 'u-ada', email: 'ada@example.org', name: 'Ada', roles: [], hasPassword: false });
    api.eraseMe.mockRejectedValue(problem(403, 'forbidden', 'Sign in again to confirm.'));
    const user = userEvent.setup();
    renderAt('/account', '/account', <AccountPage />);
    await screen.findByText(/within 10 minutes of signing in/);
    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete your account for good?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account and data' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/sign in again/i);
    expect(screen.getByRole('link', { name: 'Sign in again with Example Corp' })).toHaveAttribute(
      'href',
      '/api/auth/oidc/start?returnTo=%2Faccount',
    );
    expect(localStorage.getItem('admit.session')).not.toBeNull();
  });

  it('shows a refused password beside the field and keeps the session', async () => {
    api.eraseMe.mockRejectedValue(
      problem(400, 'validation-error', 'Check the highlighted fields.', [
        { field: 'password', message: 'is not this account’s password' },
      ]),
    );
    const { user, dialog } = await deleteWith('wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account and data' }));
    const field = screen.getByLabelText('Your password');
    await vi.waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/is not this account’s password/);
    expect(localStorage.getItem('admit.session')).not.toBeNull();
  });

  it('explains the last-admin refusal (409)', async () => {
    api.eraseMe.mockRejectedValue(problem(409, 'last-admin'));
    const { user, dialog } = await deleteWith('pw');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account and data' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/only enabled admin/);
    expect(localStorage.getItem('admit.session')).not.toBeNull();
  });

  it('sends a visitor to log in', async () => {
    localStorage.clear();
    renderAt('/account', '/account', <AccountPage />, { '/login': <h1>Log in</h1> });
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
  });
});
