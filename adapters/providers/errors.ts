// Typed provider errors. Each is a UserError, so the command registry shows its message: the message
// names the provider, says what happened and what to do. Provider-supplied text is scrubbed of secrets.
import { UserError } from '#core/errors.ts';
import { scrubSecrets } from '#src/log.ts';
import { providerLabel } from '#domain/providers.ts';
import type { Capability, ProviderName } from './types.ts';

export type ProviderErrorKind =
  | 'auth'
  | 'rate-limit'
  | 'unavailable'
  | 'timeout'
  | 'bad-response'
  | 'no-capacity'
  | 'not-found'
  | 'invalid-request'
  | 'unsupported';

export class ProviderError extends UserError {
  constructor(
    readonly provider: ProviderName,
    readonly kind: ProviderErrorKind,
    message: string,
    options: { status?: number; code?: string; hint?: string; body?: unknown } = {},
  ) {
    super(scrubSecrets(message), options.hint);
    this.name = 'ProviderError';
    this.status = options.status;
    this.code = options.code;
    this.body = options.body;
  }

  /** The provider's parsed answer, for adapters that need a field of it (never shown or logged). */
  readonly body: unknown;

  /** HTTP status of the provider's answer, when there was one. */
  readonly status: number | undefined;
  /** The provider's own error code (Vast `error`, Lambda `error.code`, GraphQL `extensions.code`). */
  readonly code: string | undefined;
}

/** The provider's answer was larger than ComputeHub reads; it stopped reading without keeping it. */
export class ResponseTooLargeError extends ProviderError {
  constructor(
    provider: ProviderName,
    readonly limitBytes: number,
    what: string,
  ) {
    super(
      provider,
      'bad-response',
      `${providerLabel(provider)} sent an answer larger than ${formatMegabytes(limitBytes)} (${what}), so ComputeHub stopped reading it and used none of it. Narrow the request (for a search: gpu=, region=, a price limit) or try again later.`,
    );
    this.name = 'ResponseTooLargeError';
  }
}

function formatMegabytes(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  return megabytes >= 1 ? `${Math.round(megabytes)} MB` : `${bytes} bytes`;
}

/** The provider cannot do this at all; the message names the alternative. */
export class UnsupportedError extends ProviderError {
  constructor(
    provider: ProviderName,
    readonly capability: Capability,
    reason: string,
    alternative?: string,
  ) {
    super(provider, 'unsupported', `${providerLabel(provider)} cannot ${describeCapability(capability)}: ${reason}${alternative ? ` — ${alternative}` : ''}.`);
    this.name = 'UnsupportedError';
  }
}

function describeCapability(capability: Capability): string {
  switch (capability) {
    case 'stop':
      return 'stop an instance';
    case 'start':
      return 'start a stopped instance';
    case 'restart':
      return 'restart an instance';
    case 'interruptible':
      return 'rent interruptible (spot) instances';
    case 'customImage':
      return 'run a custom Docker image directly';
    case 'gpuMetrics':
      return 'report per-instance GPU metrics';
    case 'balance':
      return 'report the account balance';
  }
}

/** Provider text cut to a readable length, secrets removed, whitespace collapsed. */
export function providerDetail(text: string | undefined, max = 240): string | undefined {
  if (!text) return undefined;
  const oneLine = scrubSecrets(text).replace(/\s+/g, ' ').trim();
  if (!oneLine) return undefined;
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
