import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/queryKeys';
import type { RegistrationRow } from '../../api/types';
import { useCancelEvent, useCancelRegistration } from './api';

const { api } = vi.hoisted(() => ({ api: { cancelRegistration: vi.fn(), cancelEvent: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

/// A cache holding one query under each key the organizer's pages use, for two events.
function seededClient() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const keys = [
    queryKeys.events.list('', 'any'),
    queryKeys.events.detail('e1'),
    queryKeys.events.detail('e2'),
    queryKeys.organizer.myEvents,
    queryKeys.organizer.registrationSearch('e1', ''),
    queryKeys.organizer.registrationSearch('e1', 'ann'),
    queryKeys.organizer.registrationSearch('e2', ''),
    queryKeys.organizer.analytics('e1'),
    queryKeys.organizer.analytics('e2'),
    queryKeys.staff.event('e1'),
  ];
  for (const key of keys) client.setQueryData(key, {});
  return client;
}

/// The keys a mutation left invalidated, as JSON so they compare as values.
const invalidated = (client: QueryClient) =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => JSON.stringify(q.queryKey))
    .sort();

const wrapper = (client: QueryClient) =>
  function Wrapper({ children }: { children: ReactNode }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };

describe('organizer mutations invalidate what they change, through the key factory', () => {
  beforeEach(() => vi.clearAllMocks());

  it('cancelling a registration reloads that event’s registrations (every search), seats, analytics and the organizer’s events', async () => {
    api.cancelRegistration.mockResolvedValue({});
    const client = seededClient();
    const { result } = renderHook(() => useCancelRegistration('e1'), { wrapper: wrapper(client) });
    await act(() => result.current.mutateAsync({ row: { registrationId: 'r1' } as RegistrationRow, reason: 'double booking' }));
    expect(api.cancelRegistration).toHaveBeenCalledWith('r1', 'double booking');
    expect(invalidated(client)).toEqual(
      [
        queryKeys.events.detail('e1'),
        queryKeys.organizer.myEvents,
        queryKeys.organizer.registrationSearch('e1', ''),
        queryKeys.organizer.registrationSearch('e1', 'ann'),
        queryKeys.organizer.analytics('e1'),
      ]
        .map((k) => JSON.stringify(k))
        .sort(),
    );
  });

  it('cancelling the event stores the answer and reloads the listings and its registrations', async () => {
    api.cancelEvent.mockResolvedValue({ eventId: 'e1', status: 'cancelled' });
    const client = seededClient();
    const { result } = renderHook(() => useCancelEvent('e1'), { wrapper: wrapper(client) });
    await act(() => result.current.mutateAsync());
    expect(client.getQueryData(queryKeys.events.detail('e1'))).toEqual({ eventId: 'e1', status: 'cancelled' });
    expect(invalidated(client)).toEqual(
      [
        queryKeys.events.list('', 'any'),
        queryKeys.organizer.myEvents,
        queryKeys.organizer.registrationSearch('e1', ''),
        queryKeys.organizer.registrationSearch('e1', 'ann'),
      ]
        .map((k) => JSON.stringify(k))
        .sort(),
    );
  });
});
