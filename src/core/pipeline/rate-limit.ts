// Step 3: the per-person rate limit and the line cap, checked before the line is even parsed. The
// terminal is the operator's own and is not limited.
import { MAX_LINE_CHARACTERS, type RateLimiter } from '../bounds.ts';
import { reply } from '../reply.ts';
import type { Step } from './turn.ts';

export function rateLimit(limiter: RateLimiter): Step {
  return async ({ invocation: { actor, line } }, next) => {
    if (actor.platform !== 'console' && !limiter.take(`${actor.platform}:${actor.userId}`)) {
      return { outcome: 'denied', reply: reply.error('You are sending commands faster than I can take them. Wait a few seconds and try again.') };
    }
    if (line.length > MAX_LINE_CHARACTERS) {
      return {
        outcome: 'usage',
        reply: reply.error(`That line is ${line.length.toLocaleString('en-US')} characters long; a command may be at most ${MAX_LINE_CHARACTERS.toLocaleString('en-US')}. Nothing was run. Shorten it (e.g. fewer ids per batch).`),
      };
    }
    return next();
  };
}
