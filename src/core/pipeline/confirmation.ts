// Step 9: confirmation. Carrying one out takes it first (a second press runs nothing); a command with
// a `confirm` hook, neither confirmed nor run with --yes, answers with its preview: what it pinned is
// stored (src/services/confirmations.ts) and the answer carries Confirm / Cancel buttons.
import type { Execution } from '../invocation.ts';
import { describeInvocation } from '../options.ts';
import type { Reply } from '../reply.ts';
import { bound, deny, type BoundTurn, type Step } from './turn.ts';

/** The line a Confirm button carries: `confirm <id>`. Not a command of its own: the lookup finds what it pinned. */
export const CONFIRM_WORD = 'confirm';

export const confirmation: Step = async (turn, next) => {
  const current = bound(turn);
  const { definition, pending, context, options, invocation } = current;
  const { confirmations } = turn.services;
  if (pending && !(await confirmations.take(pending, invocation.actor))) {
    return deny(definition.name, confirmations.unusable(pending)?.message ?? 'This confirmation was already used.');
  }
  if (definition.confirm && !context.confirmed) {
    const previewLine = describeInvocation(definition, options);
    context.confirmationId = confirmations.newId();
    const preview = await definition.confirm(context);
    if (preview) return ask(current, preview, previewLine);
    context.confirmationId = undefined;
  }
  return next();
};

/** Stores what the preview pinned and answers with it and its Confirm / Cancel buttons. */
export async function ask(turn: BoundTurn, preview: Reply, previewLine: string): Promise<Execution> {
  const { definition, context } = turn;
  const { confirmations } = turn.services;
  const pending = await confirmations.create({
    id: context.confirmationId!,
    orgId: context.orgId,
    owner: context.actor,
    command: definition.name,
    previewLine,
    line: describeInvocation(definition, context.options),
    options: context.options,
    pins: context.pins,
  });
  const minutes = Math.round(confirmations.lifetimeMs / 60_000);
  const note = `Confirm within ${minutes} minutes: it does exactly what is shown, once.`;
  return {
    command: definition.name,
    outcome: 'confirm',
    reply: {
      ...preview,
      kind: 'confirm',
      footer: preview.footer ? `${preview.footer} · ${note}` : note,
      buttons: [
        { label: 'Confirm', command: `${CONFIRM_WORD} ${pending.id}`, style: 'danger' },
        { label: 'Cancel', command: `cancel ${pending.id}`, style: 'secondary' },
      ],
    },
  };
}
