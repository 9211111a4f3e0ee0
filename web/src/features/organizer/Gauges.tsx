/// The capacity gauge's colours, which its legend repeats.
export const kCapacityColours = { confirmed: '#6366f1', held: '#f59e0b', free: '#eceff6' };

/// A half-ring gauge: confirmed and held seats against capacity.
export function CapacityGauge({ confirmed, pending, capacity }: { confirmed: number; pending: number; capacity: number }) {
  const r = 80;
  const len = Math.PI * r;
  const c = Math.min(1, confirmed / capacity);
  const p = Math.min(1 - c, pending / capacity);
  const arc = `M 20 100 A ${r} ${r} 0 0 1 180 100`;
  const pct = Math.round(((confirmed + pending) / capacity) * 100);
  return (
    <svg
      width="200"
      height="118"
      viewBox="0 0 200 118"
      role="img"
      aria-label={`${pct}% of ${capacity} seats taken: ${confirmed} confirmed, ${pending} held for payment`}
    >
      <path d={arc} fill="none" stroke={kCapacityColours.free} strokeWidth="18" strokeLinecap="round" />
      {p > 0 && (
        <path
          d={arc}
          fill="none"
          stroke={kCapacityColours.held}
          strokeWidth="18"
          strokeLinecap="round"
          strokeDasharray={`${(c + p) * len} ${len}`}
        />
      )}
      {c > 0 && (
        <path
          d={arc}
          fill="none"
          stroke="url(#gauge-grad)"
          strokeWidth="18"
          strokeLinecap="round"
          strokeDasharray={`${c * len} ${len}`}
        />
      )}
      <defs>
        <linearGradient id="gauge-grad" x1="0" x2="1">
          <stop offset="0" stopColor={kCapacityColours.confirmed} />
          <stop offset="1" stopColor="#db2777" />
        </linearGradient>
      </defs>
      <text x="100" y="92" textAnchor="middle" fontSize="30" fontWeight="800" fill="#141827">
        {pct}%
      </text>
      <text x="100" y="112" textAnchor="middle" fontSize="12" fill="#6b7287">
        of {capacity.toLocaleString()} seats
      </text>
    </svg>
  );
}

/// A ring: admitted at the door against confirmed seats.
export function CheckInRing({ checkedIn, expected }: { checkedIn: number; expected: number }) {
  const r = 46;
  const len = 2 * Math.PI * r;
  const frac = expected > 0 ? Math.min(1, checkedIn / expected) : 0;
  return (
    <svg width="120" height="120" viewBox="0 0 120 120" role="img" aria-label={`${checkedIn} of ${expected} guests checked in`}>
      <circle cx="60" cy="60" r={r} fill="none" stroke="#eceff6" strokeWidth="12" />
      {frac > 0 && (
        <circle
          cx="60"
          cy="60"
          r={r}
          fill="none"
          stroke="#16a34a"
          strokeWidth="12"
          strokeLinecap="round"
          strokeDasharray={`${frac * len} ${len}`}
          transform="rotate(-90 60 60)"
        />
      )}
      <text x="60" y="66" textAnchor="middle" fontSize="22" fontWeight="800" fill="#141827">
        {Math.round(frac * 100)}%
      </text>
    </svg>
  );
}
