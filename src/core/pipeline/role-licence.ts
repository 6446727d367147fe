// Step 7: the asker's role and, for a Pro command, the licence. Refusals come before option errors:
// "you may not" helps more than "you typed it wrong", so options that do not bind are not reported.
import { refusalOf } from '../outcomes.ts';
import { boundOptions } from './options.ts';
import { auditTurn, deny, found, type Step } from './turn.ts';

export const roleAndLicence: Step = async (turn, next) => {
  const current = found(turn);
  const { definition, access } = current;
  const refusal = access ? refusalOf(definition, access.role, () => turn.services.licence.status()) : undefined;
  if (!refusal) return next();
  try {
    current.options = boundOptions(current);
  } catch {
    current.options = {};
  }
  await auditTurn(current, 'refused', refusal.audit);
  return deny(definition.name, refusal.message);
};
