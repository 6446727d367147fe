import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { UserError } from '#core/errors.ts';
import { formatCuda } from '#domain/cuda.ts';
import { isShipped, parseTemplate, renderTemplate, templateBuilds } from '#domain/templates.ts';
import { findTemplate, orgTemplates } from '#services/fleet/records.ts';

export const templateGroup = defineGroup({ name: 'template', summary: 'Templates: what deploy runs (image, ports, start script)', aliases: ['templates'], defaultSubcommand: 'list' });

export const templateList = defineCommand({
  name: 'template list',
  summary: 'List the templates you can deploy',
  examples: ['template list'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ services, orgId }) {
    const templates = orgTemplates(services.db.data, orgId);
    const pro = services.licence.status().pro;
    return {
      kind: 'info',
      title: 'Templates',
      table: {
        columns: [{ header: 'ID' }, { header: 'Name' }, { header: 'Tier' }, { header: 'Image' }, { header: 'Min VRAM', align: 'right' }, { header: 'Min disk', align: 'right' }],
        rows: templates.map((template) => [
          template.id,
          template.name,
          template.tier === 'pro' ? (pro ? 'Pro' : 'Pro (locked)') : isShipped(template.id) ? 'free' : 'org',
          template.image ?? 'image=... at deploy',
          `${template.minVramGb} GB`,
          `${template.minDiskGb} GB`,
        ]),
      },
      footer: 'Details: template show <id> · deploy with: deploy gpu=4090 template=<id>',
      data: { templates },
    };
  },
});

export const templateShow = defineCommand({
  name: 'template show',
  summary: 'Show a template: image, ports, env, start script, requirements',
  examples: ['template show jupyter'],
  options: { id: opt.string('template id', { required: true, positional: true, complete: 'template' }) },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ services, orgId, options }) {
    const template = findTemplate(services.db.data, orgId, options.id);
    const rendered = template.image ? renderTemplate(template, { secret: '<random per deploy>' }) : undefined;
    return {
      kind: 'info',
      title: `${template.name} (${template.id}, ${template.tier})`,
      text: template.description,
      fields: [
        { name: 'Image', value: template.image ?? 'named at deploy: image=...', inline: true },
        { name: 'Needs', value: `${template.minVramGb} GB VRAM, ${template.minDiskGb} GB disk`, inline: true },
        ...(templateBuilds(template).length
          ? [
              {
                name: 'Builds (first that fits the GPU and host driver)',
                value: templateBuilds(template)
                  .map((build) => `${build.image}: host driver with CUDA ${formatCuda(build.cuda)}+${build.minComputeCapability !== undefined ? `, GPUs from compute capability ${build.minComputeCapability.toFixed(1)}` : ''}`)
                  .join('\n'),
              },
            ]
          : []),
        { name: 'Ports', value: ['22/tcp (SSH)', ...template.ports.map((port) => `${port.port}/${port.protocol}${port.app ? ` (${port.app})` : ''}`)].join(', ') },
        ...(Object.keys(template.env).length ? [{ name: 'Env', value: Object.entries(template.env).map(([key, value]) => `${key}=${value}`).join('\n') }] : []),
        {
          name: 'How it runs',
          value: 'Vast: image + env + port flags + onstart script. RunPod: image + ports + env + start command. Lambda and TensorDock (VMs): cloud-init installs Docker and the NVIDIA toolkit, then runs the image.',
        },
      ],
      ...(template.startScript && { code: template.startScript }),
      data: { template, rendered },
    };
  },
});

export const templateAdd = defineCommand({
  name: 'template add',
  summary: "Add your org's own template from JSON (validated)",
  description:
    'JSON fields: id, name, tier ("free"), description, image (repository:tag, pinned), ports [{port, protocol: tcp|http, app?, path?}], env {}, startScript, minVramGb, minDiskGb. Use {{secret}} in env or path for a random per-deploy secret. ' +
    'For a CUDA image add cuda (the version it was built with, e.g. 12.8; deploy then rents only hosts whose driver runs it, and never a GPU too new for it), minComputeCapability (oldest GPU it has kernels for, e.g. 7.5), and variants [{image, cuda, minComputeCapability?}] for other builds, tried in order.',
  examples: [`template add '{"id":"whisper","name":"Whisper","tier":"free","description":"Speech to text","image":"onerahmet/openai-whisper-asr-webservice:v1.6.0-gpu","ports":[{"port":9000,"protocol":"http","app":"ASR API","path":"/docs"}],"minVramGb":8,"minDiskGb":30}'`],
  options: { json: opt.string('the template as JSON', { required: true, rest: true, maxLength: 8000 }) },
  role: 'dev',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options, actor }) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(options.json);
    } catch (error) {
      throw new UserError(`That is not valid JSON (${(error as Error).message}). Wrap the JSON in single quotes so its double quotes survive: template add '{"id":...}'. See: help template add`);
    }
    let template;
    try {
      template = parseTemplate(parsed, 'you gave');
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    if (isShipped(template.id)) throw new UserError(`'${template.id}' is a built-in template. Give yours another id.`);
    if (template.tier === 'pro') throw new UserError('Org templates are free-tier: set "tier":"free".');
    const replaced = services.db.data.templates.some((entry) => entry.orgId === orgId && entry.template.id === template.id);
    await services.db.update((data) => {
      data.templates = data.templates.filter((entry) => !(entry.orgId === orgId && entry.template.id === template.id));
      data.templates.push({ orgId, addedBy: `${actor.platform}:${actor.userId}`, addedAt: services.now().toISOString(), template });
    });
    return { kind: 'success', text: `Template ${template.id} ${replaced ? 'updated' : 'added'}. Deploy it with: deploy gpu=4090 template=${template.id}`, data: { template } };
  },
});

export const templateRemove = defineCommand({
  name: 'template remove',
  summary: "Remove one of your org's templates",
  examples: ['template remove whisper'],
  options: { id: opt.string('template id', { required: true, positional: true, complete: 'template' }) },
  role: 'dev',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options }) {
    const id = options.id.toLowerCase();
    if (isShipped(id)) throw new UserError(`'${id}' is a built-in template and cannot be removed.`);
    const present = services.db.data.templates.some((entry) => entry.orgId === orgId && entry.template.id === id);
    if (!present) throw new UserError(`Your org has no template '${id}'. See: template list`);
    await services.db.update((data) => {
      data.templates = data.templates.filter((entry) => !(entry.orgId === orgId && entry.template.id === id));
    });
    return { kind: 'success', text: `Template ${id} removed. Instances already deployed from it keep running.` };
  },
});
