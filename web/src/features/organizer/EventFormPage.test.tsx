import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { renderAt } from '../../test/render';
import EventFormPage from './EventFormPage';

const { createEvent } = vi.hoisted(() => ({ createEvent: vi.fn() }));
vi.mock('../../api', async (orig) => ({
  ...(await orig<typeof import('../../api')>()),
  api: { createEvent: (...a: unknown[]) => createEvent(...a), event: vi.fn() },
}));

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Event name'), 'Jazz night');
  await user.type(screen.getByLabelText('Starts'), '2030-03-01T20:00');
  await user.type(screen.getByLabelText('Location'), 'Blue Room');
  await user.clear(screen.getByLabelText('Capacity'));
  await user.type(screen.getByLabelText('Capacity'), '120');
}

describe('EventFormPage', () => {
  it('shows each problem beside its field and does not send the form', async () => {
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await user.click(screen.getByRole('button', { name: 'Publish event' }));

    const name = screen.getByLabelText('Event name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('Give the event a name.');
    expect(screen.getByLabelText('Location')).toHaveAccessibleDescription(/Say where it takes place\./);
    expect(screen.getByText(/fields need attention/)).toBeInTheDocument();
    expect(createEvent).not.toHaveBeenCalled();
  });

  it('clears a message once the field is fixed', async () => {
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await user.click(screen.getByRole('button', { name: 'Publish event' }));
    await user.type(screen.getByLabelText('Event name'), 'Jazz');
    expect(screen.queryByText('Give the event a name.')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Event name')).not.toHaveAttribute('aria-invalid');
  });

  it('puts the server’s field errors beside the fields', async () => {
    const problem = new ApiError(400, {
      type: 'urn:admit:problem:validation-error',
      title: 'The request is not valid',
      status: 400,
      detail: 'The event details are not acceptable.',
      errors: [
        { field: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin' },
        { field: 'capacity', message: 'must be between 1 and 1000000' },
      ],
    });
    createEvent.mockRejectedValue(problem);
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await fillValid(user);
    await user.click(screen.getByRole('button', { name: 'Publish event' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Capacity')).toHaveAccessibleDescription(/Capacity must be between 1 and 1000000\./),
    );
    expect(screen.getByLabelText('Time zone')).toHaveAccessibleDescription(
      'The time zone must be an IANA time zone such as Europe/Berlin.',
    );
    expect(screen.getByText('Some fields need a fix — see the messages beside them.')).toBeInTheDocument();
    expect(createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Jazz night', location: 'Blue Room', capacity: 120, price: 0 }),
    );
  });
});
