import { describe, expect, it } from 'vitest';
import { currencyDecimals, formatEventDate, formatMoney, formatPrice, utcToZonedWallTime, zonedWallTimeToUtc } from './format';

describe('money', () => {
  it('formats with the currency and its decimals', () => {
    expect(formatMoney(99.99, 'USD', 'en-US')).toBe('$99.99');
    expect(formatMoney(24.5, 'EUR', 'de-DE')).toBe('24,50\u00a0€');
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(formatMoney(1.234, 'KWD', 'en-US')).toContain('1.234');
  });
  it('drops .00 from whole amounts', () => {
    expect(formatMoney(25, 'EUR', 'en-GB')).toBe('€25');
  });
  it('calls a zero price free', () => {
    expect(formatPrice(0, 'USD', 'en-US')).toBe('Free');
    expect(formatPrice(10, 'GBP', 'en-GB')).toBe('£10');
  });
  it('knows the decimals the server allows', () => {
    expect(currencyDecimals('USD')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('BHD')).toBe(3);
  });
});

describe('dates in the event time zone', () => {
  it('shows the local time of the venue, not the viewer', () => {
    const text = formatEventDate('2027-03-01T19:00:00Z', 'Europe/Berlin', 'en-GB');
    expect(text).toContain('20:00');
    expect(text).toContain('1 Mar 2027');
    expect(formatEventDate('2027-03-01T19:00:00Z', 'America/New_York', 'en-US')).toContain('2:00');
  });
  it('falls back to the viewer zone for an unknown zone', () => {
    expect(() => formatEventDate('2027-03-01T19:00:00Z', 'Mars/Base', 'en-GB')).not.toThrow();
  });
  it('turns a venue wall time into UTC, across DST', () => {
    expect(zonedWallTimeToUtc('2027-03-01T20:00', 'Europe/Berlin')).toBe('2027-03-01T19:00:00Z');
    expect(zonedWallTimeToUtc('2027-07-01T20:00', 'Europe/Berlin')).toBe('2027-07-01T18:00:00Z');
    expect(zonedWallTimeToUtc('2027-01-10T09:30', 'America/Los_Angeles')).toBe('2027-01-10T17:30:00Z');
    expect(zonedWallTimeToUtc('2027-01-10T09:30', 'Asia/Kolkata')).toBe('2027-01-10T04:00:00Z');
    expect(zonedWallTimeToUtc('2027-01-10T09:30', 'UTC')).toBe('2027-01-10T09:30:00Z');
  });
  it('refuses text that is no time', () => {
    expect(zonedWallTimeToUtc('', 'UTC')).toBeNull();
    expect(zonedWallTimeToUtc('2027-01-10', 'UTC')).toBeNull();
    expect(zonedWallTimeToUtc('2027-01-10T09:30', 'Nowhere/City')).toBeNull();
  });
  it('turns UTC back into the venue wall time', () => {
    expect(utcToZonedWallTime('2027-07-01T18:00:00Z', 'Europe/Berlin')).toBe('2027-07-01T20:00');
    expect(utcToZonedWallTime('2027-01-10T04:00:00Z', 'Asia/Kolkata')).toBe('2027-01-10T09:30');
  });
});
