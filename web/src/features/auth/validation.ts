export type Errors<K extends string = string> = Partial<Record<K, string>>;

const kEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(email: string): string | undefined {
  if (!email.trim()) return 'Enter your email address.';
  if (!kEmail.test(email.trim())) return 'Enter an email address like name@example.com.';
  return undefined;
}

export function validateSignup(v: { name: string; email: string; password: string }): Errors<'name' | 'email' | 'password'> {
  const e: Errors<'name' | 'email' | 'password'> = {};
  if (!v.name.trim()) e.name = 'Enter your name.';
  else if (v.name.length > 200) e.name = 'Use at most 200 characters.';
  const email = validateEmail(v.email);
  if (email) e.email = email;
  if (v.password.length < 8) e.password = 'Use at least 8 characters.';
  else if (v.password.length > 256) e.password = 'Use at most 256 characters.';
  return e;
}

/// Where to go after logging in: the page that asked for it, else the role's home.
export function afterLogin(next: string | null, roles: string[]): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return roles.includes('organizer') ? '/organizer' : '/';
}

/// The sign-up rules for a password, and the confirmation typed again.
export function validateNewPassword(v: { password: string; confirm: string }): Errors<'password' | 'confirm'> {
  const e: Errors<'password' | 'confirm'> = {};
  if (v.password.length < 8) e.password = 'Use at least 8 characters.';
  else if (v.password.length > 256) e.password = 'Use at most 256 characters.';
  if (!e.password && v.confirm !== v.password) e.confirm = 'The two passwords differ. Type the same password twice.';
  return e;
}
