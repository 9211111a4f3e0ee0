import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { OrderRequest } from '../../api/types';
import { usePlaceOrder } from './api';

const { api } = vi.hoisted(() => ({ api: { placeOrder: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return renderHook(() => usePlaceOrder('e1'), { wrapper }).result;
}

const order = (holder: string): OrderRequest => ({
  eventId: 'e1',
  items: [{ ticketTypeId: 't1', quantity: 1 }],
  attendees: [{ name: holder }],
});
const offline = () => new ApiError(0, null, 'offline');

describe('usePlaceOrder', () => {
  beforeEach(() => vi.clearAllMocks());

  it('retries a lost order with its key, and gives an edited order a key of its own', async () => {
    api.placeOrder
      .mockRejectedValueOnce(offline())
      .mockRejectedValueOnce(offline())
      .mockResolvedValue({ registrationId: 'r1', status: 'confirmed' });
    const result = setup();
    await act(() => result.current.mutateAsync(order('Ada')).catch(() => undefined));
    await act(() => result.current.mutateAsync(order('Ada')).catch(() => undefined));
    await act(() => result.current.mutateAsync(order('Grace')));
    const keys = api.placeOrder.mock.calls.map((call) => call[1]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });
});
