import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, RegistrationRow } from '../../api/types';
import { renderAt } from '../../test/render';
import { CancelRegistrationDialog } from './CancelRegistrationDialog';

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  cancellationDeadline: null,
} as Event;

const row = (over: Partial<RegistrationRow> = {}): RegistrationRow => ({
  registrationId: 'r1',
  userId: 'u1',
  eventId: 'e1',
  status: 'confirmed',
  quantity: 2,
  amount: 50,
  currency: 'EUR',
  paymentId: 'p1',
  registeredAt: '2026-11-25T10:00:00Z',
  holdExpiresAt: null,
  attendee: { name: 'Arthur Attendee', email: 'arthur@example.org' },
  checkedIn: 0,
  email: null,
  ...over,
});

const { api } = vi.hoisted(() => ({ api: { cancelRegistration: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function open(r: RegistrationRow, ev: Event = event) {
  const onClose = vi.fn();
  renderAt('/', '/', <CancelRegistrationDialog row={r} event={ev} onClose={onClose} />);
  return onClose;
}

describe('CancelRegistrationDialog', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.cancelRegistration.mockResolvedValue({});
  });

  it('asks for a reason once a ticket was used and sends it', async () => {
    const user = userEvent.setup();
    const onClose = open(row({ checkedIn: 1 }));
    expect(screen.getByRole('heading', { name: 'Cancel and refund this registration?' })).toBeInTheDocument();
    const reason = screen.getByRole('textbox', { name: 'Reason (required)' });
    expect(reason).toHaveAccessibleDescription(/A ticket was used at the door, so a reason is needed/);
    expect(screen.getByText(/1 seat used at the door is not sold again/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Cancel & refund' }));
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription(/Give a reason/);
    expect(api.cancelRegistration).not.toHaveBeenCalled();

    await user.type(reason, 'Guest left ill; refund approved');
    await user.click(screen.getByRole('button', { name: 'Cancel & refund' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.cancelRegistration).toHaveBeenCalledWith('r1', 'Guest left ill; refund approved');
  });

  it('asks for a reason after the cancellation deadline', () => {
    open(row(), { ...event, cancellationDeadline: '2020-01-01T00:00:00Z' });
    expect(screen.getByRole('textbox', { name: 'Reason (required)' })).toHaveAccessibleDescription(
      /The cancellation deadline has passed/,
    );
  });

  it('takes an optional reason within the attendee’s own policy', async () => {
    const user = userEvent.setup();
    const onClose = open(row());
    expect(screen.getByRole('textbox', { name: 'Reason (optional)' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cancel & refund' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.cancelRegistration).toHaveBeenCalledWith('r1', undefined);
  });

  it('shows the server’s 400 naming reason beside the field', async () => {
    api.cancelRegistration.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'The request is not valid',
        status: 400,
        detail: 'The cancellation is not acceptable.',
        errors: [{ field: 'reason', message: 'is required to cancel after the deadline or once a ticket was used' }],
      }),
    );
    const user = userEvent.setup();
    const onClose = open(row());
    await user.click(screen.getByRole('button', { name: 'Cancel & refund' }));
    const reason = screen.getByRole('textbox', { name: 'Reason (optional)' });
    await waitFor(() =>
      expect(reason).toHaveAccessibleDescription(
        /The reason is required to cancel after the deadline or once a ticket was used\.$/,
      ),
    );
    expect(onClose).not.toHaveBeenCalled();
  });
});
