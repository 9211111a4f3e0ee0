import type { CSSProperties } from 'react';
import type { Event } from '../api/types';
import { dateBadge } from '../lib/format';
import { priceLabel } from '../lib/ticketTypes';

const kGradients = [
  ['#4338ca', '#db2777'],
  ['#0f766e', '#2563eb'],
  ['#7c3aed', '#f97316'],
  ['#be123c', '#7c3aed'],
  ['#1d4ed8', '#06b6d4'],
  ['#15803d', '#ca8a04'],
  ['#9333ea', '#ec4899'],
  ['#0e7490', '#4f46e5'],
];

/// A stable, pleasant colour pair per event, so covers differ without images.
export function coverStyle(seed: string): CSSProperties {
  // FNV-1a with a final mix, so ids that share a time-ordered prefix still get different colours.
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  h >>>= 0;
  const [a, b] = kGradients[h % kGradients.length]!;
  const angle = 110 + (h % 5) * 12;
  return {
    background: `radial-gradient(circle at 85% 20%, rgba(255,255,255,.22), transparent 45%), linear-gradient(${angle}deg, ${a}, ${b})`,
  };
}

export function DateBadge({ iso, timeZone }: { iso: string; timeZone?: string }) {
  const { month, day } = dateBadge(iso, timeZone);
  return (
    <div className="date-badge" aria-hidden="true">
      <span className="m">{month}</span>
      <span className="d">{day}</span>
    </div>
  );
}

export function SeatsLeft({ event }: { event: Pick<Event, 'seatsLeft' | 'capacity' | 'status'> }) {
  if (event.status === 'cancelled') return <span className="seats none">Cancelled</span>;
  const left = event.seatsLeft;
  if (left <= 0) return <span className="seats none">Sold out</span>;
  const low = left <= Math.max(5, Math.ceil(event.capacity * 0.1));
  return (
    <span className={`seats${low ? ' low' : ''}`}>
      {left.toLocaleString()} {left === 1 ? 'seat' : 'seats'} left
    </span>
  );
}

/// The event's price: its lowest visible ticket type's, "From …" when the types differ.
export function Price({ event }: { event: Pick<Event, 'price' | 'currency' | 'ticketTypes'> }) {
  return <span className="price">{priceLabel(event)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const map: Record<string, [string, string]> = {
    confirmed: ['ok', 'Confirmed'],
    pending_payment: ['warn', 'Awaiting payment'],
    cancelled: ['bad', 'Cancelled'],
    expired: ['bad', 'Expired'],
    refund_pending: ['warn', 'Refund pending'],
    refunded: ['plain', 'Refunded'],
    valid: ['ok', 'Valid'],
    used: ['brand', 'Checked in'],
    void: ['bad', 'Cancelled'],
    waiting: ['plain', 'Waiting'],
    offered: ['warn', 'Offered'],
    claimed: ['ok', 'Claimed'],
    removed: ['plain', 'Removed'],
    published: ['ok', 'On sale'],
    draft: ['warn', 'Draft'],
  };
  const [tone, text] = map[status] ?? ['plain', status];
  return <span className={`badge ${tone === 'plain' ? '' : `badge-${tone}`}`}>{text}</span>;
}
