import { Link, useParams } from 'react-router';
import type { Event } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useEvent } from '../events/api';
import { BasicsFields, EventPreview, WhenWhereFields } from './EventFormSections';
import { PolicyFields } from './PolicyFields';
import { TicketFields } from './TicketFields';
import { previewEvent, useEventForm } from './useEventForm';

function EventForm({ original }: { original?: Event }) {
  const { values, errors, formError, set, submit, formRef, saving } = useEventForm(original);
  const sections = { values, errors, set };
  return (
    <div className="form-layout">
      <form ref={formRef} onSubmit={submit} noValidate aria-describedby={formError ? 'form-error' : undefined}>
        {formError && (
          <div id="form-error" className="page-alert">
            <Alert tone="bad">{formError}</Alert>
          </div>
        )}
        <BasicsFields {...sections} />
        <WhenWhereFields {...sections} />
        <TicketFields {...sections} original={original} />
        <PolicyFields {...sections} />

        <div className="form-actions event-form-actions">
          <Link to={original ? `/organizer/events/${original.eventId}` : '/organizer'} className="btn">
            Cancel
          </Link>
          {!original && (
            <button type="button" className="btn btn-lg" disabled={saving} onClick={(ev) => submit(ev, { draft: true })}>
              Save as draft
            </button>
          )}
          <button type="submit" className="btn btn-primary btn-lg" disabled={saving}>
            {saving && <span className="spinner" aria-hidden="true" />}
            {original ? (saving ? 'Saving…' : 'Save changes') : saving ? 'Saving…' : 'Publish event'}
          </button>
        </div>
      </form>
      <EventPreview event={previewEvent(values, original)} />
    </div>
  );
}

export default function EventFormPage() {
  const { eventId } = useParams();
  const event = useEvent(eventId ?? '', !!eventId);
  useTitle(eventId ? 'Edit event' : 'New event');

  if (eventId && event.isPending) return <Loading label="Loading event…" />;
  if (eventId && event.isError)
    return (
      <div className="container">
        <ErrorState error={event.error} retry={() => event.refetch()} />
      </div>
    );

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={eventId ? `/organizer/events/${eventId}` : '/organizer'}>
          <Icon name="arrowLeft" size={14} /> {eventId ? event.data?.name : 'Your events'}
        </Link>
      </nav>
      <div className="page-head">
        <div>
          <h1>{eventId ? 'Edit event' : 'Create an event'}</h1>
          <p>
            {eventId
              ? event.data?.status === 'draft'
                ? 'A draft is visible to you only until you publish it.'
                : 'Changes show to attendees straight away.'
              : 'It goes on sale as soon as you publish; a draft stays visible to you only.'}
          </p>
        </div>
      </div>
      {eventId && event.data?.status === 'cancelled' ? (
        <Alert tone="warn">This event was cancelled and can no longer be changed.</Alert>
      ) : (
        <EventForm key={eventId ?? 'new'} original={eventId ? event.data : undefined} />
      )}
    </div>
  );
}
