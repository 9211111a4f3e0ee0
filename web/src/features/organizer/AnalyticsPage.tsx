import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import type { EventAnalytics } from '../../api/types';
import { Icon } from '../../components/Icon';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { formatDay, formatEventDate, formatMoney } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { CapacityGauge, CheckInRing } from './Gauges';
import { HoldsSummary } from './HoldsSummary';
import { dailySeries } from './series';
import { TimeChart, type TimeChartSeries } from './TimeChart';

function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

function Charts({ a, timeZone }: { a: EventAnalytics; timeZone: string }) {
  const s = useMemo(() => dailySeries(a.byDay, todayIn(timeZone)), [a.byDay, timeZone]);
  const money = (v: number) => formatMoney(v, a.currency);
  const regSeries = useMemo<TimeChartSeries[]>(
    () => [
      { label: 'Seats registered that day', values: s.registrations, color: '#a5b4fc', kind: 'bars', axisLabel: 'Per day' },
      {
        label: 'Seats taken in total',
        values: s.cumulativeRegistrations,
        color: '#4338ca',
        kind: 'line',
        axis: 'right',
        axisLabel: 'Total',
      },
    ],
    [s],
  );
  const revSeries = useMemo<TimeChartSeries[]>(
    () => [
      {
        label: 'Revenue that day',
        values: s.revenue,
        color: '#f9a8d4',
        kind: 'bars',
        format: (v) => formatMoney(v, a.currency),
        axisLabel: 'Per day',
      },
      {
        label: 'Revenue in total',
        values: s.cumulativeRevenue,
        color: '#be185d',
        kind: 'line',
        axis: 'right',
        format: (v) => formatMoney(v, a.currency),
        axisLabel: 'Total',
      },
    ],
    [s, a.currency],
  );
  if (s.x.length === 0) {
    return (
      <div className="card card-pad">
        <EmptyState icon="chart" title="No registrations yet">
          <p>Charts appear with the first registration.</p>
        </EmptyState>
      </div>
    );
  }
  const last = s.days.length - 1;
  return (
    <>
      <section className="card card-pad chart-box" aria-labelledby="chart-regs">
        <div className="section-head">
          <h2 id="chart-regs">Registrations over time</h2>
          <div className="legend" aria-hidden="true">
            <span>
              <i style={{ background: '#a5b4fc' }} />
              Per day
            </span>
            <span>
              <i style={{ background: '#4338ca' }} />
              Total
            </span>
          </div>
        </div>
        <TimeChart
          x={s.x}
          series={regSeries}
          label={`Registrations per day from ${formatDay(s.days[0]!)} to ${formatDay(s.days[last]!)}; ${s.cumulativeRegistrations[last]} seats in total.`}
        />
      </section>
      {a.revenue > 0 || s.revenue.some((v) => v > 0) ? (
        <section className="card card-pad chart-box section" aria-labelledby="chart-rev">
          <div className="section-head">
            <h2 id="chart-rev">Revenue over time</h2>
            <div className="legend" aria-hidden="true">
              <span>
                <i style={{ background: '#f9a8d4' }} />
                Per day
              </span>
              <span>
                <i style={{ background: '#be185d' }} />
                Total
              </span>
            </div>
          </div>
          <TimeChart x={s.x} series={revSeries} label={`Revenue over time; ${money(s.cumulativeRevenue[last]!)} in total.`} />
        </section>
      ) : null}
      <details className="section">
        <summary className="small">Show the numbers as a table</summary>
        <div className="table-wrap card" style={{ marginTop: 10 }}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Seats
                </th>
                <th scope="col" className="num">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody>
              {a.byDay.map((d) => (
                <tr key={d.date}>
                  <td>{formatDay(d.date)}</td>
                  <td className="num">{d.registrations}</td>
                  <td className="num">{money(d.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

export default function AnalyticsPage() {
  const { eventId = '' } = useParams();
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api.event(eventId) });
  const analytics = useQuery({
    queryKey: ['analytics', eventId],
    queryFn: () => api.analytics(eventId),
    refetchInterval: 30_000,
  });
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

      <div className="stats">
        <div className="card stat">
          <div className="label">Seats taken</div>
          <div className="value">{a.registeredCount.toLocaleString()}</div>
          <div className="sub">
            {a.confirmed.toLocaleString()} confirmed · {a.pending.toLocaleString()} awaiting payment
          </div>
        </div>
        <div className="card stat">
          <div className="label">Revenue</div>
          <div className="value">{formatMoney(a.revenue, a.currency)}</div>
          <div className="sub">
            from confirmed registrations
            {a.refunded > 0 || a.refundPending > 0 ? (
              <>
                {' '}
                · {formatMoney(a.refunded, a.currency)} refunded
                {a.refundPending > 0 ? `, ${formatMoney(a.refundPending, a.currency)} refund pending` : ''}
              </>
            ) : null}
          </div>
        </div>
        <div className="card stat">
          <div className="label">Checked in</div>
          <div className="value">{a.checkedIn.toLocaleString()}</div>
          <div className="sub">of {a.confirmed.toLocaleString()} confirmed seats</div>
        </div>
        <div className="card stat">
          <div className="label">Released</div>
          <div className="value">{a.cancelled.toLocaleString()}</div>
          <div className="sub">cancelled, expired or refunded</div>
        </div>
      </div>

      <div className="charts">
        <div>
          <Charts a={a} timeZone={e.timezone} />
        </div>
        <div className="gauges">
          <section className="card card-pad" aria-labelledby="cap-title">
            <h2 id="cap-title">Capacity</h2>
            <div style={{ display: 'grid', placeItems: 'center' }}>
              <CapacityGauge confirmed={a.confirmed} pending={a.pending} capacity={a.capacity} />
            </div>
            <div className="legend" style={{ justifyContent: 'center', marginTop: 8 }}>
              <span>
                <i style={{ background: '#6366f1' }} />
                Confirmed {a.confirmed}
              </span>
              <span>
                <i style={{ background: '#f59e0b' }} />
                Held {a.pending}
              </span>
              <span>
                <i style={{ background: '#eceff6' }} />
                Free {Math.max(0, a.capacity - a.registeredCount)}
              </span>
            </div>
          </section>
          <section className="card card-pad" aria-labelledby="checkin-title">
            <h2 id="checkin-title">Check-in</h2>
            <div className="gauge">
              <CheckInRing checkedIn={a.checkedIn} expected={a.confirmed} />
              <div>
                <div style={{ fontSize: '1.5rem', fontWeight: 800 }}>
                  {a.checkedIn}{' '}
                  <span className="muted" style={{ fontSize: '1rem', fontWeight: 600 }}>
                    / {a.confirmed}
                  </span>
                </div>
                <p className="small muted" style={{ margin: 0 }}>
                  guests admitted at the door
                </p>
                <Link to={`/scan/${eventId}`} className="btn btn-sm" style={{ marginTop: 10 }}>
                  <Icon name="scan" size={15} /> Open scanner
                </Link>
              </div>
            </div>
          </section>
          {(e.price > 0 || a.holds.placed > 0) && <HoldsSummary holds={a.holds} />}
        </div>
      </div>
    </div>
  );
}
