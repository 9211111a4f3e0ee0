import { ApiError, createClient, type RequestOptions } from './client';
import { createBrowserSessionStore } from './session';
import type {
  Event,
  CheckoutSetup,
  EventAnalytics,
  EventInput,
  EventList,
  EventRegistrationList,
  EventUpdate,
  Me,
  OidcConfig,
  OrderItem,
  PaymentIntent,
  Registration,
  RegistrationList,
  ScanKeys,
  SignupRequest,
  MyStaffInvitation,
  MyStaffInvitationList,
  StaffInvitation,
  StaffList,
  Ticket,
  TicketType,
  TicketTypeInput,
  TicketTypeUpdate,
  TicketDownloadLink,
  ValidationResult,
} from './types';

export { ApiError } from './client';
export type * from './types';

export const client = createClient({ store: createBrowserSessionStore() });

const get = <T>(path: string, opts?: RequestOptions) => client.request<T>(path, opts);
const post = <T>(path: string, body?: unknown, opts?: RequestOptions) =>
  client.request<T>(path, { ...opts, method: 'POST', body });
const enc = encodeURIComponent;

export interface ListQuery {
  q?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string | null;
}

/// One function per route the app uses; the shapes come from admit's OpenAPI document.
export const api = {
  login: (email: string, password: string) => client.authenticate('/api/auth/login', { email, password }),
  signup: (body: SignupRequest) => client.authenticate('/api/auth/signup', body),
  /// Whether sign-in through an external provider is on, and what its button names.
  oidcConfig: () => get<OidcConfig>('/api/auth/oidc/config', { auth: false }),
  /// Trades the one-time code from the external sign-in's callback for a session.
  oidcExchange: (code: string) => client.authenticate('/api/auth/oidc/exchange', { code }),
  logout: () => client.logout(),
  me: () => get<Me>('/api/me'),
  /// Asks for a password reset link; the answer is the same whether or not an account has the address.
  forgotPassword: (email: string) => post<void>('/api/auth/password/forgot', { email }, { auth: false }),
  resetPassword: (token: string, password: string) =>
    post<void>('/api/auth/password/reset', { token, password }, { auth: false }),
  /// The token is the proof, so no sign-in is needed (the link may be opened in another browser).
  verifyEmail: (token: string) => post<void>('/api/auth/verify-email', { token }, { auth: false }),
  resendVerificationEmail: () => post<void>('/api/auth/verify-email/resend'),

  events: (query: ListQuery = {}, signal?: AbortSignal) =>
    get<EventList>('/api/events', { auth: false, query: { ...query }, signal }),
  /// With the token when signed in: a draft (and its hidden types) is shown to its organizer only.
  /// A session that ended on the way does not keep anyone from a public event page.
  event: async (id: string) => {
    try {
      return await get<Event>(`/api/events/${enc(id)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return get<Event>(`/api/events/${enc(id)}`, { auth: false });
      throw error;
    }
  },
  myEvents: (query: ListQuery = {}) => get<EventList>('/api/me/events', { query: { ...query } }),
  createEvent: (body: EventInput) => post<Event>('/api/events', body),
  updateEvent: (id: string, body: EventUpdate) => client.request<Event>(`/api/events/${enc(id)}`, { method: 'PUT', body }),
  cancelEvent: (id: string) => client.request<Event>(`/api/events/${enc(id)}`, { method: 'DELETE' }),
  /// Makes a draft visible to everyone and puts it on sale.
  publishEvent: (id: string) => post<Event>(`/api/events/${enc(id)}/publish`),
  createTicketType: (id: string, body: TicketTypeInput) => post<TicketType>(`/api/events/${enc(id)}/ticket-types`, body),
  updateTicketType: (id: string, typeId: string, body: TicketTypeUpdate) =>
    client.request<TicketType>(`/api/events/${enc(id)}/ticket-types/${enc(typeId)}`, { method: 'PUT', body }),
  /// Refused (409) once the type has sales.
  deleteTicketType: (id: string, typeId: string) =>
    client.request<void>(`/api/events/${enc(id)}/ticket-types/${enc(typeId)}`, { method: 'DELETE' }),
  /// One page of an event's registrations; `q` keeps those whose attendee name or email contains it.
  eventRegistrations: (id: string, cursor?: string | null, q?: string, signal?: AbortSignal) =>
    get<EventRegistrationList>(`/api/events/${enc(id)}/registrations`, { query: { limit: 100, cursor, q }, signal }),
  eventRegistrationsCsv: (id: string) =>
    client.fetchOk(`/api/events/${enc(id)}/registrations?format=csv`, {
      headers: { accept: 'text/csv' },
    }),
  analytics: (id: string) => get<EventAnalytics>(`/api/events/${enc(id)}/analytics`),
  /// Invites an address to the event's door staff: the answer is the same whether or not an
  /// account has it (an open invitation of the address is returned as it is).
  inviteStaff: (id: string, email: string) => post<StaffInvitation>(`/api/events/${enc(id)}/staff`, { email }),
  eventStaff: (id: string) => get<StaffList>(`/api/events/${enc(id)}/staff`),
  removeStaff: (id: string, invitationId: string) =>
    client.request<void>(`/api/events/${enc(id)}/staff/${enc(invitationId)}`, { method: 'DELETE' }),
  /// Door-staff invitations addressed to the signed-in account (open and accepted).
  myStaffInvitations: () => get<MyStaffInvitationList>('/api/me/staff-invitations'),
  acceptStaffInvitation: (invitationId: string) => post<MyStaffInvitation>(`/api/staff-invitations/${enc(invitationId)}/accept`),
  declineStaffInvitation: (invitationId: string) => post<void>(`/api/staff-invitations/${enc(invitationId)}/decline`),
  /// Events the caller is door staff of (not their own events: see myEvents).
  staffEvents: (query: { limit?: number; cursor?: string | null } = {}) =>
    get<EventList>('/api/me/staff-events', { query: { ...query } }),
  scanKeys: (id: string) => get<ScanKeys>(`/api/events/${enc(id)}/scan-keys`),

  /// One order of one or more ticket types, all or nothing.
  register: (eventId: string, items: OrderItem[], idempotencyKey: string) =>
    post<Registration>('/api/registrations', { eventId, items }, { headers: { 'Idempotency-Key': idempotencyKey } }),
  myRegistrations: (cursor?: string | null) => get<RegistrationList>('/api/registrations', { query: { limit: 100, cursor } }),
  registration: (id: string) => get<Registration>(`/api/registrations/${enc(id)}`),
  /// The holder sends no body; the organizer may give a reason (needed outside the holder's policy).
  cancelRegistration: (id: string, reason?: string) =>
    post<Registration>(`/api/registrations/${enc(id)}/cancel`, reason ? { reason } : undefined),
  /// Queues the confirmation with the tickets again (for the holder or the event's organizer).
  resendRegistration: (id: string) => post<void>(`/api/registrations/${enc(id)}/resend`),

  checkoutSetup: () => get<CheckoutSetup>('/api/payments/config', { auth: false }),
  createPaymentIntent: (registrationId: string, idempotencyKey: string) =>
    post<PaymentIntent>(
      '/api/payments/create-intent',
      { registrationId },
      {
        headers: { 'Idempotency-Key': idempotencyKey },
      },
    ),
  confirmSandboxPayment: (paymentIntentId: string, cardNumber: string) =>
    post<Registration>('/api/payments/sandbox/confirm', { paymentIntentId, cardNumber }),

  ticket: (id: string) => get<Ticket>(`/api/tickets/${enc(id)}`),
  ticketDownload: (id: string) => get<TicketDownloadLink>(`/api/tickets/${enc(id)}/download`),
  validateTicket: (qrCode: string, eventId?: string) => post<ValidationResult>('/api/tickets/validate', { qrCode, eventId }),
};
