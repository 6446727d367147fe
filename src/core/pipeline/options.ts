// Step 8: the options bound and validated (zod, through each option's builder in src/core/command.ts),
// or the ones a confirmation pinned; and the context the handler will receive.
import { bindOptions } from '../options.ts';
import { found, type FoundTurn, type Step } from './turn.ts';

/** The typed options, validated, or a copy of what the confirmation being carried out pinned. */
export function boundOptions({ definition, parsed, pending }: FoundTurn): Record<string, unknown> {
  return pending ? { ...pending.options } : bindOptions(definition, parsed);
}

export const optionBinding: Step = async (turn, next) => {
  const current = found(turn);
  const { invocation, access, pending, parsed } = current;
  const options = boundOptions(current);
  current.options = options;
  current.context = {
    options,
    actor: invocation.actor,
    channel: invocation.channel,
    orgId: access?.orgId ?? '',
    role: access?.role ?? 'viewer',
    projectId: access?.projectId,
    confirmed: pending !== undefined || parsed.flags.has('yes'),
    confirmationId: pending?.id,
    pins: { ...pending?.pins },
    progress: turn.progress,
    services: turn.services,
  };
  return next();
};
