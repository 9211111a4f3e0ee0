import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/client';
import { Layout } from './components/Layout';
import { RequireAuth } from './features/auth/RequireAuth';
import EventsPage from './features/events/EventsPage';
import './styles.css';

const LoginPage = lazy(() => import('./features/auth/LoginPage'));
const SignupPage = lazy(() => import('./features/auth/SignupPage'));
const EventPage = lazy(() => import('./features/events/EventPage'));
const CheckoutPage = lazy(() => import('./features/checkout/CheckoutPage'));
const MyTicketsPage = lazy(() => import('./features/tickets/MyTicketsPage'));
const MyEventsPage = lazy(() => import('./features/organizer/MyEventsPage'));
const EventFormPage = lazy(() => import('./features/organizer/EventFormPage'));
const ManageEventPage = lazy(() => import('./features/organizer/ManageEventPage'));
const AnalyticsPage = lazy(() => import('./features/organizer/AnalyticsPage'));
const ScannerPage = lazy(() => import('./features/scanner/ScannerPage'));
const InvitationsPage = lazy(() => import('./features/staff/InvitationsPage'));
const NotFoundPage = lazy(() => import('./components/NotFoundPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      // A 4xx answer will not change by asking again; outages and 5xx might.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

const organizer = ['organizer', 'admin'] as const;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <ScrollToTop />
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<EventsPage />} />
            <Route path="login" element={<LoginPage />} />
            <Route path="signup" element={<SignupPage />} />
            <Route path="events/:eventId" element={<EventPage />} />
            <Route
              path="checkout/:registrationId"
              element={
                <RequireAuth>
                  <CheckoutPage />
                </RequireAuth>
              }
            />
            <Route
              path="tickets"
              element={
                <RequireAuth>
                  <MyTicketsPage />
                </RequireAuth>
              }
            />
            <Route
              path="organizer"
              element={
                <RequireAuth roles={[...organizer]}>
                  <MyEventsPage />
                </RequireAuth>
              }
            />
            <Route
              path="organizer/events/new"
              element={
                <RequireAuth roles={[...organizer]}>
                  <EventFormPage />
                </RequireAuth>
              }
            />
            <Route
              path="organizer/events/:eventId"
              element={
                <RequireAuth roles={[...organizer]}>
                  <ManageEventPage />
                </RequireAuth>
              }
            />
            <Route
              path="organizer/events/:eventId/edit"
              element={
                <RequireAuth roles={[...organizer]}>
                  <EventFormPage />
                </RequireAuth>
              }
            />
            <Route
              path="organizer/events/:eventId/analytics"
              element={
                <RequireAuth roles={[...organizer]}>
                  <AnalyticsPage />
                </RequireAuth>
              }
            />
            <Route
              path="invitations"
              element={
                <RequireAuth>
                  <InvitationsPage />
                </RequireAuth>
              }
            />
            <Route
              path="scan"
              element={
                <RequireAuth>
                  <ScannerPage />
                </RequireAuth>
              }
            />
            <Route
              path="scan/:eventId"
              element={
                <RequireAuth>
                  <ScannerPage />
                </RequireAuth>
              }
            />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
