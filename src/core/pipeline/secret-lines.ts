// Step 1: a secret typed in a shared chat. Decided from the raw line before anything else, whoever
// sent it and whatever becomes of it: the answer never repeats the secret, and the platform deletes
// the message where it can.
import type { SecretLines } from '../secret-lines.ts';
import type { Step } from './turn.ts';

export function hideSecretLines(secretLines: SecretLines): Step {
  return async ({ invocation }, next) => {
    const carriesSecret = invocation.channel.kind === 'shared' && secretLines.carriesSecret(invocation.line);
    const execution = await next();
    if (!carriesSecret) return execution;
    const { reply: answer } = execution;
    return { ...execution, reply: answer.text ? { ...answer, text: secretLines.mask(answer.text, invocation.line) } : answer, deleteMessage: true };
  };
}
