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
export type Registration = Schemas['Registration'];
export type RegistrationStatus = Registration['status'];
export type RegistrationEmail = Schemas['RegistrationEmail'];
export type RegistrationList = Schemas['RegistrationList'];
export type Ticket = Schemas['Ticket'];
export type TicketDownloadLink = Schemas['TicketDownloadLink'];
export type ValidationResult = Schemas['ValidationResult'];
export type RegistrationRow = Schemas['RegistrationRow'];
export type EventRegistrationList = Schemas['EventRegistrationList'];
export type EventAnalytics = Schemas['EventAnalytics'];
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
export type OrderRequest = Omit<RegistrationRequest, 'quantity' | 'items'> & { items: OrderItem[] };
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
