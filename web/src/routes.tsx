import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { RequireAuth } from './features/auth/RequireAuth';
import EventsPage from './features/events/EventsPage';

const LoginPage = lazy(() => import('./features/auth/LoginPage'));
const SignupPage = lazy(() => import('./features/auth/SignupPage'));
const ForgotPasswordPage = lazy(() => import('./features/auth/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('./features/auth/ResetPasswordPage'));
const VerifyEmailPage = lazy(() => import('./features/auth/VerifyEmailPage'));
const ExternalSignInCallbackPage = lazy(() => import('./features/auth/ExternalSignInCallbackPage'));
const EventPage = lazy(() => import('./features/events/EventPage'));
const CheckoutPage = lazy(() => import('./features/checkout/CheckoutPage'));
const OrderFormPage = lazy(() => import('./features/checkout/OrderFormPage'));
const GuestOrderPage = lazy(() => import('./features/orders/GuestOrderPage'));
const WaitlistConfirmPage = lazy(() => import('./features/waitlist/WaitlistConfirmPage'));
const OfferPage = lazy(() => import('./features/waitlist/OfferPage'));
const MyTicketsPage = lazy(() => import('./features/tickets/MyTicketsPage'));
const MyEventsPage = lazy(() => import('./features/organizer/MyEventsPage'));
const EventFormPage = lazy(() => import('./features/organizer/EventFormPage'));
const ManageEventPage = lazy(() => import('./features/organizer/ManageEventPage'));
const AnalyticsPage = lazy(() => import('./features/organizer/AnalyticsPage'));
const ScannerPage = lazy(() => import('./features/scanner/ScannerPage'));
const InvitationsPage = lazy(() => import('./features/staff/InvitationsPage'));
const AdminPage = lazy(() => import('./features/admin/AdminPage'));
const AccountPage = lazy(() => import('./features/account/AccountPage'));
const NotFoundPage = lazy(() => import('./components/NotFoundPage'));

const kOrganizer = ['organizer', 'admin'] as const;

/// Every page of the app. Those that need a login sit under one guarded parent route; the
/// organizer's pages under a second guard that also checks the role.
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<EventsPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="signup" element={<SignupPage />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="verify-email" element={<VerifyEmailPage />} />
        <Route path="auth/callback" element={<ExternalSignInCallbackPage />} />
        <Route path="events/:eventId" element={<EventPage />} />
        <Route path="events/:eventId/order" element={<OrderFormPage />} />
        <Route path="orders/:registrationId" element={<GuestOrderPage />} />
        <Route path="waitlist/confirm" element={<WaitlistConfirmPage />} />
        <Route path="offers/:entryId" element={<OfferPage />} />
        <Route path="waitlist/offers/:entryId" element={<OfferPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route element={<RequireAuth />}>
          <Route path="checkout/:registrationId" element={<CheckoutPage />} />
          <Route path="tickets" element={<MyTicketsPage />} />
          <Route path="invitations" element={<InvitationsPage />} />
          <Route path="scan" element={<ScannerPage />} />
          <Route path="scan/:eventId" element={<ScannerPage />} />
          <Route path="organizer" element={<RequireAuth roles={kOrganizer} />}>
            <Route index element={<MyEventsPage />} />
            <Route path="events/new" element={<EventFormPage />} />
            <Route path="events/:eventId" element={<ManageEventPage />} />
            <Route path="events/:eventId/edit" element={<EventFormPage />} />
            <Route path="events/:eventId/analytics" element={<AnalyticsPage />} />
          </Route>
          <Route path="admin" element={<RequireAuth roles={['admin']} />}>
            <Route index element={<AdminPage />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
