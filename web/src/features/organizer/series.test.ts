import { describe, expect, it } from 'vitest';
import { dailySeries } from './series';

describe('dailySeries', () => {
  it('fills the days between registrations and adds up totals', () => {
    const s = dailySeries(
      [
        { date: '2026-11-20', registrations: 2, revenue: 20 },
        { date: '2026-11-23', registrations: 1, revenue: 10 },
      ],
      '2026-11-24',
    );
    expect(s.days).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    expect(s.registrations).toEqual([0, 2, 0, 0, 1, 0]);
    expect(s.cumulativeRegistrations).toEqual([0, 2, 2, 2, 3, 3]);
    expect(s.cumulativeRevenue).toEqual([0, 20, 20, 20, 30, 30]);
    expect(s.x[1]).toBe(Date.parse('2026-11-20T00:00:00Z') / 1000);
  });
  it('is empty without registrations', () => {
    expect(dailySeries([]).x).toEqual([]);
  });
  it('keeps the totals when it trims old days', () => {
    const s = dailySeries(
      [
        { date: '2026-01-01', registrations: 5, revenue: 0 },
        { date: '2026-11-20', registrations: 1, revenue: 0 },
      ],
      '2026-11-20',
      10,
    );
    expect(s.days).toHaveLength(10);
    expect(s.cumulativeRegistrations.at(-1)).toBe(6);
    expect(s.cumulativeRegistrations[0]).toBe(5);
  });
});
