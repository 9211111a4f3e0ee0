import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { classifyError } from '../../api/errors';
import { errorMessage } from '../../components/States';
import { useForgotPassword } from './api';
import { validateEmail } from './validation';

/// The forgot-password form: the address, its check, and what happened to the request. Every
/// accepted request ends in the same `sent` state, so the page never tells whether an account has
/// the address.
export function useForgotPasswordForm(initialEmail = '') {
  const [email, setEmail] = useState(initialEmail);
  const [emailError, setEmailError] = useState<string | undefined>();
  const forgot = useForgotPassword();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const error = validateEmail(email);
    setEmailError(error);
    if (error) return;
    forgot.mutate(email.trim(), {
      onError: (err) => {
        const fieldError = err instanceof ApiError ? err.fieldErrors.email : undefined;
        if (fieldError) setEmailError(`Email ${fieldError}.`);
      },
    });
  };

  const err = forgot.error;
  const rateLimited = classifyError(err) === 'rate-limited';
  const formError = err && !rateLimited && !(err instanceof ApiError && err.fieldErrors.email) ? errorMessage(err) : null;

  return {
    email,
    setEmail,
    emailError,
    submit,
    busy: forgot.isPending,
    sent: forgot.isSuccess,
    rateLimited,
    formError,
  };
}
