import { Link, useParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { ErrorState, Loading } from '../../components/States';
import { pluralize } from '../../lib/format';
import { EventDescription, EventFacts, EventHero, YourRegistrations } from './EventDetails';
import { RegisterError } from './RegisterError';
import { TicketBox } from './TicketBox';
import { useEventPage } from './useEventPage';
import { isProblem } from '../../api/errors';
import { orderCodeError } from '../promo/codeErrors';
import { PromoCodeDisclosure } from '../promo/PromoCodeField';
import { JoinWaitlist } from '../waitlist/JoinWaitlist';
import { saleState } from './ticketChoice';

export default function EventPage() {
  const { eventId = '' } = useParams();
  const {
    event,
    code,
    session,
    myRegs,
    limits,
    types,
    quantities,
    seatsAllowed,
    count,
    total,
    setQuantity,
    register,
    direct,
    onRegister,
  } = useEventPage(eventId);

  if (event.isPending) return <Loading label="Loading event…" />;
  if (event.isError) {
    const missing = isProblem(event.error, 'not-found');
    return (
      <div className="container">
        <ErrorState
          error={event.error}
          title={missing ? 'This event does not exist' : 'We could not load this event'}
          retry={missing ? undefined : () => event.refetch()}
        />
      </div>
    );
  }

  const e = code.event ?? event.data;
  const { held, closedReason } = limits!;
  const codeError = orderCodeError(register.error);
  // A sold-out event, or sold-out types of one on sale, take names for when seats come free.
  const soldOut = types.filter((t) => saleState(t) === 'sold-out');
  const waitlistOpen =
    e.status === 'published' &&
    Date.parse(e.date) > Date.now() &&
    soldOut.length > 0 &&
    (closedReason === null || e.seatsLeft <= 0);
  const buttonLabel = register.isPending
    ? 'Reserving…'
    : count === 0
      ? 'Choose your tickets'
      : !direct
        ? `Continue with ${pluralize(count, 'ticket', 'tickets')}`
        : total > 0
          ? `Reserve ${pluralize(count, 'ticket', 'tickets')}`
          : `Get ${pluralize(count, 'free ticket', 'free tickets')}`;

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">
          <Icon name="arrowLeft" size={14} /> All events
        </Link>
      </nav>
      <EventHero event={e} />

      <div className="event-layout">
        <div>
          <EventFacts event={e} />
          {myRegs.length > 0 && <YourRegistrations registrations={myRegs} held={held} />}
          <EventDescription event={e} />
        </div>

        <TicketBox
          event={e}
          closedReason={closedReason}
          types={types}
          quantities={quantities}
          seatsAllowed={seatsAllowed}
          onQuantity={setQuantity}
          total={total}
          count={count}
          promoApplied={code.promo}
          waitlist={waitlistOpen && <JoinWaitlist event={e} soldOut={soldOut} signedIn={!!session} />}
          promo={<PromoCodeDisclosure code={code} types={e.ticketTypes ?? []} currency={e.currency} orderError={codeError} />}
          error={
            register.isError &&
            !codeError && (
              <RegisterError
                error={register.error}
                event={e}
                held={held}
                openOrder={myRegs.find((r) => r.status === 'pending_payment')}
              />
            )
          }
          busy={register.isPending}
          buttonLabel={buttonLabel}
          onRegister={onRegister}
          note={!session && <p className="small muted mb-0">No account needed: you can order as a guest.</p>}
        />
      </div>
    </div>
  );
}
