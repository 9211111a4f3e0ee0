import type { EventAnalytics } from '../../api/types';

/// How the event's paid orders' holds on seats ended: placed, paid, ran out unpaid. Many expired
/// holds against few paid ones are what squatting looks like.
export function HoldsSummary({ holds }: { holds: EventAnalytics['holds'] }) {
  const { placed, paid, expired } = holds;
  const open = Math.max(0, placed - paid - expired);
  const pct = (n: number) => (placed > 0 ? (n / placed) * 100 : 0);
  const line = `Holds: ${placed.toLocaleString()} placed · ${paid.toLocaleString()} paid · ${expired.toLocaleString()} expired`;
  return (
    <section className="card card-pad" aria-labelledby="holds-title">
      <h2 id="holds-title">Holds on seats</h2>
      <p className="holds-line" data-testid="holds">
        {line}
      </p>
      <div className="holds-bar" aria-hidden="true">
        <span className="paid" style={{ width: `${pct(paid)}%` }} />
        <span className="expired" style={{ width: `${pct(expired)}%` }} />
      </div>
      <p className="small muted holds-note">
        {placed === 0
          ? 'Paid orders hold their seats while the buyer pays; none so far.'
          : `${open > 0 ? `${open.toLocaleString()} still open or let go. ` : ''}Many expired holds against few paid ones can mean seats are being squatted.`}
      </p>
    </section>
  );
}
