import { Link, useParams } from 'react-router';
import type { Event, Question, Registration, Ticket } from '../../api/types';
import { AnswerList } from '../../components/AnswerList';
import { DateBadge } from '../../components/EventBits';
import { Alert, ErrorState, Loading, errorMessage } from '../../components/States';
import { holderCancel } from '../../lib/cancellation';
import { useTitle } from '../../lib/useTitle';
import { NothingToPay } from '../checkout/CheckoutOutcome';
import { PendingCheckout } from '../checkout/CheckoutPage';
import { CancelPolicyNote } from '../tickets/CancelPolicy';
import { RegistrationHeading } from '../tickets/RegistrationHeading';
import { CancelDialog, ZoomDialog } from '../tickets/TicketDialogs';
import { CancelTicketsDialog } from '../tickets/CancelTicketsDialog';
import { cancellableTickets } from '../tickets/refund';
import { TicketView } from '../tickets/TicketView';
import { useSession } from '../auth/session';
import { DeleteGuestData } from './DeleteGuestData';
import { forgetOrderToken } from './orderToken';
import { useGuestOrder } from './useGuestOrder';
import { useState } from 'react';

/// Said instead of the order when the page has no working link.
function NoLink({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="container container-sm">
      <div className="card card-pad">
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}

function OrderTickets({
  registration: r,
  event,
  questions,
  token,
  onZoom,
}: {
  registration: Registration;
  event?: Event;
  questions: Question[];
  token: string | null;
  onZoom: (t: Ticket) => void;
}) {
  if (r.tickets.length === 0) return null;
  const typeName = (id?: string) => (r.items.length > 1 ? r.items.find((i) => i.ticketTypeId === id)?.name : undefined);
  return (
    <ul className="tickets" aria-label="Tickets">
      {r.tickets.map((t, i) => (
        <TicketView
          key={t.ticketId}
          ticket={t}
          index={i}
          total={r.tickets.length}
          event={event}
          typeName={typeName(t.ticketTypeId)}
          questions={questions}
          orderToken={token}
          onZoom={() => onZoom(t)}
        />
      ))}
    </ul>
  );
}

/// A guest's order, reached by the link in its confirmation email (`/orders/{id}#token=…`): paid
/// here while it holds seats, else its tickets with their PDFs, sending them again and cancelling.
export default function GuestOrderPage() {
  const { registrationId = '' } = useParams();
  const g = useGuestOrder(registrationId);
  const session = useSession();
  const { registration, event } = g.checkout;
  const [erased, setErased] = useState(false);
  useTitle('Your order');

  if (erased) {
    return (
      <NoLink title="Your data was deleted">
        <Alert tone="ok">
          Your name, address and answers were erased from your orders, and orders for events still to come were cancelled (paid
          ones are refunded). The links in earlier emails no longer work.
        </Alert>
        <p>
          <Link to="/">Back to events</Link>
        </p>
      </NoLink>
    );
  }

  if (g.resent) {
    return (
      <NoLink title="Check your email">
        <Alert tone="ok">
          We sent your tickets again with a new link to this order. Earlier links, this page’s included, no longer work.
        </Alert>
      </NoLink>
    );
  }
  if (!g.token || g.refused) {
    return (
      <NoLink title="Open your order from its email">
        <p>
          {g.refused
            ? 'This link no longer opens the order: a newer email replaced it, or it belongs to another order.'
            : 'This page needs the link from your confirmation email.'}{' '}
          Use the link in the latest email about your order, or log in if you have an account with the same address.
        </p>
        <p>
          {session ? (
            <Link to={`/tickets?registration=${encodeURIComponent(registrationId)}`} className="btn btn-primary">
              See My tickets
            </Link>
          ) : (
            <Link to="/login" className="btn btn-primary">
              Log in
            </Link>
          )}
        </p>
      </NoLink>
    );
  }
  if (registration.isPending) return <Loading label="Loading your order…" />;
  if (registration.isError) {
    return (
      <div className="container">
        <ErrorState error={registration.error} retry={() => registration.refetch()} title="We could not load this order" />
      </div>
    );
  }
  const r = registration.data;
  const cancelDialog = <CancelDialog registration={g.cancelling} event={event} cancel={g.cancel} onClose={g.closeCancel} />;
  if (r.status === 'pending_payment') {
    // Paying it, or letting the held seats go.
    return (
      <>
        <PendingCheckout checkout={g.checkout} registration={r} orderToken={g.token} returnPath={`/orders/${registrationId}`} />
        <div className="container">
          <p>
            <button type="button" className="btn btn-sm btn-danger" onClick={() => g.setCancelling(r)}>
              Cancel this order
            </button>
          </p>
        </div>
        {cancelDialog}
      </>
    );
  }
  if (r.status === 'expired') return <NothingToPay registration={r} />;

  const policy = holderCancel(r, event);
  const cancellable = policy.kind === 'open';
  const someTickets = cancellable && cancellableTickets(r).length > 1;
  return (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>Your order</h1>
          <p>Keep the email with this order’s link: it is how you come back here.</p>
        </div>
      </div>
      <article className="card reg-card" aria-labelledby="order-event">
        <div className="reg-head">
          {event ? <DateBadge iso={event.date} timeZone={event.timezone} /> : <div className="skeleton date-badge-skeleton" />}
          <div className="reg-info">
            <RegistrationHeading registration={r} event={event} titleId="order-event" />
            {r.buyer && (
              <div className="small muted">
                Ordered by {r.buyer.name} ({r.buyer.email})
              </div>
            )}
            {r.status === 'confirmed' && <CancelPolicyNote policy={policy} event={event} />}
            <AnswerList questions={g.questions} answers={r.answers} />
          </div>
          <div className="row row-tight">
            {r.status === 'confirmed' && (
              <button type="button" className="btn btn-sm" onClick={() => g.resend.mutate()} disabled={g.resend.isPending}>
                Email me my tickets
              </button>
            )}
            {someTickets && (
              <button type="button" className="btn btn-sm btn-danger" onClick={() => g.setCancellingTickets(r)}>
                Cancel some tickets…
              </button>
            )}
            {cancellable && (
              <button type="button" className="btn btn-sm btn-danger" onClick={() => g.setCancelling(r)}>
                Cancel order
              </button>
            )}
          </div>
        </div>
        {g.resend.isError && (
          <div className="reg-body">
            <Alert tone="bad">{errorMessage(g.resend.error)}</Alert>
          </div>
        )}
        <div className="reg-body">
          <OrderTickets registration={r} event={event} questions={g.questions} token={g.token} onZoom={g.setZoom} />
        </div>
      </article>
      {cancelDialog}
      <CancelTicketsDialog
        registration={g.cancellingTickets}
        event={event}
        cancel={g.cancelTickets}
        onClose={g.closeCancelTickets}
      />
      <ZoomDialog zoom={g.zoom ? { ticket: g.zoom, event } : null} onClose={() => g.setZoom(null)} />
      <DeleteGuestData
        token={g.token}
        onErased={() => {
          forgetOrderToken(registrationId);
          setErased(true);
        }}
      />
    </div>
  );
}
