import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import { EventActivity } from './EventActivity';
import { auditEntry, problem } from './fixtures';

const { api } = vi.hoisted(() => ({ api: { eventAudit: vi.fn() } }));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

describe('EventActivity', () => {
  beforeEach(() => vi.resetAllMocks());

  it('loads the event’s entries only when opened, then pages to older ones', async () => {
    api.eventAudit.mockResolvedValueOnce({ items: [auditEntry()], nextCursor: 'c2' }).mockResolvedValueOnce({
      items: [auditEntry({ action: 'event.created', subject: { type: 'event', id: 'e1' } })],
      nextCursor: null,
    });
    const user = userEvent.setup();
    const { container } = renderAt('/m', '/m', <EventActivity eventId="e1" />);
    expect(api.eventAudit).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Show activity' }));
    expect(await screen.findByText('registration.cancelled')).toBeInTheDocument();
    expect(screen.getByText('by holder; seats released: 2')).toBeInTheDocument();
    expect(api.eventAudit).toHaveBeenCalledWith('e1', null, expect.anything());
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Older entries' }));
    expect(await screen.findByText('event.created')).toBeInTheDocument();
    expect(api.eventAudit).toHaveBeenLastCalledWith('e1', 'c2', expect.anything());
  });

  it('says what the server refused (403 for someone else’s event)', async () => {
    api.eventAudit.mockRejectedValue(problem(403, 'forbidden', 'Only the event’s organizer may see its audit log.'));
    const user = userEvent.setup();
    renderAt('/m', '/m', <EventActivity eventId="e1" />);
    await user.click(screen.getByRole('button', { name: 'Show activity' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only the event’s organizer may see its audit log.');
  });
});
