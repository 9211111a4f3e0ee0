import { useMemo } from 'react';
import type { EventAnalytics } from '../../api/types';
import { EmptyState } from '../../components/States';
import { formatDay, formatMoney } from '../../lib/format';
import { Legend } from './Legend';
import { dailySeries } from './series';
import { TimeChart, type TimeChartSeries } from './TimeChart';

function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

const legendOf = (series: TimeChartSeries[]) => series.map((s) => ({ label: s.axisLabel ?? s.label, color: s.color }));

function NumbersTable({ a }: { a: EventAnalytics }) {
  return (
    <details className="section">
      <summary className="small">Show the numbers as a table</summary>
      <div className="table-wrap card numbers-table">
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
                <td className="num">{formatMoney(d.revenue, a.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/// Registrations and revenue per day and in total, drawn from the first registration to today in
/// the event's time zone, with the same numbers as a table.
export function AnalyticsCharts({ a, timeZone }: { a: EventAnalytics; timeZone: string }) {
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
          <Legend items={legendOf(regSeries)} decorative />
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
            <Legend items={legendOf(revSeries)} decorative />
          </div>
          <TimeChart x={s.x} series={revSeries} label={`Revenue over time; ${money(s.cumulativeRevenue[last]!)} in total.`} />
        </section>
      ) : null}
      <NumbersTable a={a} />
    </>
  );
}
