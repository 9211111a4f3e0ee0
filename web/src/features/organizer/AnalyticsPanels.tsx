import { Link } from 'react-router';
import type { EventAnalytics } from '../../api/types';
import { Icon } from '../../components/Icon';
import { formatMoney } from '../../lib/format';
import { CapacityGauge, CheckInRing, kCapacityColours } from './Gauges';
import { Legend } from './Legend';

export function AnalyticsStats({ a }: { a: EventAnalytics }) {
  return (
    <div className="stats">
      <div className="card stat">
        <div className="label">Seats taken</div>
        <div className="value">{a.registeredCount.toLocaleString()}</div>
        <div className="sub">
          {a.confirmed.toLocaleString()} confirmed · {a.pending.toLocaleString()} awaiting payment
          {!!a.comps && a.comps > 0 && ` · ${a.comps.toLocaleString()} comps`}
        </div>
      </div>
      <div className="card stat">
        <div className="label">Revenue</div>
        <div className="value">{formatMoney(a.revenue, a.currency)}</div>
        <div className="sub">
          from confirmed registrations
          {!!a.discount && a.discount > 0 && ` · ${formatMoney(a.discount, a.currency)} off with codes`}
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
  );
}

export function CapacityCard({ a }: { a: EventAnalytics }) {
  return (
    <section className="card card-pad" aria-labelledby="cap-title">
      <h2 id="cap-title">Capacity</h2>
      <div className="gauge-center">
        <CapacityGauge confirmed={a.confirmed} pending={a.pending} capacity={a.capacity} />
      </div>
      <Legend
        centered
        items={[
          { label: `Confirmed ${a.confirmed}`, color: kCapacityColours.confirmed },
          { label: `Held ${a.pending}`, color: kCapacityColours.held },
          { label: `Free ${Math.max(0, a.capacity - a.registeredCount)}`, color: kCapacityColours.free },
        ]}
      />
    </section>
  );
}

export function CheckInCard({ a, eventId }: { a: EventAnalytics; eventId: string }) {
  return (
    <section className="card card-pad" aria-labelledby="checkin-title">
      <h2 id="checkin-title">Check-in</h2>
      <div className="gauge">
        <CheckInRing checkedIn={a.checkedIn} expected={a.confirmed} />
        <div>
          <div className="checkin-count">
            {a.checkedIn} <span className="muted of">/ {a.confirmed}</span>
          </div>
          <p className="small muted gauge-note">guests admitted at the door</p>
          <Link to={`/scan/${eventId}`} className="btn btn-sm gauge-action">
            <Icon name="scan" size={15} /> Open scanner
          </Link>
        </div>
      </div>
    </section>
  );
}
