import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { classifyError, isClientError, isOutage, isProblem, problemKind } from './errors';

const problem = (status: number, kind: string, detail = 'x') =>
  new ApiError(status, { type: `urn:admit:problem:${kind}`, title: kind, status, detail });

describe('classifyError', () => {
  it('tells failures apart by status', () => {
    expect(classifyError(new ApiError(0, null, 'offline'))).toBe('network');
    expect(classifyError(problem(401, 'unauthenticated'))).toBe('unauthenticated');
    expect(classifyError(problem(403, 'forbidden'))).toBe('forbidden');
    expect(classifyError(problem(404, 'not-found'))).toBe('not-found');
    expect(classifyError(problem(400, 'validation-error'))).toBe('invalid');
    expect(classifyError(problem(422, 'validation-error'))).toBe('invalid');
    expect(classifyError(problem(409, 'sold-out'))).toBe('conflict');
    expect(classifyError(problem(429, 'rate-limited'))).toBe('rate-limited');
    expect(classifyError(problem(503, 'unavailable'))).toBe('server');
    expect(classifyError(new ApiError(418, null))).toBe('other');
    expect(classifyError(new Error('boom'))).toBe('other');
  });

  it('does not read the message: a 404 that mentions a registration is still not-found', () => {
    expect(classifyError(problem(404, 'not-found', 'No registration with this id.'))).toBe('not-found');
  });
});

describe('problem kinds', () => {
  it('come from the problem type only', () => {
    expect(problemKind(problem(409, 'cancellation-closed'))).toBe('cancellation-closed');
    expect(isProblem(problem(409, 'cancellation-closed'), 'cancellation-closed')).toBe(true);
    expect(isProblem(problem(409, 'conflict', 'cancellation-closed'), 'cancellation-closed')).toBe(false);
    expect(problemKind(new ApiError(409, { type: 'about:blank', title: 't', status: 409, detail: 'd' }))).toBeNull();
    expect(problemKind(new Error('cancellation-closed'))).toBeNull();
  });
});

describe('isClientError and isOutage', () => {
  it('split definite answers from missing ones', () => {
    for (const e of [problem(400, 'validation-error'), problem(404, 'not-found'), problem(409, 'conflict')]) {
      expect(isClientError(e)).toBe(true);
      expect(isOutage(e)).toBe(false);
    }
    expect(isClientError(problem(429, 'rate-limited'))).toBe(true);
    expect(isOutage(problem(429, 'rate-limited'))).toBe(true);
    for (const e of [new ApiError(0, null, 'offline'), problem(500, 'internal-error'), problem(503, 'unavailable')]) {
      expect(isClientError(e)).toBe(false);
      expect(isOutage(e)).toBe(true);
    }
    expect(isOutage(new TypeError('Failed to fetch'))).toBe(true);
    expect(isOutage(new Error('other'))).toBe(false);
  });
});
