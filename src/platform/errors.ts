/**
 * Errors that services throw. Each carries a code from a module's list; the HTTP layer maps codes
 * to statuses in one table (http/error-status.ts), so services never speak HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const CommonErrors = {
  notFound: (what: string) => new AppError('not_found', `${what} was not found`),
  unauthenticated: () => new AppError('unauthenticated', 'sign in or send an API token to do this'),
  forbidden: (why = 'your role does not allow this') => new AppError('forbidden', why),
  invalid: (message: string, details?: unknown) => new AppError('invalid_input', message, details),
  conflict: (message: string) => new AppError('conflict', message),
};
