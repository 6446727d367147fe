import { defineCommand, opt } from '#core/command.ts';
import { findInstance } from '#services/fleet/records.ts';
import { withAppSecret } from './app-secrets.ts';
import { accessFields, summaryFields, view } from './shared/fleet-replies.ts';

export const ssh = defineCommand({
  name: 'ssh',
  summary: 'Show how to reach an instance: SSH command, port mappings and app URLs',
  description: "App secrets (Jupyter token, vLLM API key, code-server password) go only to devs and admins, privately: in a direct message, or only to them in a shared channel. Viewers get the links without the secret.",
  examples: ['ssh i3'],
  options: { id: opt.string('instance id from instances, e.g. i3', { required: true, positional: true, complete: 'instance' }) },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run(context) {
    const record = findInstance(context.services.db.data, context.orgId, context.options.id);
    const instance = view(context, record);
    if (!instance.ssh) {
      const why =
        instance.phase === 'cleanup-pending'
          ? `its deploy failed and its clean-up is pending. ${instance.failure ?? ''}`.trim()
          : instance.destroyedAt
            ? `it is ${instance.status}`
            : `it is ${instance.status} and has no SSH address yet; try again once it is running`;
      return { kind: 'warning', text: `${instance.id} (${instance.name}) cannot be reached: ${why}.`, fields: summaryFields(instance), data: instance };
    }
    return withAppSecret(context, record, {
      kind: 'info',
      title: `${instance.id} (${instance.name})`,
      code: instance.ssh.command,
      fields: [...accessFields(instance), ...summaryFields(instance)],
      data: instance,
    });
  },
});
