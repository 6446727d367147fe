// Step 10: the audit log. A mutating command run by a member leaves one line: ok, error (with the
// message a user saw, or "internal error") or refused. A run that asks again is audited when carried out.
import { DeniedError, UserError } from '../errors.ts';
import { auditTurn, found, type Step } from './turn.ts';

export const audit: Step = async (turn, next) => {
  const current = found(turn);
  try {
    const execution = await next();
    if (execution.outcome === 'confirm') return execution;
    const failed = execution.reply.kind === 'error';
    await auditTurn(current, failed ? 'error' : 'ok', failed ? execution.reply.text : undefined);
    return execution;
  } catch (error) {
    await auditTurn(current, error instanceof DeniedError ? 'refused' : 'error', error instanceof UserError ? error.message : 'internal error');
    throw error;
  }
};
