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

  it('sends the cancellation deadline and hold, and shows the server’s refusals of them beside the fields', async () => {
    createEvent.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'The request is not valid',
        status: 400,
        detail: 'The event details are not acceptable.',
        errors: [
          { field: 'cancellationDeadline', message: "must not be after the event's date" },
          { field: 'holdSeconds', message: 'must be between 60 and 86400 seconds, or null for the instance’s default' },
          {
            field: 'price',
            message: 'times the largest order (10 seats) must not exceed 99999999 minor units of the currency',
          },
        ],
      }),
    );
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await fillValid(user);
    await user.selectOptions(screen.getByLabelText('Time zone'), 'Europe/Berlin');
    await user.type(screen.getByLabelText('Cancellation deadline'), '2030-02-28T12:00');
    await user.type(screen.getByLabelText('Hold seats for unpaid orders (minutes)'), '10');
    await user.click(screen.getByRole('button', { name: 'Publish event' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Cancellation deadline')).toHaveAccessibleDescription(
        /The cancellation deadline must not be after the event's date\.$/,
      ),
    );
    expect(screen.getByLabelText('Hold seats for unpaid orders (minutes)')).toHaveAccessibleDescription(
      /Hold seats for 1 to 1,440 minutes, or leave it empty for the default\.$/,
    );
    expect(screen.getByLabelText('Price per ticket')).toHaveAccessibleDescription(
      /The price times the largest order \(10 seats\) must not exceed/,
    );
    expect(createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ cancellationDeadline: '2030-02-28T11:00:00Z', holdSeconds: 600, timezone: 'Europe/Berlin' }),
    );
  }, 20_000);

  it('checks the deadline and the hold before sending', async () => {
    createEvent.mockClear();
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await fillValid(user);
    await user.type(screen.getByLabelText('Cancellation deadline'), '2030-03-02T20:00');
    await user.type(screen.getByLabelText('Hold seats for unpaid orders (minutes)'), '2000');
    await user.click(screen.getByRole('button', { name: 'Publish event' }));
    expect(screen.getByLabelText('Cancellation deadline')).toHaveAccessibleDescription(
      /Choose a time no later than the start, or leave it empty\./,
    );
    expect(screen.getByLabelText('Hold seats for unpaid orders (minutes)')).toHaveAccessibleDescription(/1 to 1,440/);
    expect(createEvent).not.toHaveBeenCalled();
  }, 20_000);

  it('saves a new event as a draft, with its end in the venue’s time, and says only its organizer sees it', async () => {
    createEvent.mockReset();
    createEvent.mockResolvedValue({ eventId: 'new1', status: 'draft' });
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />, {
      '/organizer/events/:eventId': <p>manage page</p>,
    });
    await fillValid(user);
    await user.selectOptions(screen.getByLabelText('Time zone'), 'Europe/Berlin');
    await user.type(screen.getByLabelText('Ends'), '2030-03-01T23:00');
    await user.click(screen.getByRole('button', { name: 'Save as draft' }));
    await waitFor(() =>
      expect(createEvent).toHaveBeenCalledWith(expect.objectContaining({ status: 'draft', endDate: '2030-03-01T22:00:00Z' })),
    );
    expect(await screen.findByText('manage page')).toBeInTheDocument();
  }, 20_000);

  it('refuses an end that is not after the start', async () => {
    createEvent.mockReset();
    const user = userEvent.setup();
    renderAt('/organizer/events/new', '/organizer/events/new', <EventFormPage />);
    await fillValid(user);
    await user.type(screen.getByLabelText('Ends'), '2030-03-01T19:00');
    await user.click(screen.getByRole('button', { name: 'Publish event' }));
    expect(screen.getByLabelText('Ends')).toHaveAccessibleDescription(/Choose a time after the start, or leave it empty\./);
    expect(createEvent).not.toHaveBeenCalled();
  }, 20_000);
});
