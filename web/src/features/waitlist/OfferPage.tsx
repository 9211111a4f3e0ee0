import { Link, useParams } from 'react-router';
import { classifyError, isProblem } from '../../api/errors';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert, ErrorState, Loading, errorMessage } from '../../components/States';
import { formatEventDate, formatMoney, formatRelative, pluralize } from '../../lib/format';
import { HolderFieldset, OrderQuestions } from '../checkout/OrderFormParts';
import type { WaitlistOffer } from './types';
import { useOfferPage } from './useOfferPage';

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="container container-sm">
      <div className="card card-pad stack">
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}

/// What is held, for how long (in the event's time zone, as the email says it), and what it costs
/// (the server's unit price; the order's total and any discount show at payment).
function OfferSummary({ offer: o, timeZone }: { offer: WaitlistOffer; timeZone?: string }) {
  return (
    <div className="stack">
      <p>
        <strong>{pluralize(o.quantity, 'ticket', 'tickets')}</strong>
        {o.ticketTypeName ? ` (${o.ticketTypeName})` : ''} for <strong>{o.eventName}</strong>
        {o.unitPrice > 0 ? `, ${formatMoney(o.unitPrice, o.currency)} each.` : ', free.'}
      </p>
      {o.offerExpiresAt && (
        <Alert tone="warn" title={`Held for you until ${formatEventDate(o.offerExpiresAt, timeZone)}`}>
          That is {formatRelative(o.offerExpiresAt)}. Unclaimed by then, the seats go to the next person in line.
        </Alert>
      )}
    </div>
  );
}

/// Why the offer cannot be claimed (any more), told apart by its status.
const kClosed: Record<string, [string, string]> = {
  claimed: ['These seats are claimed', 'The offer was claimed, so its order exists already.'],
  expired: ['This offer has expired', 'It was not claimed in time, so the seats went to the next person in line.'],
  removed: ['This offer was withdrawn', 'The place on the waiting list was given up, or the organizer removed it.'],
  waiting: ['No seats are held for you yet', 'You are still on the waiting list; we email you when seats are offered.'],
};

/// The page an offer's email links to (`/offers/{entryId}#token=…`): what is held and until when,
/// the holders and questions as at checkout, then the normal payment (a guest gets the order page).
export default function OfferPage() {
  const { entryId = '' } = useParams();
  const p = useOfferPage(entryId);
  const { offer } = p;

  if (!p.token && !p.session) {
    return (
      <Frame title="Open your offer from its email">
        <p>This page needs the link from the email that offered you the seats.</p>
      </Frame>
    );
  }
  if (offer.isPending) return <Loading label="Loading your offer…" />;
  if (offer.isError) {
    const missing = ['not-found', 'forbidden', 'unauthenticated'].includes(classifyError(offer.error));
    return missing ? (
      <Frame title="This offer link does not work">
        <p>Use the link in the latest email about your offer. If it has expired, the seats went to the next person in line.</p>
      </Frame>
    ) : (
      <div className="container">
        <ErrorState error={offer.error} retry={() => offer.refetch()} title="We could not load your offer" />
      </div>
    );
  }
  const o = offer.data;
  if (o.status !== 'offered') {
    const [title, text] = kClosed[o.status] ?? ['This offer is not open', `It is ${o.status}.`];
    return (
      <Frame title={title}>
        <p>{text}</p>
        <p>
          <Link className="btn" to={o.status === 'claimed' && p.session ? '/tickets' : `/events/${o.eventId}`}>
            {o.status === 'claimed' && p.session ? 'See My tickets' : 'Back to the event'}
          </Link>
        </p>
      </Frame>
    );
  }
  if (p.event.isPending || p.questions.isPending) return <Loading label="Loading the order form…" />;
  const gone = isProblem(p.problem, 'offer-not-available');
  return (
    <div className="container container-sm">
      <form className="card card-pad stack order-form" onSubmit={p.submit} noValidate aria-labelledby="offer-title">
        <h1 id="offer-title">Seats are waiting for you</h1>
        <OfferSummary offer={o} timeZone={p.event.data?.timezone} />
        {!p.token ? (
          <Alert tone="info">To claim them, open the link in the email we sent you about this offer.</Alert>
        ) : (
          <>
            <p className="small muted">Fields marked * are required.</p>
            {p.slots.map((slot, i) => (
              <HolderFieldset
                key={i}
                slot={slot}
                index={i}
                count={p.slots.length}
                holder={p.form.holders[i]!}
                errors={p.errors}
                onChange={(key, value) => p.setHolder(i, key, value)}
                onAnswer={(qid, value) => p.setHolderAnswer(i, qid, value)}
              />
            ))}
            <OrderQuestions questions={p.perOrder} answers={p.form.answers} errors={p.errors} onAnswer={p.setOrderAnswer} />
            {Object.keys(p.errors).length > 0 && (
              <Alert tone="bad">Some details are missing or not valid. Each is marked beside its field.</Alert>
            )}
            {p.otherErrors.length > 0 && <Alert tone="bad">{p.otherErrors.join(' ')}</Alert>}
            {p.problem != null && (
              <Alert tone="bad" title={gone ? 'This offer is no longer available' : undefined}>
                {gone ? 'It expired or was claimed already; the seats are no longer held for you.' : errorMessage(p.problem)}
              </Alert>
            )}
            <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={p.claiming}>
              {p.claiming && <span className="spinner" aria-hidden="true" />}
              {p.claiming ? 'Claiming…' : o.unitPrice > 0 ? 'Claim and continue to payment' : 'Claim my tickets'}
            </button>
          </>
        )}
        <button type="button" className="btn btn-ghost" onClick={() => p.setDeclining(true)}>
          I no longer want them
        </button>
      </form>
      <ConfirmDialog
        open={p.declining}
        title="Let these seats go?"
        confirmLabel={p.decline.isPending ? 'Letting go…' : 'Let them go'}
        danger
        busy={p.decline.isPending}
        onConfirm={() =>
          p.decline.mutate({ eventId: o.eventId, waitlistEntryId: o.waitlistEntryId }, { onSuccess: () => p.setDeclining(false) })
        }
        onClose={() => {
          p.setDeclining(false);
          p.decline.reset();
        }}
      >
        <p>They go to the next person in line, and you leave the waiting list.</p>
        {p.decline.isError && <Alert tone="bad">{errorMessage(p.decline.error)}</Alert>}
      </ConfirmDialog>
    </div>
  );
}
