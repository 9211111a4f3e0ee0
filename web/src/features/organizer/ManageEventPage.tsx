import { Link, useParams, useSearchParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { Alert, ErrorState, Loading } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useEvent } from '../events/api';
import { DoorStaffSection } from '../staff/DoorStaffSection';
import { CancelEventSection, EventStats, ManageEventHeader } from './ManageEventParts';
import { PublishEvent } from './PublishEvent';
import { RegistrationsSection } from './RegistrationsSection';
import { TicketTypesSection } from './TicketTypesSection';
import { QuestionsSection } from './QuestionsSection';
import { EventActivity } from '../admin/EventActivity';
import { PromoCodesSection } from '../promo/PromoCodesSection';
import { WaitlistSection } from '../waitlist/WaitlistSection';
import { CompsSection } from '../comps/CompsSection';

export default function ManageEventPage() {
  const { eventId = '' } = useParams();
  const [params] = useSearchParams();
  const event = useEvent(eventId);
  useTitle(event.data ? `Manage ${event.data.name}` : 'Manage event');

  if (event.isPending) return <Loading label="Loading event…" />;
  if (event.isError)
    return (
      <div className="container">
        <ErrorState error={event.error} retry={() => event.refetch()} />
      </div>
    );
  const e = event.data;
  const cancelled = e.status === 'cancelled';

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/organizer">
          <Icon name="arrowLeft" size={14} /> Your events
        </Link>
      </nav>
      {params.get('created') && (
        <div className="page-alert">
          <Alert tone="ok" title="Your event is live">
            It is on sale now. <Link to={`/events/${e.eventId}`}>See the public page</Link>.
          </Alert>
        </div>
      )}
      {params.get('drafted') && e.status === 'draft' && (
        <div className="page-alert">
          <Alert tone="ok" title="Your draft is saved">
            Nobody else can see it until you publish it.
          </Alert>
        </div>
      )}
      {params.get('saved') && !params.get('created') && (
        <div className="page-alert">
          <Alert tone="ok">Changes saved.</Alert>
        </div>
      )}
      <ManageEventHeader event={e} />
      {e.status === 'draft' && <PublishEvent event={e} />}
      <EventStats event={e} />
      {!cancelled && <TicketTypesSection event={e} />}
      {!cancelled && <QuestionsSection event={e} />}
      {!cancelled && <PromoCodesSection event={e} />}
      {!cancelled && <CompsSection event={e} />}
      <RegistrationsSection event={e} />
      {!cancelled && <WaitlistSection event={e} />}
      {!cancelled && <DoorStaffSection event={e} />}
      <EventActivity eventId={e.eventId} />
      {!cancelled && <CancelEventSection event={e} />}
    </div>
  );
}
