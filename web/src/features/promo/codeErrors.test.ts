import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { lookupCodeError, orderCodeError } from './codeErrors';

const problem = (status: number, kind: string, errors?: { field: string; message: string }[]) =>
  new ApiError(status, { type: `urn:admit:problem:${kind}`, title: kind, status, detail: `${kind}.`, errors });

describe('orderCodeError', () => {
  it('tells the code’s 400, 409 and 429 apart, and leaves other refusals alone', () => {
    expect(orderCodeError(problem(400, 'validation-error', [{ field: 'promoCode', message: 'is not valid' }]))).toMatch(
      /not valid for this event/,
    );
    expect(orderCodeError(problem(409, 'promo-code-used-up'))).toMatch(/Remove it to order without it/);
    expect(orderCodeError(problem(429, 'too-many-code-attempts'))).toMatch(/Too many codes/);
    expect(orderCodeError(problem(409, 'sold-out'))).toBeNull();
    expect(orderCodeError(problem(400, 'validation-error', [{ field: 'items[0].quantity', message: 'x' }]))).toBeNull();
    expect(orderCodeError(new Error('x'))).toBeNull();
  });
});

describe('lookupCodeError', () => {
  it('calls an unknown code not valid, and a 429 a pause', () => {
    expect(lookupCodeError(null)).toBeNull();
    expect(lookupCodeError(problem(404, 'not-found'))).toMatch(/not valid/);
    expect(lookupCodeError(problem(429, 'too-many-code-attempts'))).toMatch(/Too many codes/);
    expect(lookupCodeError(new ApiError(0, null, 'offline'))).toMatch(/could not be checked/);
  });
});
