import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { entry, soldOutEvent } from './fixtures';
import { MyWaitlist } from './MyWaitlist';
import WaitlistConfirmPage from './WaitlistConfirmPage';
import { WaitlistSection } from './WaitlistSection';

const { api, waitlistRequests } = vi.hoisted(() => ({
  api: { event: vi.fn() },
  waitlistRequests: { confirm: vi.fn(), eventList: vi.fn(), pause: vi.fn(), resume: vi.fn(), remove: vi.fn(), mine: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('./requests', () => ({ waitlistRequests }));

describe('WaitlistConfirmPage', () => {
  beforeEach(() => vi.clearAllMocks());

  it('confirms a guest’s place once, even under StrictMode, and says where they stand', async () => {
    waitlistRequests.confirm.mockResolvedValue(entry({ position: 4 }));
    const { container } = renderAt(
      '/waitlist/confirm#token=c-1',
      '/waitlist/confirm',
      <WaitlistConfirmPage />,
      {},
      { strict: true },
    );
    expect(await screen.findByText('Your place is confirmed')).toBeInTheDocument();
    expect(screen.getByText(/You are number 4 in line/)).toBeInTheDocument();
    expect(waitlistRequests.confirm).toHaveBeenCalledTimes(1);
    expect(waitlistRequests.confirm).toHaveBeenCalledWith('c-1');
    await expectAccessible(container);
  });

  it('says a used or unknown link does not work', async () => {
    waitlistRequests.confirm.mockRejectedValue(
      new ApiError(400, { type: 'urn:admit:problem:validation-error', title: 'Bad', status: 400, detail: 'Bad token.' }),
    );
    renderAt('/waitlist/confirm#token=old', '/waitlist/confirm', <WaitlistConfirmPage />);
    expect(await screen.findByText('This link does not work')).toBeInTheDocument();
  });
});

describe('WaitlistSection (organizer)', () => {
  beforeEach(() => vi.clearAllMocks());

  const list = [
    entry({ waitlistEntryId: 'w1', name: 'Ada', position: 1, status: 'offered', offerExpiresAt: '2030-06-02T10:00:00Z' }),
    entry({ waitlistEntryId: 'w2', name: 'Bob', position: 2, ticketTypeId: 'vip', quantity: 1, confirmed: false }),
    entry({ waitlistEntryId: 'w3', name: 'Cy', position: null, status: 'expired' }),
  ];

  it('lists who waits in order, with type, quantity and offer expiry; hides closed entries until asked', async () => {
    waitlistRequests.eventList.mockResolvedValue({ items: list, nextCursor: null, paused: false });
    const user = userEvent.setup();
    const { container } = renderAt('/', '/', <WaitlistSection event={soldOutEvent} />);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(/1Ada.*Any2Offereduntil .*Jun 2, 2030/);
    expect(rows[1]).toHaveTextContent('address not confirmed yet');
    expect(rows[1]).toHaveTextContent('VIP');
    await expectAccessible(container);
    await user.click(screen.getByLabelText(/Show claimed, expired and removed/));
    expect(within(table).getAllByRole('row')).toHaveLength(4);
  });

  it('gives a place in line only to entries still in it (a claimed one is answered with position 0)', async () => {
    waitlistRequests.eventList.mockResolvedValue({
      items: [entry({ waitlistEntryId: 'w4', name: 'Dee', position: 0, status: 'claimed' }), list[1]],
      nextCursor: null,
      paused: false,
    });
    const user = userEvent.setup();
    renderAt('/', '/', <WaitlistSection event={soldOutEvent} />);
    await user.click(await screen.findByLabelText(/Show claimed, expired and removed/));
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getAllByRole('cell')[0]).toHaveTextContent(/^–$/);
    expect(within(rows[1]!).getAllByRole('cell')[0]).toHaveTextContent(/^2$/);
  });

  it('pauses offers and removes someone', async () => {
    waitlistRequests.eventList.mockResolvedValue({ items: list, nextCursor: null, paused: false });
    waitlistRequests.pause.mockResolvedValue({ paused: true });
    waitlistRequests.remove.mockResolvedValue(undefined);
    const user = userEvent.setup();
    renderAt('/', '/', <WaitlistSection event={soldOutEvent} />);
    await user.click(await screen.findByRole('button', { name: 'Pause offers' }));
    expect(waitlistRequests.pause).toHaveBeenCalledWith('e1');
    await user.click(screen.getByRole('button', { name: 'Remove Ada from the waiting list' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('the seats held for them go to the next person in line');
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(waitlistRequests.remove).toHaveBeenCalledWith('e1', 'w1'));
  });
});

describe('MyWaitlist', () => {
  beforeEach(() => vi.clearAllMocks());

  it('shows the open entries with their event, place or offer, and leaves one', async () => {
    api.event.mockResolvedValue(soldOutEvent);
    waitlistRequests.mine.mockResolvedValue({
      items: [
        entry({ position: 3 }),
        entry({ waitlistEntryId: 'w9', status: 'offered', offerExpiresAt: '2030-06-02T10:00:00Z' }),
        entry({ waitlistEntryId: 'w0', status: 'claimed' }),
      ],
    });
    waitlistRequests.remove.mockResolvedValue(undefined);
    const user = userEvent.setup();
    const { container } = renderAt('/', '/', <MyWaitlist />);
    const items = within(await screen.findByRole('list')).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('number 3 in line');
    expect(within(items[1]!).getByRole('link', { name: 'See the offer' })).toHaveAttribute('href', '/offers/w9');
    await waitFor(() => expect(items[0]).toHaveTextContent('Rooftop Jazz'));
    // The offer's end in the event's time zone, as its email says it.
    expect(items[1]).toHaveTextContent('seats held for you until Sun, Jun 2, 2030, 12:00 PM GMT+2');
    await expectAccessible(container);
    await user.click(within(items[0]!).getByRole('button', { name: 'Leave the waiting list for Rooftop Jazz' }));
    await user.click(screen.getByRole('button', { name: 'Leave it' }));
    await waitFor(() => expect(waitlistRequests.remove).toHaveBeenCalledWith('e1', 'w1', undefined));
  });
});
