import { ErrorState, Loading } from '../../components/States';
import { UserRow } from './UserRow';
import { useUsersList } from './useUsersList';

/// Finds accounts by name or email and changes them, one row each.
export function UsersSection() {
  const { search, setSearch, q, users, shown, searching } = useUsersList();
  return (
    <section className="section card card-pad" aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">Accounts</h2>
      <div className="field">
        <label htmlFor="admin-user-search">Search accounts</label>
        <input
          id="admin-user-search"
          className="input"
          type="search"
          placeholder="Name or email"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {searching ? 'Searching…' : users.isSuccess ? `${shown.length} accounts shown` : ''}
      </p>
      {users.isPending ? (
        <Loading label="Loading accounts…" />
      ) : users.isError && !users.data ? (
        <ErrorState error={users.error} retry={() => users.refetch()} />
      ) : shown.length === 0 ? (
        <p className="muted">{q ? `No account’s name or email contains “${q}”.` : 'No accounts yet.'}</p>
      ) : (
        <>
          <ul className="admin-users" aria-label="Accounts">
            {shown.map((u) => (
              <UserRow key={u.userId} user={u} />
            ))}
          </ul>
          {users.hasNextPage && (
            <button
              type="button"
              className="btn btn-sm"
              disabled={users.isFetchingNextPage}
              onClick={() => void users.fetchNextPage()}
            >
              {users.isFetchingNextPage && <span className="spinner" aria-hidden="true" />}
              More accounts
            </button>
          )}
        </>
      )}
    </section>
  );
}
