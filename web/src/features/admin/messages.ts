import { classifyError, problemKind } from '../../api/errors';
import { errorMessage } from '../../components/States';

/// What a refused account change means, told apart by the problem's type.
export function accountChangeError(error: unknown): string {
  if (problemKind(error) === 'last-admin')
    return 'This is the only enabled admin account. Make another account an admin first, so that someone can still administer Admit.';
  if (classifyError(error) === 'forbidden') return 'Your account is no longer an admin, so this was refused.';
  if (classifyError(error) === 'conflict') return 'This account’s data was erased already.';
  if (classifyError(error) === 'not-found') return 'This account no longer exists.';
  return errorMessage(error);
}
