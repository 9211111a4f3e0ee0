import { Link } from 'react-router';
import { classifyError } from '../../api/errors';
import { EmptyState } from '../../components/States';
import { useTitle } from '../../lib/useTitle';
import { useUserSearch } from './api';
import { AuditSection } from './AuditSection';
import { GuestErasureSection } from './GuestErasureSection';
import { UsersSection } from './UsersSection';

/// The admin console: accounts and the audit log. The route lets only admins in; an account whose
/// admin role was taken since it signed in gets the server's 403 and sees the same refusal.
export default function AdminPage() {
  useTitle('Administration');
  const probe = useUserSearch('');
  if (probe.isError && classifyError(probe.error) === 'forbidden') return <NotAllowed />;
  return (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>Administration</h1>
          <p>
            Find accounts, change their roles, disable them or erase a person’s data on request; read what changed and who did it.
          </p>
        </div>
      </div>
      <UsersSection />
      <GuestErasureSection />
      <AuditSection />
    </div>
  );
}

export function NotAllowed() {
  return (
    <div className="container">
      <EmptyState icon="lock" title="Not allowed">
        <p>
          Only admins may use the administration pages. <Link to="/">Browse events</Link> instead.
        </p>
      </EmptyState>
    </div>
  );
}
