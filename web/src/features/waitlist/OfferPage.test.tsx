import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Question } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { signIn } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { offer, soldOutEvent } from './fixtures';
import OfferPage from './OfferPage';

const { api, waitlistRequests } = vi.hoisted(() => ({
  api: { event: vi.fn(), questions: vi.fn() },
  waitlistRequests: { offer: vi.fn(), claim: vi.fn(), remove: vi.fn(), mine: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));
vi.mock('./requests', () => ({ waitlistRequests }));

const diet: Question = {
  questionId: 'diet',
  eventId: 'e1',
  label: 'Diet',
  type: 'text',
  options: [],
  required: true,
  scope: 'ticket',
  ticketTypeIds: [],
  position: 0,
};

function Where() {
  const l = useLocation();
  return <p>at {`${l.pathname}${l.search}${l.hash}`}</p>;
}

const open = (path: string) =>
  renderAt(path, '/offers/:entryId', <OfferPage />, {
    '/orders/:id': <Where />,
    '/checkout/:id': <Where />,
    '/events/:id': <Where />,
  });

describe('OfferPage', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    sessionStorage.clear();
    api.event.mockResolvedValue(soldOutEvent);
    api.questions.mockResolvedValue({ items: [diet] });
  });

  it('says until when the seats are held in the event’s time zone, as the offer’s email does', async () => {
    waitlistRequests.offer.mockResolvedValue(offer({ offerExpiresAt: '2030-06-02T10:00:00Z' }));
    open('/offers/w1#token=off-1');
    // Berlin is two hours ahead of UTC in June; no seconds, and the zone named.
    expect(await screen.findByText('Held for you until Sun, Jun 2, 2030, 12:00 PM GMT+2')).toBeInTheDocument();
  });

  it('reads the token from the fragment, shows what is held until when, and claims it as a guest into the order page', async () => {
    waitlistRequests.offer.mockResolvedValue(offer());
    waitlistRequests.claim.mockResolvedValue({ registrationId: 'r7', status: 'pending_payment', orderToken: 'ord-7' });
    const user = userEvent.setup();
    const { container } = open('/offers/w1#token=off-1');
    expect(await screen.findByRole('heading', { name: 'Seats are waiting for you' })).toBeInTheDocument();
    expect(waitlistRequests.offer).toHaveBeenCalledWith('w1', 'off-1');
    expect(sessionStorage.getItem('admit.offerToken.w1')).toBe('off-1');
    expect(screen.getByText(/2 tickets/).closest('p')).toHaveTextContent('2 tickets (General) for Rooftop Jazz, €25 each.');
    expect(screen.getByText(/Held for you until/)).toBeInTheDocument();
    await expectAccessible(container);
    // The holders and questions are checked as at checkout.
    await user.click(screen.getByRole('button', { name: 'Claim and continue to payment' }));
    expect(waitlistRequests.claim).not.toHaveBeenCalled();
    const names = screen.getAllByLabelText(/Name on the ticket/);
    await user.type(names[0]!, 'Ada');
    await user.type(names[1]!, 'Bob');
    for (const d of screen.getAllByLabelText(/Diet/)) await user.type(d, 'None');
    await user.click(screen.getByRole('button', { name: 'Claim and continue to payment' }));
    expect(waitlistRequests.claim).toHaveBeenCalledWith(
      {
        eventId: 'e1',
        waitlistOfferToken: 'off-1',
        attendees: [
          { name: 'Ada', answers: { diet: 'None' } },
          { name: 'Bob', answers: { diet: 'None' } },
        ],
      },
      expect.any(String),
      { guest: true },
    );
    expect(await screen.findByText('at /orders/r7#token=ord-7')).toBeInTheDocument();
  });

  it('claims with the session when signed in and goes on to pay', async () => {
    signIn();
    api.questions.mockResolvedValue({ items: [] });
    waitlistRequests.offer.mockResolvedValue(offer({ quantity: 1 }));
    waitlistRequests.claim.mockResolvedValue({ registrationId: 'r8', status: 'pending_payment' });
    const user = userEvent.setup();
    open('/offers/w1#token=off-2');
    await user.click(await screen.findByRole('button', { name: 'Claim and continue to payment' }));
    expect(waitlistRequests.claim).toHaveBeenCalledWith(
      { eventId: 'e1', waitlistOfferToken: 'off-2', attendees: [{ name: 'Ada Lovelace' }] },
      expect.any(String),
      { guest: false },
    );
    expect(await screen.findByText('at /checkout/r8')).toBeInTheDocument();
  });

  it('says an offer that lapsed meanwhile is no longer available', async () => {
    api.questions.mockResolvedValue({ items: [] });
    waitlistRequests.offer.mockResolvedValue(offer({ quantity: 1 }));
    waitlistRequests.claim.mockRejectedValue(
      new ApiError(409, { type: 'urn:admit:problem:offer-not-available', title: 'Gone', status: 409, detail: 'Gone.' }),
    );
    const user = userEvent.setup();
    open('/offers/w1#token=off-3');
    await user.type(await screen.findByLabelText(/Name on the ticket/), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Claim and continue to payment' }));
    expect(await screen.findByText('This offer is no longer available')).toBeInTheDocument();
  });

  it('tells an expired offer and a link that does not work apart', async () => {
    waitlistRequests.offer.mockResolvedValueOnce(offer({ status: 'expired' }));
    const first = open('/offers/w1#token=off-4');
    expect(await screen.findByRole('heading', { name: 'This offer has expired' })).toBeInTheDocument();
    first.unmount();
    waitlistRequests.offer.mockRejectedValue(
      new ApiError(404, { type: 'urn:admit:problem:not-found', title: 'Not found', status: 404, detail: 'No.' }),
    );
    open('/offers/w2#token=bad');
    expect(await screen.findByRole('heading', { name: 'This offer link does not work' })).toBeInTheDocument();
  });

  it('lets the seats go with the link’s token', async () => {
    api.questions.mockResolvedValue({ items: [] });
    waitlistRequests.offer.mockResolvedValue(offer());
    waitlistRequests.remove.mockResolvedValue(undefined);
    const user = userEvent.setup();
    open('/offers/w1#token=off-5');
    await user.click(await screen.findByRole('button', { name: 'I no longer want them' }));
    await user.click(screen.getByRole('button', { name: 'Let them go' }));
    await waitFor(() => expect(waitlistRequests.remove).toHaveBeenCalledWith('e1', 'w1', 'off-5'));
  });

  it('asks for the email’s link when there is neither a token nor a session', async () => {
    open('/offers/w1');
    expect(screen.getByRole('heading', { name: 'Open your offer from its email' })).toBeInTheDocument();
    expect(waitlistRequests.offer).not.toHaveBeenCalled();
  });
});
