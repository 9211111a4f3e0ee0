import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { queryKeys } from '../../api/queryKeys';
import { eventQuery } from '../events/api';

/// The event being scanned; asked once more on failure, since the page still works offline.
export const useScannedEvent = (eventId: string) => useQuery({ ...eventQuery(eventId), retry: 1 });

/// The events whose door-staff invitation this account accepted (GET /api/me/staff-events).
export const staffEventsQuery = () =>
  queryOptions({ queryKey: queryKeys.staff.events, queryFn: () => api.staffEvents({ limit: 100 }) });

export const useStaffEvents = () => useQuery(staffEventsQuery());

/// The server's verdict on a scanned code (POST /api/tickets/validate).
export const validateTicket = (qrCode: string, eventId: string) => api.validateTicket(qrCode, eventId);

/// The event's public scan keys, for checking codes offline.
export const fetchScanKeys = (eventId: string) => api.scanKeys(eventId);
