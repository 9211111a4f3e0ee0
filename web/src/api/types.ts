import type { components } from './schema';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type AuthResponse = Schemas['AuthResponse'];
export type OidcConfig = Schemas['ExternalSignInConfig'];
export type SignupRequest = Schemas['SignupRequest'];
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];
export type Currency = Schemas['Currency'];
export type Event = Schemas['Event'];
export type EventInput = Schemas['EventInput'];
export type EventUpdate = Schemas['EventUpdate'];
export type EventList = Schemas['EventList'];
export type TicketType = Schemas['TicketType'];
export type TicketTypeInput = Schemas['TicketTypeInput'];
export type TicketTypeUpdate = Schemas['TicketTypeUpdate'];
export type RegistrationRequest = Schemas['RegistrationRequest'];
/// One ticket type and how many of it, as an order asks for them.
export type OrderItem = NonNullable<RegistrationRequest['items']>[number];
export type RegistrationItem = Schemas['RegistrationItem'];
/// Issue 15's fields (promo codes, partial cancellation, comps), written here from the contract
/// (API.md, api15-extra.md) until the OpenAPI document describes them; once `gen:api` has them
/// these intersections add nothing and can go.
export interface RegistrationAdditions {
  /// `comp`: issued free by the organizer (it can be neither paid nor refunded).
  source?: 'order' | 'comp';
  /// The code as the organizer wrote it, or null.
  promoCode?: string | null;
  /// The order's discount in major units of `currency` (0 without a code).
  discount?: number;
  /// Money refunded so far (cancelled tickets of a paid order), in major units of `currency`.
  refundedAmount?: number;
}
/// A ticket's status, with `void` for a ticket cancelled on its own (partial cancellation).
export type TicketStatus = Schemas['Ticket']['status'] | 'void';
export type Ticket = Omit<Schemas['Ticket'], 'status'> & { status: TicketStatus };
export type Registration = Omit<Schemas['Registration'], 'tickets'> & RegistrationAdditions & { tickets: Ticket[] };
export type RegistrationStatus = Registration['status'];
export type RegistrationEmail = Schemas['RegistrationEmail'];
export type RegistrationList = Omit<Schemas['RegistrationList'], 'items'> & { items: Registration[] };
export type TicketDownloadLink = Schemas['TicketDownloadLink'];
export type ValidationResult = Schemas['ValidationResult'];
export type RegistrationRow = Schemas['RegistrationRow'] & RegistrationAdditions;
export type EventRegistrationList = Omit<Schemas['EventRegistrationList'], 'items'> & { items: RegistrationRow[] };
/// Issue 15 adds `discount` (the confirmed orders' discounts) and `comps` (seats issued free).
export type EventAnalytics = Schemas['EventAnalytics'] & { discount?: number; comps?: number };
export type StaffInvitation = Schemas['StaffInvitation'];
export type StaffListItem = Schemas['StaffListItem'];
export type StaffList = Schemas['StaffList'];
export type MyStaffInvitation = Schemas['MyStaffInvitation'];
export type MyStaffInvitationList = Schemas['MyStaffInvitationList'];
export type CheckoutSetup = Schemas['CheckoutSetup'];
export type ScanKey = Schemas['ScanKey'];
export type ScanKeys = Schemas['ScanKeys'];

/// The account as GET /api/me describes it (no createdAt there).
export interface Me {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: User['emailVerified'];
  /// False for an account made by external sign-in: no password to change or to confirm with.
  hasPassword: Schemas['Me']['hasPassword'];
}
export type PaymentIntent = Schemas['PaymentIntent'];
export type Question = Schemas['Question'];
export type QuestionType = Question['type'];
export type QuestionInput = Schemas['QuestionInput'];
export type QuestionList = Schemas['QuestionList'];
export type Answers = Schemas['Answers'];
export type AnswerValue = Answers[string];
export type Attendee = Schemas['Attendee'];
/// Who pays for a guest order (no account): `buyer` on POST /api/registrations.
export type Buyer = Schemas['Buyer'];
/// The body of POST /api/registrations as the app sends it (`items`, never `quantity`): with `buyer`
/// and no session, a guest order.
export type OrderRequest = Omit<RegistrationRequest, 'quantity' | 'items'> & {
  items: OrderItem[];
  /// A promo or access code (case-insensitive); refused with a 400/409/429 naming `promoCode`.
  promoCode?: string;
};
/// A registration as POST /api/registrations answers it: a guest's carries its order token, shown once.
export type PlacedOrder = Registration;
/// An account as the admin console shows it (with whether it is disabled).
export type AdminUser = Schemas['AdminUser'];
export type AdminUserList = Schemas['AdminUserList'];
/// Roles to take and to give in one request.
export type RoleChange = Schemas['RoleChange'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditList = Schemas['AuditList'];
/// What erasing a person did (their account as it is now, the registrations cancelled and refunded).
export type Erasure = Schemas['Erasure'];
export type GuestErasure = Schemas['GuestErasure'];
