import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { ExternalSignInButton, safeReturnTo } from './ExternalSignIn';
import ExternalSignInCallbackPage from './ExternalSignInCallbackPage';

const { api } = vi.hoisted(() => ({ api: { oidcConfig: vi.fn(), oidcExchange: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function session(roles: string[]) {
  return { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 600_000, user: { userId: 'u1', roles } };
}

/// The callback page as the browser opens it: the outcome in the URL fragment.
function openCallback(fragment: string) {
  window.history.replaceState(null, '', `/auth/callback#${fragment}`);
  return renderAt(
    '/auth/callback',
    '/auth/callback',
    <ExternalSignInCallbackPage />,
    { '/events/:id': <p>event page</p>, '/organizer': <p>organizer home</p>, '/': <p>home</p> },
    { strict: true },
  );
}

describe('ExternalSignInButton', () => {
  beforeEach(() => vi.clearAllMocks());

  it('names the provider and starts the flow with the page to return to', async () => {
    api.oidcConfig.mockResolvedValue({ enabled: true, issuer: 'https://id.example', displayName: 'Example Corp' });
    renderAt('/login', '/login', <ExternalSignInButton next="/events/e1" />);
    const link = await screen.findByRole('link', { name: 'Sign in with Example Corp' });
    expect(link).toHaveAttribute('href', '/api/auth/oidc/start?returnTo=%2Fevents%2Fe1');
  });

  it('shows nothing when no provider is configured', async () => {
    api.oidcConfig.mockResolvedValue({ enabled: false });
    const { container } = renderAt('/login', '/login', <ExternalSignInButton next={null} />);
    await waitFor(() => expect(api.oidcConfig).toHaveBeenCalled());
    expect(container).toBeEmptyDOMElement();
  });

  it('never returns to another site', () => {
    expect(safeReturnTo('//evil.example')).toBe('/');
    expect(safeReturnTo('https://evil.example')).toBe('/');
    expect(safeReturnTo('/\\evil.example')).toBe('/');
    expect(safeReturnTo('/events/e1')).toBe('/events/e1');
  });
});

describe('ExternalSignInCallbackPage', () => {
  beforeEach(() => vi.clearAllMocks());

  it('trades the code once, even under StrictMode, clears it from the address bar and returns', async () => {
    api.oidcExchange.mockResolvedValue(session(['attendee']));
    openCallback('code=one-time&returnTo=%2Fevents%2Fe1');
    expect(await screen.findByText('event page')).toBeInTheDocument();
    expect(api.oidcExchange).toHaveBeenCalledTimes(1);
    expect(api.oidcExchange).toHaveBeenCalledWith('one-time');
    expect(window.location.hash).toBe('');
  });

  it('takes an organizer home to their events when no page was asked for', async () => {
    api.oidcExchange.mockResolvedValue(session(['organizer']));
    openCallback('code=one-time&returnTo=%2F');
    expect(await screen.findByText('organizer home')).toBeInTheDocument();
  });

  it('says why the sign-in did not work, without trading anything', async () => {
    const { container } = openCallback('error=access_denied&returnTo=%2F');
    expect(await screen.findByText(/cancelled at your organisation/)).toBeInTheDocument();
    expect(api.oidcExchange).not.toHaveBeenCalled();
    await expectAccessible(container);
  });

  it('says so when the code no longer works', async () => {
    api.oidcExchange.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'The sign-in code is unknown, used or expired; sign in again.',
        errors: [{ field: 'code', message: 'is unknown, used or expired' }],
      }),
    );
    openCallback('code=used&returnTo=%2F');
    expect(await screen.findByText(/sign in again/)).toBeInTheDocument();
  });
});
