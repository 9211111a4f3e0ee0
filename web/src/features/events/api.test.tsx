import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useRegister } from './api';

const { api } = vi.hoisted(() => ({ api: { register: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  for (const key of [
    queryKeys.events.list('', 'any'),
    queryKeys.events.detail('e1'),
    queryKeys.events.detail('e2'),
    queryKeys.registrations.mine(),
    queryKeys.organizer.myEvents,
  ])
    client.setQueryData(key, {});
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const { result } = renderHook(() => useRegister('e1'), { wrapper });
  return { client, result };
}

const invalidated = (client: QueryClient) =>
  client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => JSON.stringify(q.queryKey))
    .sort();

const registration = { registrationId: 'r1', status: 'confirmed' };

describe('useRegister', () => {
  beforeEach(() => vi.clearAllMocks());

  it('sends the items it is given, keeps the registration and reloads the event, the listings and my registrations', async () => {
    api.register.mockResolvedValue(registration);
    const { client, result } = setup();
    const items = [
      { ticketTypeId: 't1', quantity: 2 },
      { ticketTypeId: 't2', quantity: 1 },
    ];
    await act(() => result.current.mutateAsync(items));
    expect(api.register).toHaveBeenCalledWith('e1', items, expect.any(String));
    expect(client.getQueryData(queryKeys.registrations.detail('r1'))).toEqual(registration);
    expect(invalidated(client)).toEqual(
      [queryKeys.events.list('', 'any'), queryKeys.events.detail('e1'), queryKeys.registrations.mine()]
        .map((k) => JSON.stringify(k))
        .sort(),
    );
  });

  it('retries a lost request with the same idempotency key, and starts afresh after an answer', async () => {
    api.register
      .mockRejectedValueOnce(new ApiError(0, null, 'offline'))
      .mockRejectedValueOnce(
        new ApiError(409, { type: 'urn:admit:problem:sold-out', title: 'Sold out', status: 409, detail: 'Sold out.' }),
      )
      .mockResolvedValue(registration);
    const { result } = setup();
    const one = [{ ticketTypeId: 't1', quantity: 1 }];
    await act(() => result.current.mutateAsync(one).catch(() => undefined));
    await act(() => result.current.mutateAsync(one).catch(() => undefined));
    await act(() => result.current.mutateAsync(one));
    const keys = api.register.mock.calls.map((call) => call[2]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });
});
