import { Link } from 'react-router';
import { useTitle } from '../lib/useTitle';
import { EmptyState } from './States';

export default function NotFoundPage() {
  useTitle('Page not found');
  return (
    <div className="container">
      <EmptyState icon="search" title="We could not find that page">
        <p>The link may be old or mistyped.</p>
        <Link className="btn btn-primary" to="/">
          Browse events
        </Link>
      </EmptyState>
    </div>
  );
}
