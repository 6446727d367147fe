// Step 11, the last: the handler runs with validated options. One that answers with kind 'confirm'
// finds that what was pinned no longer holds (the price rose): a fresh preview, a fresh confirmation.
import { describeInvocation } from '../options.ts';
import { ask } from './confirmation.ts';
import { bound, type Step } from './turn.ts';

export const runCommand: Step = async (turn) => {
  const current = bound(turn);
  const { definition, pending, options, context } = current;
  const result = await definition.run(context);
  if (result.kind === 'confirm') {
    context.confirmationId = turn.services.confirmations.newId();
    return ask(current, result, pending?.previewLine ?? describeInvocation(definition, options));
  }
  return { command: definition.name, outcome: result.kind === 'error' ? 'failed' : 'ok', reply: result };
};
