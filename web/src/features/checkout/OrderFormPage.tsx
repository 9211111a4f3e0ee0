import { Link, useParams } from 'react-router';
import { isProblem } from '../../api/errors';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { formatEventDate } from '../../lib/format';
import { RegisterError } from '../events/RegisterError';
import { PromoCodeField } from '../promo/PromoCodeField';
import { BuyerSection, ChoiceSummary, HolderFieldset, OrderQuestions } from './OrderFormParts';
import { useOrderForm } from './useOrderForm';

/// The checkout's form between choosing tickets and paying: who orders (an account, or a guest),
/// who each ticket is for, and the event's questions; errors show beside their fields.
export default function OrderFormPage() {
  const { eventId = '' } = useParams();
  const f = useOrderForm(eventId);
  const { event, questions } = f;

  if (event.isPending || questions.isPending) return <Loading label="Loading the order form…" />;
  if (event.isError || questions.isError) {
    const error = event.error ?? questions.error;
    return (
      <div className="container">
        <ErrorState
          error={error}
          title={isProblem(error, 'not-found') ? 'This event does not exist' : 'We could not load the order form'}
          retry={
            isProblem(error, 'not-found')
              ? undefined
              : () => {
                  void event.refetch();
                  void questions.refetch();
                }
          }
        />
      </div>
    );
  }
  const e = f.code.event ?? event.data;
  const back = (
    <nav className="crumbs" aria-label="Breadcrumb">
      <Link to={`/events/${e.eventId}`}>
        <Icon name="arrowLeft" size={14} /> {e.name}
      </Link>
    </nav>
  );
  const closed = f.limits?.closedReason;
  if (closed || f.items.length === 0) {
    return (
      <div className="container container-sm">
        {back}
        <h1>Your details</h1>
        <Alert tone="warn">{closed ?? 'No tickets are chosen. Choose them on the event page.'}</Alert>
      </div>
    );
  }
  const ready = !!f.session || f.guest;
  return (
    <div className="container">
      {back}
      <div className="page-head">
        <div>
          <h1>Your details</h1>
          <p>
            {e.name} · {formatEventDate(e.date, e.timezone)}
          </p>
        </div>
      </div>
      <div className="checkout">
        <form className="card card-pad stack order-form" onSubmit={f.submit} noValidate aria-labelledby="order-form-title">
          <h2 id="order-form-title" className="visually-hidden">
            Order form
          </h2>
          {f.adjusted && (
            <Alert tone="warn">Your choice was changed to what can be ordered now. Check the tickets before going on.</Alert>
          )}
          <BuyerSection
            session={f.session}
            guest={f.guest}
            onGuest={() => f.setGuest(true)}
            buyer={f.form.buyer}
            errors={f.errors}
            onChange={f.setBuyer}
          />
          {ready && (
            <>
              <p className="small muted">Fields marked * are required.</p>
              {f.slots.map((slot, i) => (
                <HolderFieldset
                  key={i}
                  slot={slot}
                  index={i}
                  count={f.slots.length}
                  holder={f.form.holders[i]!}
                  errors={f.errors}
                  onChange={(key, value) => f.setHolder(i, key, value)}
                  onAnswer={(qid, value) => f.setHolderAnswer(i, qid, value)}
                />
              ))}
              <OrderQuestions questions={f.perOrder} answers={f.form.answers} errors={f.errors} onAnswer={f.setOrderAnswer} />
              <PromoCodeField code={f.code} types={e.ticketTypes ?? []} currency={e.currency} orderError={f.codeError} />
              {Object.keys(f.errors).length > 0 && (
                <Alert tone="bad">Some details are missing or not valid. Each is marked beside its field.</Alert>
              )}
              {f.otherErrors.length > 0 && <Alert tone="bad">{f.otherErrors.join(' ')}</Alert>}
              {f.problem != null && (
                <RegisterError
                  error={f.problem}
                  event={e}
                  held={f.limits?.held ?? 0}
                  openOrder={f.myRegs.find((r) => r.status === 'pending_payment')}
                  guest={f.asGuest}
                />
              )}
              <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={f.placing}>
                {f.placing && <span className="spinner" aria-hidden="true" />}
                {f.placing ? 'Placing your order…' : f.total > 0 ? 'Continue to payment' : 'Confirm your registration'}
              </button>
            </>
          )}
        </form>
        <ChoiceSummary
          event={e}
          types={f.types}
          items={f.items}
          quantities={f.quantities}
          total={f.total}
          errors={f.errors}
          code={f.code.applied}
          promo={f.code.promo}
        />
      </div>
    </div>
  );
}
