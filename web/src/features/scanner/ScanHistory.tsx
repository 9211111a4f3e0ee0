import type { ScanOutcome } from './scan';
import { kVerdict } from './verdicts';

/// The codes checked on this page, newest first.
export function ScanHistory({ history }: { history: ScanOutcome[] }) {
  if (history.length === 0) return null;
  return (
    <section className="card card-pad" aria-labelledby="history-title">
      <h2 id="history-title" className="card-title">
        Recent scans
      </h2>
      <ul className="history">
        {history.map((h, i) => (
          <li key={`${h.at}-${i}`}>
            <span className={`dot dot-${kVerdict[h.verdict].tone}`} aria-hidden="true" />
            <strong>{kVerdict[h.verdict].title}</strong>
            <span className="muted name">{h.holderName ?? (h.ticketId ? `…${h.ticketId.slice(-6)}` : '')}</span>
            <span className="spacer" />
            <span className="small muted">{new Date(h.at).toLocaleTimeString()}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
