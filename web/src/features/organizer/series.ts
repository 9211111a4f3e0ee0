import type { EventAnalytics } from '../../api/types';

export interface DailySeries {
  /// Unix seconds at UTC midnight of each day (uPlot's x values).
  x: number[];
  days: string[];
  registrations: number[];
  revenue: number[];
  cumulativeRegistrations: number[];
  cumulativeRevenue: number[];
}

const dayMs = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/// byDay leaves out days without registrations; charts read better with every day present, from
/// the day before the first registration to `until` (at most `maxDays`).
export function dailySeries(byDay: EventAnalytics['byDay'], until: string = toDay(Date.now()), maxDays = 400): DailySeries {
  const out: DailySeries = {
    x: [],
    days: [],
    registrations: [],
    revenue: [],
    cumulativeRegistrations: [],
    cumulativeRevenue: [],
  };
  if (byDay.length === 0) return out;
  const map = new Map(byDay.map((d) => [d.date, d]));
  const first = Date.parse(`${byDay[0]!.date}T00:00:00Z`) - dayMs;
  const lastData = Date.parse(`${byDay[byDay.length - 1]!.date}T00:00:00Z`);
  const end = Math.max(lastData, Math.min(Date.parse(`${until}T00:00:00Z`) || lastData, lastData + 60 * dayMs));
  const start = Math.max(first, end - (maxDays - 1) * dayMs);
  let regs = 0;
  let revenue = 0;
  for (const d of byDay) {
    if (Date.parse(`${d.date}T00:00:00Z`) < start) {
      regs += d.registrations;
      revenue += d.revenue;
    }
  }
  for (let t = start; t <= end; t += dayMs) {
    const day = toDay(t);
    const entry = map.get(day);
    regs += entry?.registrations ?? 0;
    revenue += entry?.revenue ?? 0;
    out.x.push(t / 1000);
    out.days.push(day);
    out.registrations.push(entry?.registrations ?? 0);
    out.revenue.push(entry?.revenue ?? 0);
    out.cumulativeRegistrations.push(regs);
    out.cumulativeRevenue.push(Math.round(revenue * 1000) / 1000);
  }
  return out;
}
