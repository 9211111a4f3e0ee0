import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { expectAccessible } from '../../test/axe';
import { renderAt } from '../../test/render';
import AdminPage from './AdminPage';
import { adminUser, auditEntry, problem } from './fixtures';

const { api } = vi.hoisted(() => ({
  api: {
    adminUsers: vi.fn(),
    changeUserRoles: vi.fn(),
    disableUser: vi.fn(),
    enableUser: vi.fn(),
    eraseUser: vi.fn(),
    eraseGuest: vi.fn(),
    auditLog: vi.fn(),
  },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const ada = adminUser();
const grace = adminUser({ userId: 'u-grace', email: 'grace@example.org', name: 'Grace Hopper', roles: ['attendee', 'admin'] });

/// Puts the viewer in a zone other than UTC for one test, so a time shown or read in UTC differs.
function viewerIn(zone: string) {
  const before = process.env.TZ;
  process.env.TZ = zone;
  onTestFinished(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
}

const accounts = () => screen.findByRole('list', { name: 'Accounts' });
const row = async (name: string) => (await within(await accounts()).findByText(name)).closest('li')!;

describe('AdminPage: accounts', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.adminUsers.mockResolvedValue({ items: [ada, grace], nextCursor: null });
    api.auditLog.mockResolvedValue({ items: [], nextCursor: null });
  });

  it('lists accounts with their roles and passes axe', async () => {
    const { container } = renderAt('/admin', '/admin', <AdminPage />);
    expect(await screen.findByRole('checkbox', { name: 'admin role for Grace Hopper' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'admin role for Ada Lovelace' })).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Disable Ada Lovelace' })).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('searches on the server and loads more pages with the cursor', async () => {
    api.adminUsers.mockImplementation(async (q: string, cursor?: string | null) =>
      q === 'ada' && !cursor
        ? { items: [ada], nextCursor: 'c2' }
        : q === 'ada'
          ? { items: [adminUser({ userId: 'u-ada2', name: 'Ada Two', email: 'ada2@example.org' })], nextCursor: null }
          : { items: [ada, grace], nextCursor: null },
    );
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.type(await screen.findByRole('searchbox', { name: 'Search accounts' }), 'ada');
    await waitFor(() => expect(screen.queryByText('Grace Hopper')).not.toBeInTheDocument());
    expect(api.adminUsers).toHaveBeenCalledWith('ada', null, expect.anything());
    await user.click(screen.getByRole('button', { name: 'More accounts' }));
    expect(await screen.findByText('Ada Two')).toBeInTheDocument();
    expect(api.adminUsers).toHaveBeenCalledWith('ada', 'c2', expect.anything());
  });

  it('grants and revokes one role at a time, showing the account as the server returns it', async () => {
    api.changeUserRoles.mockResolvedValueOnce({ ...ada, roles: ['attendee', 'organizer'] });
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.click(await screen.findByRole('checkbox', { name: 'organizer role for Ada Lovelace' }));
    expect(api.changeUserRoles).toHaveBeenCalledWith('u-ada', { grant: ['organizer'] });
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'organizer role for Ada Lovelace' })).toBeChecked());

    api.changeUserRoles.mockResolvedValueOnce({ ...grace, roles: ['attendee'] });
    await user.click(screen.getByRole('checkbox', { name: 'admin role for Grace Hopper' }));
    expect(api.changeUserRoles).toHaveBeenCalledWith('u-grace', { revoke: ['admin'] });
  });

  it('shows the last-admin refusal beside that account and changes nothing', async () => {
    api.disableUser.mockRejectedValue(problem(409, 'last-admin'));
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.click(await screen.findByRole('button', { name: 'Disable Grace Hopper' }));
    const graceRow = await row('Grace Hopper');
    expect(await within(graceRow).findByRole('alert')).toHaveTextContent(/only enabled admin account/);
    expect(within(await row('Ada Lovelace')).queryByRole('alert')).not.toBeInTheDocument();
    expect(within(graceRow).getByRole('button', { name: 'Disable Grace Hopper' })).toBeInTheDocument();
  });

  it('enables a disabled account', async () => {
    api.adminUsers.mockResolvedValue({
      items: [{ ...ada, disabled: true, disabledAt: '2026-12-01T10:00:00Z' }],
      nextCursor: null,
    });
    api.enableUser.mockResolvedValue(ada);
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.click(await screen.findByRole('button', { name: 'Enable Ada Lovelace' }));
    expect(api.enableUser).toHaveBeenCalledWith('u-ada');
    expect(await screen.findByRole('button', { name: 'Disable Ada Lovelace' })).toBeInTheDocument();
  });

  it('erases only after a dialog that says what erasure does', async () => {
    const erased = { ...ada, name: 'Erased person', email: 'erased-u-ada@erased.invalid', disabled: true };
    api.eraseUser.mockResolvedValue({
      user: erased,
      erasedAt: '2026-12-07T08:00:00Z',
      cancelledRegistrations: ['r1', 'r2'],
      refundedRegistrations: ['r2'],
    });
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.click(await screen.findByRole('button', { name: 'Erase data of Ada Lovelace' }));
    const dialog = screen.getByRole('dialog', { name: 'Erase Ada Lovelace’s data?' });
    expect(dialog).toHaveTextContent(/cannot be undone/);
    expect(dialog).toHaveTextContent(/registrations for events that have not started are cancelled; paid ones are refunded/);
    expect(api.eraseUser).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect(api.eraseUser).toHaveBeenCalledWith('u-ada');
    expect(await screen.findByText('Erased person')).toBeInTheDocument();
    expect(screen.getByText(/Registrations cancelled: 2; of them refunded: 1/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Erase Erased person/ })).not.toBeInTheDocument();
  });

  it('keeping the account in the dialog erases nothing', async () => {
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.click(await screen.findByRole('button', { name: 'Erase data of Ada Lovelace' }));
    await user.click(screen.getByRole('button', { name: 'Keep the account' }));
    expect(api.eraseUser).not.toHaveBeenCalled();
  });

  it('says "Not allowed" when the server refuses the account (403)', async () => {
    api.adminUsers.mockRejectedValue(problem(403, 'forbidden', 'Only admins may do this.'));
    renderAt('/admin', '/admin', <AdminPage />);
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Accounts' })).not.toBeInTheDocument();
  });
});

describe('AdminPage: erasing a guest buyer', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.adminUsers.mockResolvedValue({ items: [ada], nextCursor: null });
    api.auditLog.mockResolvedValue({ items: [], nextCursor: null });
  });

  const form = () => screen.getByRole('form', { name: 'Erase a guest buyer' });

  it('erases by address only after a confirmation, and says what it did', async () => {
    api.eraseGuest.mockResolvedValue({
      guestId: 'g1',
      erasedAt: '2026-12-07T10:00:00Z',
      cancelledRegistrations: ['r1', 'r2'],
      refundedRegistrations: ['r2'],
    });
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.type(within(form()).getByLabelText('Guest’s email address'), 'kim@example.org');
    await user.click(within(form()).getByRole('button', { name: 'Erase guest data' }));
    const dialog = screen.getByRole('dialog', { name: 'Erase the guest data of kim@example.org?' });
    expect(api.eraseGuest).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect(api.eraseGuest).toHaveBeenCalledWith('kim@example.org');
    expect(await screen.findByText(/Orders cancelled: 2; refunds started: 1/)).toBeInTheDocument();
  });

  it('explains an address that belongs to an account (409)', async () => {
    api.eraseGuest.mockRejectedValue(problem(409, 'conflict'));
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    await user.type(within(form()).getByLabelText('Guest’s email address'), 'kim@example.org');
    await user.click(within(form()).getByRole('button', { name: 'Erase guest data' }));
    const dialog = screen.getByRole('dialog', { name: 'Erase the guest data of kim@example.org?' });
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/erase it there/);
  });
});

describe('AdminPage: the audit log', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.adminUsers.mockResolvedValue({ items: [], nextCursor: null });
  });

  it('filters by action and time (sent as UTC) and pages with nextCursor', async () => {
    viewerIn('America/New_York');
    api.auditLog.mockImplementation(async (filters: Record<string, string>, cursor?: string | null) =>
      !filters.action
        ? { items: [auditEntry({ action: 'event.created', subject: { type: 'event', id: 'e1' } })], nextCursor: null }
        : cursor
          ? { items: [auditEntry({ subject: { type: 'registration', id: 'r-old' } })], nextCursor: null }
          : { items: [auditEntry()], nextCursor: 'older' },
    );
    const user = userEvent.setup();
    renderAt('/admin', '/admin', <AdminPage />);
    expect(await screen.findByText('event.created')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Action' }), 'registration.cancelled');
    await user.type(screen.getByLabelText('From'), '2026-12-01T09:00');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    expect(await screen.findByText('registration.cancelled')).toBeInTheDocument();
    expect(api.auditLog).toHaveBeenLastCalledWith(
      { action: 'registration.cancelled', from: '2026-12-01T14:00:00.000Z' },
      null,
      expect.anything(),
    );
    await user.click(screen.getByRole('button', { name: 'Older entries' }));
    expect(await screen.findByText('r-old')).toBeInTheDocument();
    expect(api.auditLog).toHaveBeenLastCalledWith(
      expect.objectContaining({ action: 'registration.cancelled' }),
      'older',
      expect.anything(),
    );
  });

  it('shows times in the viewer’s time zone and filters by an actor from a row', async () => {
    viewerIn('America/New_York');
    api.auditLog.mockResolvedValue({
      items: [auditEntry(), auditEntry({ actorId: null, action: 'registration.expired' })],
      nextCursor: null,
    });
    const user = userEvent.setup();
    const { container } = renderAt('/admin', '/admin', <AdminPage />);
    await screen.findByText('registration.cancelled');
    const when = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      timeZone: 'America/New_York',
    }).format(new Date('2026-12-01T10:15:00Z'));
    expect(screen.getAllByText(when)[0]).toHaveAttribute('datetime', '2026-12-01T10:15:00Z');
    expect(screen.getByText(/Times are in your time zone \(America\/New_York\)/)).toBeInTheDocument();
    expect(screen.getByText('System or command line')).toBeInTheDocument();
    await expectAccessible(container);
    // The actor by their name now, with the account's id.
    expect(screen.getByText('Ada Lovelace')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Ada Lovelace u-ada: show their entries' }));
    await waitFor(() => expect(api.auditLog).toHaveBeenLastCalledWith({ actorId: 'u-ada' }, null, expect.anything()));
    expect(screen.getByRole('textbox', { name: 'Actor id' })).toHaveValue('u-ada');
  });
});
