// Step 5: who is asking (src/services/identity.ts behind the port): the org that applies and the
// asker's role there. Strangers may run only public commands (help, claim); `--org=<id>` (pinned by a
// button) refuses to run where another org applies.
import { pinnedOrgRefusal } from '../outcomes.ts';
import { deny, found, type Step } from './turn.ts';

export const identify: Step = async (turn, next) => {
  const current = found(turn);
  const { definition, invocation } = current;
  const { identity } = turn.services;
  const access = identity.resolve(invocation.actor, invocation.channel);
  if (!access && !definition.public) {
    return deny(definition.name, 'You are not a member of any ComputeHub org here. Ask an admin to add you (member add), or to bind this channel (org bind).');
  }
  const elsewhere = pinnedOrgRefusal(turn.services, invocation.actor, current.parsed.flags.get('org'), access?.orgId);
  if (elsewhere) return deny(definition.name, elsewhere);
  if (access) await identity.learnName(invocation.actor);
  turn.access = access;
  return next();
};
