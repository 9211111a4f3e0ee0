import { ApiError, createClient, type RequestOptions } from './client';
import { createBrowserSessionStore } from './session';
import type {
  AdminUser,
  AdminUserList,
  AuditList,
  Erasure,
  GuestErasure,
  RoleChange,
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
  OrderRequest,
  PlacedOrder,
  Question,
  QuestionInput,
  QuestionList,
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

export const get = <T>(path: string, opts?: RequestOptions) => client.request<T>(path, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) =>
  client.request<T>(path, { ...opts, method: 'POST', body });
export const enc = encodeURIComponent;

/// How a request proves it may touch an order: a guest's order token (header `X-Order-Token`, no
/// bearer token, so a signed-in person's session never mixes with it), else the session.
function orderAuth(orderToken?: string | null, opts: RequestOptions = {}): RequestOptions {
  if (!orderToken) return opts;
  return { ...opts, auth: false, headers: { ...opts.headers, 'X-Order-Token': orderToken } };
}

/// The audit log's filters, each optional (`from`/`to` in RFC 3339).
export interface AuditFilters {
  eventId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
}

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
  /// The registrations as CSV, one row per registration, or with `rows: 'tickets'` one row per
  /// ticket (its holder and the per-ticket answers).
  eventRegistrationsCsv: (id: string, rows?: 'tickets') =>
    client.fetchOk(`/api/events/${enc(id)}/registrations?format=csv${rows ? `&rows=${rows}` : ''}`, {
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

  /// The questions an event's checkout asks, in the order it asks them (public; a draft's only to its organizer).
  questions: (eventId: string) => get<QuestionList>(`/api/events/${enc(eventId)}/questions`),
  createQuestion: (eventId: string, body: QuestionInput) => post<Question>(`/api/events/${enc(eventId)}/questions`, body),
  /// PUT takes the whole question.
  updateQuestion: (eventId: string, questionId: string, body: QuestionInput) =>
    client.request<Question>(`/api/events/${enc(eventId)}/questions/${enc(questionId)}`, { method: 'PUT', body }),
  deleteQuestion: (eventId: string, questionId: string) =>
    client.request<void>(`/api/events/${enc(eventId)}/questions/${enc(questionId)}`, { method: 'DELETE' }),

  /// One order of one or more ticket types, all or nothing.
  register: (eventId: string, items: OrderItem[], idempotencyKey: string, promoCode?: string) =>
    post<Registration>(
      '/api/registrations',
      { eventId, items, ...(promoCode ? { promoCode } : {}) },
      { headers: { 'Idempotency-Key': idempotencyKey } },
    ),
  /// An order with its holders and answers. With `buyer` it is a guest order: sent without the
  /// session's token, and the reply carries the order token.
  placeOrder: (body: OrderRequest, idempotencyKey: string) =>
    post<PlacedOrder>('/api/registrations', body, {
      headers: { 'Idempotency-Key': idempotencyKey },
      ...(body.buyer ? { auth: false } : {}),
    }),
  myRegistrations: (cursor?: string | null) => get<RegistrationList>('/api/registrations', { query: { limit: 100, cursor } }),
  registration: (id: string, orderToken?: string | null) =>
    get<Registration>(`/api/registrations/${enc(id)}`, orderAuth(orderToken)),
  /// The holder sends no body; the organizer may give a reason (needed outside the holder's policy).
  cancelRegistration: (id: string, reason?: string, orderToken?: string | null) =>
    post<Registration>(`/api/registrations/${enc(id)}/cancel`, reason ? { reason } : undefined, orderAuth(orderToken)),
  /// Cancels only these tickets of a confirmed registration: they become `void`, their seats are
  /// released and, for a paid order, exactly their share is refunded (`refundedAmount`). The
  /// organizer may give a reason (needed outside the holder's policy).
  cancelTickets: (id: string, ticketIds: string[], orderToken?: string | null, reason?: string) =>
    post<Registration>(
      `/api/registrations/${enc(id)}/cancel`,
      reason ? { ticketIds, reason } : { ticketIds },
      orderAuth(orderToken),
    ),
  /// Queues the confirmation with the tickets again (for the holder or the event's organizer). For
  /// a guest's order the server issues a fresh order token and retires the one sent.
  resendRegistration: (id: string, orderToken?: string | null) =>
    post<void>(`/api/registrations/${enc(id)}/resend`, undefined, orderAuth(orderToken)),

  checkoutSetup: () => get<CheckoutSetup>('/api/payments/config', { auth: false }),
  createPaymentIntent: (registrationId: string, idempotencyKey: string, orderToken?: string | null) =>
    post<PaymentIntent>(
      '/api/payments/create-intent',
      { registrationId },
      orderAuth(orderToken, { headers: { 'Idempotency-Key': idempotencyKey } }),
    ),
  confirmSandboxPayment: (paymentIntentId: string, cardNumber: string, orderToken?: string | null) =>
    post<Registration>('/api/payments/sandbox/confirm', { paymentIntentId, cardNumber }, orderAuth(orderToken)),

  ticket: (id: string) => get<Ticket>(`/api/tickets/${enc(id)}`),
  ticketDownload: (id: string, orderToken?: string | null) =>
    get<TicketDownloadLink>(`/api/tickets/${enc(id)}/download`, orderAuth(orderToken)),
  /// Erases the caller's account and data. An account with a password confirms with it; one
  /// that signs in only through the external provider sends none.
  eraseMe: (password?: string) =>
    client.request<Erasure>('/api/me', { method: 'DELETE', body: password ? { password } : undefined }),
  /// An event's audit entries, newest first (its organizer and admins).
  eventAudit: (id: string, cursor?: string | null, signal?: AbortSignal) =>
    get<AuditList>(`/api/events/${enc(id)}/audit`, { query: { limit: 50, cursor }, signal }),

  /// Accounts whose name or email contains `q`, by email, a page at a time (admins only).
  adminUsers: (q: string, cursor?: string | null, signal?: AbortSignal) =>
    get<AdminUserList>('/api/admin/users', { query: { q: q || undefined, limit: 50, cursor }, signal }),
  changeUserRoles: (userId: string, change: RoleChange) => post<AdminUser>(`/api/admin/users/${enc(userId)}/roles`, change),
  disableUser: (userId: string) => post<AdminUser>(`/api/admin/users/${enc(userId)}/disable`),
  enableUser: (userId: string) => post<AdminUser>(`/api/admin/users/${enc(userId)}/enable`),
  eraseUser: (userId: string) => post<Erasure>(`/api/admin/users/${enc(userId)}/erase`),
  /// Erases the data of the guest buyer (no account) who ordered with this address (admins only).
  eraseGuest: (email: string) => post<GuestErasure>('/api/admin/guests/erase', { email }),
  /// The guest erases their own data, proven by one of their orders' tokens.
  eraseMyGuestData: (orderToken: string) => post<GuestErasure>('/api/guest/erase', undefined, orderAuth(orderToken)),
  /// The audit log, newest first, each filter given must match (admins only).
  auditLog: (filters: AuditFilters, cursor?: string | null, signal?: AbortSignal) =>
    get<AuditList>('/api/admin/audit', { query: { ...filters, limit: 50, cursor }, signal }),

  validateTicket: (qrCode: string, eventId?: string) => post<ValidationResult>('/api/tickets/validate', { qrCode, eventId }),
};
