// Step 2: whatever goes wrong further down becomes one answer (src/core/outcomes.ts), and every
// invocation leaves one log line: the command, its outcome, how long it took.
import { failureOf } from '../outcomes.ts';
import type { Execution } from '../invocation.ts';
import type { Step } from './turn.ts';

export const answerFailures: Step = async (turn, next) => {
  const started = Date.now();
  let execution: Execution;
  try {
    execution = await next();
  } catch (error) {
    execution = failureOf(error, turn.definition, turn.services.log);
  }
  turn.services.log.info({ command: execution.command ?? turn.definition?.name, outcome: execution.outcome, ms: Date.now() - started, platform: turn.invocation.channel.platform }, 'command');
  return execution;
};
