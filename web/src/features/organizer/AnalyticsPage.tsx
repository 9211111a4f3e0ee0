import { Link, useParams } from 'react-router';
import { Icon } from '../../components/Icon';
import { ErrorState, Loading } from '../../components/States';
import { formatEventDate } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { useEvent } from '../events/api';
import { AnalyticsCharts } from './AnalyticsCharts';
import { AnalyticsStats, CapacityCard, CheckInCard } from './AnalyticsPanels';
import { useAnalytics } from './api';
import { HoldsSummary } from './HoldsSummary';

export default function AnalyticsPage() {
  const { eventId = '' } = useParams();
  const event = useEvent(eventId);
  const analytics = useAnalytics(eventId);
  useTitle(event.data ? `Analytics · ${event.data.name}` : 'Analytics');

  if (analytics.isPending || event.isPending) return <Loading label="Crunching numbers…" />;
  if (analytics.isError)
    return (
      <div className="container">
        <ErrorState error={analytics.error} retry={() => analytics.refetch()} />
      </div>
    );
  if (event.isError)
    return (
      <div className="container">
        <ErrorState error={event.error} retry={() => event.refetch()} />
      </div>
    );
  const a = analytics.data;
  const e = event.data;

  return (
    <div className="container">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/organizer/events/${eventId}`}>
          <Icon name="arrowLeft" size={14} /> {e.name}
        </Link>
      </nav>
      <div className="page-head">
        <div>
          <h1>Analytics</h1>
          <p>
            {e.name} · {formatEventDate(e.date, e.timezone)}
          </p>
        </div>
        <button type="button" className="btn btn-sm" onClick={() => analytics.refetch()} disabled={analytics.isFetching}>
          <Icon name="refresh" size={15} /> {analytics.isFetching ? 'Updating…' : 'Refresh'}
        </button>
      </div>

      <AnalyticsStats a={a} />

      <div className="charts">
        <div>
          <AnalyticsCharts a={a} timeZone={e.timezone} />
        </div>
        <div className="gauges">
          <CapacityCard a={a} />
          <CheckInCard a={a} eventId={eventId} />
          {(e.price > 0 || a.holds.placed > 0) && <HoldsSummary holds={a.holds} />}
        </div>
      </div>
    </div>
  );
}
