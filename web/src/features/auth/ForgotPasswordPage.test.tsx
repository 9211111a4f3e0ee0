import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import ForgotPasswordPage from './ForgotPasswordPage';
import LoginPage from './LoginPage';

const { api } = vi.hoisted(() => ({ api: { forgotPassword: vi.fn(), login: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const kNeutral = /If an account exists for that address, we sent a link/;

function open() {
  return renderAt('/forgot-password', '/forgot-password', <ForgotPasswordPage />);
}

describe('ForgotPasswordPage', () => {
  beforeEach(() => vi.clearAllMocks());

  it('is reached from the login page’s “Forgot password?”, keeping the address typed there', async () => {
    const user = userEvent.setup();
    renderAt('/login', '/login', <LoginPage />, { '/forgot-password': <ForgotPasswordPage /> });
    await user.type(screen.getByLabelText('Email'), 'ada@example.org');
    await user.click(screen.getByRole('link', { name: 'Forgot password?' }));
    expect(await screen.findByRole('heading', { name: 'Forgot your password?' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.org');
  });

  it('sends the address and answers with the same neutral message', async () => {
    api.forgotPassword.mockResolvedValue(undefined);
    const user = userEvent.setup();
    const { container } = open();
    await expectAccessible(container);
    await user.type(screen.getByLabelText('Email'), '  Ada@Example.org ');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(await screen.findByText(kNeutral)).toBeInTheDocument();
    expect(api.forgotPassword).toHaveBeenCalledWith('Ada@Example.org');
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    await expectAccessible(container);
  });

  it('checks the address before sending anything, and shows the server’s word on it beside the field', async () => {
    const user = userEvent.setup();
    open();
    await user.type(screen.getByLabelText('Email'), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/Enter an email address like/);
    expect(api.forgotPassword).not.toHaveBeenCalled();

    api.forgotPassword.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is not acceptable.',
        errors: [{ field: 'email', message: 'must be an email address' }],
      }),
    );
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'ada@example.x');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(await screen.findByText('Email must be an email address.')).toBeInTheDocument();
    expect(screen.queryByText(kNeutral)).not.toBeInTheDocument();
  });

  it('asks kindly to wait when rate-limited, and keeps the form', async () => {
    api.forgotPassword.mockRejectedValue(
      new ApiError(429, {
        type: 'urn:admit:problem:rate-limited',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many requests; retry in 60 seconds.',
      }),
    );
    const user = userEvent.setup();
    const { container } = open();
    await user.type(screen.getByLabelText('Email'), 'ada@example.org');
    await user.click(screen.getByRole('button', { name: 'Send me a link' }));
    expect(await screen.findByText(/Please try again in a few minutes/)).toBeInTheDocument();
    expect(screen.queryByText(kNeutral)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send me a link' })).toBeEnabled();
    await expectAccessible(container);
  });
});
