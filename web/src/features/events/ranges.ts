/// The home page's date filters: a name for the URL and the query key, and the days ahead it covers.
export const kRanges = [
  { id: 'any', label: 'Any time', days: null },
  { id: 'week', label: 'Next 7 days', days: 7 },
  { id: 'month', label: 'Next 30 days', days: 30 },
] as const;
export type RangeId = (typeof kRanges)[number]['id'];

/// The listing's bounds for a range, from now (whole seconds, as the API takes them).
export function rangeQuery(id: RangeId): { from?: string; to?: string } {
  const range = kRanges.find((r) => r.id === id);
  if (!range?.days) return {};
  const now = Date.now();
  return {
    from: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    to: new Date(now + range.days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
