import { defineCommand, opt } from '#core/command.ts';

/** What a Cancel button runs: the preview's confirmation can no longer be carried out. */
export const cancel = defineCommand({
  name: 'cancel',
  summary: 'Cancel a pending confirmation (nothing is changed); only who asked, or an admin, may',
  examples: ['cancel', 'cancel k3x9q2m7ab'],
  options: { id: opt.string('the confirmation, as its Cancel button carries it', { positional: true, maxLength: 64 }) },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run({ options, services, orgId, actor, role }) {
    if (options.id) await services.confirmations.cancel(options.id, orgId, actor, role);
    return { kind: 'info', text: 'Cancelled. Nothing was changed.', data: { cancelled: true } };
  },
});
