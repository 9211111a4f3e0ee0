import { ApiError } from '../../api/client';
import type { AdminUser, AuditEntry } from '../../api/types';

export function adminUser(over: Partial<AdminUser> = {}): AdminUser {
  return {
    userId: 'u-ada',
    email: 'ada@example.org',
    name: 'Ada Lovelace',
    roles: ['attendee'],
    createdAt: '2026-10-01T12:00:00Z',
    emailVerified: true,
    disabled: false,
    disabledAt: null,
    ...over,
  };
}

export function auditEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: '2026-12-01T10:15:00Z',
    actorId: 'u-ada',
    actorName: 'Ada Lovelace',
    action: 'registration.cancelled',
    subject: { type: 'registration', id: 'r1' },
    eventId: 'e1',
    requestId: 'req-1',
    details: 'by holder; seats released: 2',
    ...over,
  };
}

export function problem(status: number, kind: string, detail = 'Refused.', errors?: { field: string; message: string }[]) {
  return new ApiError(status, { type: `urn:admit:problem:${kind}`, title: 'Refused', status, detail, errors } as never);
}
