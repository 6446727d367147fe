import { defineCommand } from '../src/core/command.ts';

/** What a Cancel button runs: nothing happens, and the user is told so. */
export const cancel = defineCommand({
  name: 'cancel',
  summary: 'Cancel a pending confirmation (nothing is changed)',
  examples: ['cancel'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  public: true,
  run: () => ({ kind: 'info', text: 'Cancelled. Nothing was changed.', data: { cancelled: true } }),
});
