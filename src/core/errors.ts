// Errors a user can hit. Each carries a message that says what went wrong and what to do.

/** The request was understood but cannot be done (not found, provider refused, ...). */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The command line itself is wrong: unknown command, bad option, malformed value. */
export class UsageError extends UserError {
  constructor(message: string, readonly usage?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The actor may not do this (role, licence, direct-message-only). */
export class DeniedError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DeniedError';
  }
}
