import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, Question } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import OrderFormPage from './OrderFormPage';

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  description: '',
  date: '2030-07-02T19:00:00Z',
  timezone: 'Europe/Berlin',
  location: 'Roof',
  capacity: 40,
  registeredCount: 0,
  seatsLeft: 40,
  maxPerAttendee: 6,
  organizerId: 'o1',
  price: 20,
  currency: 'EUR',
  status: 'published',
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  cancellationDeadline: null,
  holdSeconds: null,
  endDate: null,
  ticketTypes: [
    ticketType({ ticketTypeId: 'vip', name: 'VIP', price: 50, position: 0 }),
    ticketType({ ticketTypeId: 'regular', name: 'Regular', price: 20, position: 1 }),
  ],
} as Event;

const question = (over: Partial<Question>): Question => ({
  questionId: 'q',
  eventId: 'e1',
  label: 'Q',
  type: 'text',
  options: [],
  required: false,
  scope: 'ticket',
  ticketTypeIds: [],
  position: 0,
  ...over,
});
const questions = [
  question({ questionId: 'diet', label: 'Diet', type: 'select', options: ['None', 'Vegan'], required: true }),
  question({
    questionId: 'ws',
    label: 'Workshops',
    type: 'multiselect',
    options: ['A', 'B'],
    ticketTypeIds: ['vip'],
    position: 1,
  }),
  question({
    questionId: 'rules',
    label: 'I accept the house rules',
    type: 'checkbox',
    required: true,
    scope: 'order',
    position: 2,
  }),
];

const { api } = vi.hoisted(() => ({
  api: { event: vi.fn(), myRegistrations: vi.fn(), questions: vi.fn(), placeOrder: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

function Where() {
  const l = useLocation();
  return <p>at {`${l.pathname}${l.search}${l.hash}`}</p>;
}

const path = `/events/e1/order?items=${encodeURIComponent('vip:1,regular:1')}`;
const render = () =>
  renderAt(path, '/events/:eventId/order', <OrderFormPage />, {
    '/checkout/:id': <Where />,
    '/orders/:id': <Where />,
    '/tickets': <Where />,
  });

const signIn = () =>
  localStorage.setItem(
    'admit.session',
    JSON.stringify({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 3600_000,
      user: { userId: 'u1', email: 'ada@example.org', name: 'Ada Buyer', roles: ['attendee'] },
    }),
  );

const ticketBox = (n: number) => screen.getByRole('group', { name: new RegExp(`^Ticket ${n} of 2`) });

describe('OrderFormPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    localStorage.clear();
    sessionStorage.clear();
    api.event.mockResolvedValue(event);
    api.myRegistrations.mockResolvedValue({ items: [], nextCursor: null });
    api.questions.mockResolvedValue({ items: questions });
  });

  it('asks each ticket’s holder and the questions of its type, marks what is required, and checks before sending', async () => {
    signIn();
    const user = userEvent.setup();
    const { container } = render();
    await screen.findByRole('heading', { name: 'Your details' });
    expect(screen.getByText(/Ordering as/)).toHaveTextContent('Ordering as Ada Buyer (ada@example.org).');
    // The VIP ticket is asked the workshops; the regular one is not.
    expect(within(ticketBox(1)).getByRole('group', { name: /Workshops/ })).toBeInTheDocument();
    expect(within(ticketBox(2)).queryByRole('group', { name: /Workshops/ })).toBeNull();
    expect(within(ticketBox(1)).getByRole('textbox', { name: 'Name on the ticket' })).toHaveValue('Ada Buyer');
    expect(within(ticketBox(2)).getByRole('textbox', { name: 'Name on the ticket' })).toHaveValue('');
    expect(within(ticketBox(2)).getByRole('combobox', { name: 'Diet' })).toHaveAttribute('aria-required', 'true');
    await expectAccessible(container);

    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(api.placeOrder).not.toHaveBeenCalled();
    expect(within(ticketBox(2)).getByRole('textbox', { name: 'Name on the ticket' })).toHaveAccessibleDescription(
      'Enter a name.',
    );
    expect(within(ticketBox(1)).getByRole('combobox', { name: 'Diet' })).toHaveAccessibleDescription(
      'Please answer this question.',
    );
    expect(screen.getByRole('checkbox', { name: 'I accept the house rules' })).toHaveAccessibleDescription(
      'Tick this box to continue.',
    );
    // The first field in error takes the focus.
    expect(within(ticketBox(1)).getByRole('combobox', { name: 'Diet' })).toHaveFocus();
    await expectAccessible(container);
  });

  it('sends the holders and answers, shows the server’s field errors beside their fields, then goes on to pay', async () => {
    signIn();
    api.placeOrder.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'Some answers are missing or not valid.',
        errors: [{ field: 'attendees[1].answers.diet', message: "must be one of the question's options" }],
      }),
    );
    api.placeOrder.mockResolvedValueOnce({ registrationId: 'r1', status: 'pending_payment' });
    const user = userEvent.setup();
    render();
    await screen.findByRole('heading', { name: 'Your details' });
    await user.selectOptions(within(ticketBox(1)).getByRole('combobox', { name: 'Diet' }), 'Vegan');
    await user.click(within(ticketBox(1)).getByRole('checkbox', { name: 'B' }));
    await user.type(within(ticketBox(2)).getByRole('textbox', { name: 'Name on the ticket' }), 'Bob Guest');
    await user.type(within(ticketBox(2)).getByRole('textbox', { name: 'Email of the ticket holder' }), 'bob@example.org');
    await user.selectOptions(within(ticketBox(2)).getByRole('combobox', { name: 'Diet' }), 'None');
    await user.click(screen.getByRole('checkbox', { name: 'I accept the house rules' }));
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));

    expect(await within(ticketBox(2)).findByText("The answer must be one of the question's options.")).toBeInTheDocument();
    expect(within(ticketBox(2)).getByRole('combobox', { name: 'Diet' })).toHaveAccessibleDescription(
      "The answer must be one of the question's options.",
    );
    expect(api.placeOrder).toHaveBeenCalledWith(
      {
        eventId: 'e1',
        items: [
          { ticketTypeId: 'vip', quantity: 1 },
          { ticketTypeId: 'regular', quantity: 1 },
        ],
        attendees: [
          { name: 'Ada Buyer', answers: { diet: 'Vegan', ws: ['B'] } },
          { name: 'Bob Guest', email: 'bob@example.org', answers: { diet: 'None' } },
        ],
        answers: { rules: true },
      },
      expect.any(String),
    );
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(await screen.findByText('at /checkout/r1')).toBeInTheDocument();
  });

  it('lets a visitor order as a guest: the buyer’s name and email, then the order page by its token link', async () => {
    api.questions.mockResolvedValue({ items: [] });
    api.placeOrder.mockResolvedValue({ registrationId: 'r9', status: 'pending_payment', orderToken: 'tok-123' });
    const user = userEvent.setup();
    const { container } = render();
    await screen.findByRole('heading', { name: 'Your details' });
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', `/login?next=${encodeURIComponent(path)}`);
    expect(screen.queryByRole('button', { name: 'Continue to payment' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Continue without an account' }));
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(screen.getByRole('textbox', { name: 'Your email' })).toHaveAccessibleDescription(
      /Enter your email address: your tickets are sent there\./,
    );
    expect(api.placeOrder).not.toHaveBeenCalled();
    await user.type(screen.getByRole('textbox', { name: 'Your name' }), 'Grace Guest');
    await user.type(screen.getByRole('textbox', { name: 'Your email' }), 'grace@example.org');
    // The buyer's name names the first ticket until it is changed.
    expect(within(ticketBox(1)).getByRole('textbox', { name: 'Name on the ticket' })).toHaveValue('Grace Guest');
    await user.type(within(ticketBox(2)).getByRole('textbox', { name: 'Name on the ticket' }), 'Hal');
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(await screen.findByText('at /orders/r9#token=tok-123')).toBeInTheDocument();
    expect(api.placeOrder).toHaveBeenCalledWith(
      expect.objectContaining({
        buyer: { name: 'Grace Guest', email: 'grace@example.org' },
        attendees: [{ name: 'Grace Guest' }, { name: 'Hal' }],
      }),
      expect.any(String),
    );
    expect(sessionStorage.getItem('admit.orderToken.r9')).toBe('tok-123');
  });

  it('tells a guest whose address has an unpaid order to finish it from its email', async () => {
    api.questions.mockResolvedValue({ items: [] });
    api.placeOrder.mockRejectedValue(
      new ApiError(409, {
        type: 'urn:admit:problem:unpaid-order-open',
        title: 'Conflict',
        status: 409,
        detail: 'This address has an unpaid order for this event.',
      }),
    );
    const user = userEvent.setup();
    render();
    await user.click(await screen.findByRole('button', { name: 'Continue without an account' }));
    await user.type(screen.getByRole('textbox', { name: 'Your name' }), 'Grace Guest');
    await user.type(screen.getByRole('textbox', { name: 'Your email' }), 'grace@example.org');
    await user.type(within(ticketBox(2)).getByRole('textbox', { name: 'Name on the ticket' }), 'Hal');
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(await screen.findByText('This address already has an unpaid order for this event')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'See it in My tickets' })).toBeNull();
  });

  it('says why nothing can be ordered when the address names no ticket on sale', async () => {
    signIn();
    renderAt('/events/e1/order?items=nope:2', '/events/:eventId/order', <OrderFormPage />);
    expect(await screen.findByText('No tickets are chosen. Choose them on the event page.')).toBeInTheDocument();
  });
});
