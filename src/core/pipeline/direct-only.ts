// Step 6: a command that carries a secret works only in a direct message with the bot. Checked before
// the options are read: the message may carry a secret, and none of it is kept.
import { deny, found, type Step } from './turn.ts';

export const directOnly: Step = async (turn, next) => {
  const { definition, invocation, access } = found(turn);
  if (!definition.directOnly || invocation.channel.kind === 'direct') return next();
  const name = definition.name;
  if (definition.mutating && access) {
    await turn.services.identity.audit({ orgId: access.orgId, actor: invocation.actor, command: name, args: name, result: 'refused', message: 'not in a direct message' });
  }
  return deny(name, `'${name}' carries a secret, so it only works in a direct message with the bot. Send it to me privately; nothing was saved.`);
};
