import { currencyDecimals, formatMoney, utcToZonedWallTime, zonedWallTimeToUtc } from '../../lib/format';
import type { EventPromo, PromoCode, PromoCodeInput } from './types';

/// What a code takes off each ticket: a percentage, an amount, or nothing (an access code that
/// only unlocks hidden types).
export type DiscountKind = 'percent' | 'amount' | 'none';

/// A code's form as its inputs hold it. The validity window is wall-clock time at the venue
/// ("2027-03-01T20:00"), converted with the event's time zone.
export interface PromoFormValues {
  code: string;
  kind: DiscountKind;
  percent: string;
  amount: string;
  /// The types it applies to; none ticked: all of them.
  ticketTypeIds: string[];
  unlocksTicketTypeIds: string[];
  maxUses: string;
  maxUsesPerBuyer: string;
  validFrom: string;
  validUntil: string;
}

export type PromoField = keyof PromoFormValues;
export type PromoErrors = Partial<Record<PromoField, string>>;

export function emptyPromoForm(): PromoFormValues {
  return {
    code: '',
    kind: 'percent',
    percent: '',
    amount: '',
    ticketTypeIds: [],
    unlocksTicketTypeIds: [],
    maxUses: '',
    maxUsesPerBuyer: '',
    validFrom: '',
    validUntil: '',
  };
}

export function formFromCode(c: PromoCode, timezone: string): PromoFormValues {
  return {
    code: c.code,
    kind: c.discountPercent != null ? 'percent' : c.discountAmount != null ? 'amount' : 'none',
    percent: c.discountPercent != null ? String(c.discountPercent) : '',
    amount: c.discountAmount != null ? String(c.discountAmount) : '',
    ticketTypeIds: [...c.ticketTypeIds],
    unlocksTicketTypeIds: [...c.unlocksTicketTypeIds],
    maxUses: c.maxUses != null ? String(c.maxUses) : '',
    maxUsesPerBuyer: c.maxUsesPerBuyer != null ? String(c.maxUsesPerBuyer) : '',
    validFrom: c.validFrom ? utcToZonedWallTime(c.validFrom, timezone) : '',
    validUntil: c.validUntil ? utcToZonedWallTime(c.validUntil, timezone) : '',
  };
}

const isCount = (s: string) => /^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 1_000_000;

/// The rules a code must keep (api15-extra.md), checked before sending so each message shows
/// beside its field. `uses` is how often the code being changed was used already.
export function validatePromoForm(
  v: PromoFormValues,
  { currency, timezone, uses = 0 }: { currency: string; timezone: string; uses?: number },
): PromoErrors {
  const e: PromoErrors = {};
  const code = v.code.trim();
  if (!code) e.code = 'Enter the code buyers type.';
  else if (code.length > 64) e.code = 'Use at most 64 characters.';
  else if (/\s/.test(code)) e.code = 'A code has no spaces.';
  if (v.kind === 'percent') {
    const p = v.percent.trim();
    if (!/^\d+(\.\d{1,2})?$/.test(p) || Number(p) <= 0 || Number(p) > 100)
      e.percent = 'Enter a percentage above 0 and at most 100, with at most 2 decimals.';
  } else if (v.kind === 'amount') {
    const decimals = currencyDecimals(currency);
    const a = v.amount.trim();
    const ok = decimals === 0 ? /^\d+$/.test(a) : new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`).test(a);
    if (!ok || Number(a) <= 0)
      e.amount = decimals === 0 ? `Enter a whole amount above 0; ${currency} has no cents.` : 'Enter an amount like 5 or 7.50.';
  } else if (v.unlocksTicketTypeIds.length === 0) {
    e.unlocksTicketTypeIds = 'A code without a discount must unlock at least one hidden type.';
  }
  if (v.maxUses.trim()) {
    if (!isCount(v.maxUses)) e.maxUses = 'Enter a whole number from 1, or leave it empty for no limit.';
    else if (Number(v.maxUses) < uses) e.maxUses = `Cannot be less than the ${uses.toLocaleString()} uses so far.`;
  }
  if (v.maxUsesPerBuyer.trim()) {
    if (!isCount(v.maxUsesPerBuyer)) e.maxUsesPerBuyer = 'Enter a whole number from 1, or leave it empty for no limit.';
    else if (!e.maxUses && v.maxUses.trim() && Number(v.maxUsesPerBuyer) > Number(v.maxUses))
      e.maxUsesPerBuyer = 'Cannot be more than the uses in all.';
  }
  const from = v.validFrom ? zonedWallTimeToUtc(v.validFrom, timezone) : null;
  const until = v.validUntil ? zonedWallTimeToUtc(v.validUntil, timezone) : null;
  if (v.validFrom && !from) e.validFrom = 'Enter a date and time, or leave it empty.';
  if (v.validUntil && !until) e.validUntil = 'Enter a date and time, or leave it empty.';
  else if (from && until && Date.parse(until) <= Date.parse(from)) e.validUntil = 'Choose a time after “valid from”.';
  return e;
}

/// The body POST and PUT take: absent optional fields mean none (no discount of that kind, no
/// limit, no window edge).
export function toPromoInput(v: PromoFormValues, timezone: string): PromoCodeInput {
  const input: PromoCodeInput = {
    code: v.code.trim(),
    ticketTypeIds: v.kind === 'none' ? [] : v.ticketTypeIds,
    unlocksTicketTypeIds: v.unlocksTicketTypeIds,
  };
  if (v.kind === 'percent') input.discountPercent = Number(v.percent.trim());
  if (v.kind === 'amount') input.discountAmount = Number(v.amount.trim());
  if (v.maxUses.trim()) input.maxUses = Number(v.maxUses);
  if (v.maxUsesPerBuyer.trim()) input.maxUsesPerBuyer = Number(v.maxUsesPerBuyer);
  const from = v.validFrom ? zonedWallTimeToUtc(v.validFrom, timezone) : null;
  const until = v.validUntil ? zonedWallTimeToUtc(v.validUntil, timezone) : null;
  if (from) input.validFrom = from;
  if (until) input.validUntil = until;
  return input;
}

const kServerFields: Record<string, PromoField> = {
  code: 'code',
  discountPercent: 'percent',
  discountAmount: 'amount',
  ticketTypeIds: 'ticketTypeIds',
  unlocksTicketTypeIds: 'unlocksTicketTypeIds',
  maxUses: 'maxUses',
  maxUsesPerBuyer: 'maxUsesPerBuyer',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
};

/// The server's field errors beside the form's fields (by the body's names; `ticketTypeIds[2]`
/// belongs to `ticketTypeIds`); any other as sentences.
export function promoServerErrors(errors: Record<string, string>): { fields: PromoErrors; other: string[] } {
  const fields: PromoErrors = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    const mine = kServerFields[field.replace(/\[\d+\]$/, '')];
    const sentence = message.replace(/^./, (c) => c.toUpperCase()).replace(/\.?$/, '.');
    if (mine) fields[mine] ??= sentence;
    else other.push(`${field}: ${message}`.replace(/\.?$/, '.'));
  }
  return { fields, other };
}

/// "20% off", "€5 off", or null for an access code.
export function discountLabel(p: Pick<EventPromo, 'discountPercent' | 'discountAmount'>, currency: string): string | null {
  if (p.discountPercent != null) return `${p.discountPercent.toLocaleString()}% off`;
  if (p.discountAmount != null) return `${formatMoney(p.discountAmount, currency)} off`;
  return null;
}
