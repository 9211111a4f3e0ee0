import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import type { Event } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { ManageEventHeader } from './ManageEventParts';
import { PublishEvent } from './PublishEvent';

const { api } = vi.hoisted(() => ({ api: { publishEvent: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const draft = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  price: 25,
  currency: 'EUR',
  status: 'draft',
  ticketTypes: [],
} as unknown as Event;

describe('drafts on the organizer’s pages', () => {
  beforeEach(() => vi.clearAllMocks());

  it('marks a draft with a badge', () => {
    renderAt('/', '/', <ManageEventHeader event={draft} />);
    expect(screen.getByText('Draft')).toBeInTheDocument();
  });

  it('publishes a draft and puts the published event in the cache', async () => {
    const published = { ...draft, status: 'published' };
    api.publishEvent.mockResolvedValue(published);
    const user = userEvent.setup();
    const { container, queryClient } = renderAt('/', '/', <PublishEvent event={draft} />);
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Publish event' }));
    expect(api.publishEvent).toHaveBeenCalledWith('e1');
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.events.detail('e1'))).toEqual(published));
  });

  it('shows why publishing failed', async () => {
    api.publishEvent.mockRejectedValue(
      new ApiError(409, {
        type: 'urn:admit:problem:conflict',
        title: 'Conflict',
        status: 409,
        detail: 'A cancelled event cannot be published.',
      }),
    );
    const user = userEvent.setup();
    renderAt('/', '/', <PublishEvent event={draft} />);
    await user.click(screen.getByRole('button', { name: 'Publish event' }));
    expect(await screen.findByText(/A cancelled event cannot be published\./)).toBeInTheDocument();
  });
});
