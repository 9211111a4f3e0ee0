import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { classifyError } from '../../api/errors';
import { errorMessage } from '../../components/States';
import { useResetPassword } from './api';
import { validateNewPassword, type Errors } from './validation';

type Key = 'password' | 'confirm';

/// The reset-password form. A missing token, and one the server refuses (used, expired or
/// altered: a 400 that names `token`, or any 400 that names no field of the form), both end in
/// `linkInvalid`; a password the server refuses is shown beside its field.
export function useResetPasswordForm(token: string) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const reset = useResetPassword();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = validateNewPassword({ password, confirm });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    reset.mutate(
      { token, password },
      {
        onError: (err) => {
          const fieldError = err instanceof ApiError ? err.fieldErrors.password : undefined;
          if (fieldError) setErrors({ password: `Password ${fieldError}.` });
        },
      },
    );
  };

  const err = reset.error;
  const kind = classifyError(err);
  const passwordRefused = err instanceof ApiError && !!err.fieldErrors.password;
  const linkInvalid = !token || (kind === 'invalid' && !passwordRefused);
  const rateLimited = kind === 'rate-limited';
  const formError = err && kind !== 'invalid' && !rateLimited ? errorMessage(err) : null;

  return {
    password,
    setPassword,
    confirm,
    setConfirm,
    errors,
    submit,
    busy: reset.isPending,
    done: reset.isSuccess,
    linkInvalid,
    rateLimited,
    formError,
  };
}
