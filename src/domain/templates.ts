// Deploy templates: what to run (image, ports, env, start script) and what it needs (VRAM, disk).
// Pure: the shipped catalogue (data/templates/*.json) is imported as JSON modules, one line per file
// (a test checks the list against the folder); an org's own templates come from the store and pass
// through the same schema.
import { z } from 'zod';
import comfyui from '#data/templates/comfyui.json' with { type: 'json' };
import custom from '#data/templates/custom.json' with { type: 'json' };
import jupyter from '#data/templates/jupyter.json' with { type: 'json' };
import llama from '#data/templates/llama.json' with { type: 'json' };
import pytorch from '#data/templates/pytorch.json' with { type: 'json' };
import sdWebui from '#data/templates/sd-webui.json' with { type: 'json' };
import vscode from '#data/templates/vscode.json' with { type: 'json' };
import { chooseBuild, type CudaBuild } from './cuda.ts';
import { canonicalGpu } from './gpus.ts';

/** Placeholder in env values and app URL paths, replaced by a per-deploy random secret. */
export const SECRET_PLACEHOLDER = '{{secret}}';

const imageSchema = z
  .string()
  .regex(/^[\w.\-/:@]+:[\w.\-]+$|^[\w.\-/:]+@sha256:[a-f0-9]{64}$/, 'expected an image with a pinned tag, e.g. pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime')
  .refine((image) => !image.endsWith(':latest'), 'pin a version tag instead of :latest so every deploy runs the same thing');
const cudaSchema = z.number().min(9).max(20);
const computeCapabilitySchema = z.number().min(3).max(20);
const variantSchema = z.object({ image: imageSchema, cuda: cudaSchema, minComputeCapability: computeCapabilitySchema.optional() });

const portSchema = z.object({
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'http']),
  /** The app served on this port, e.g. "Jupyter"; absent for plain ports. */
  app: z.string().min(1).max(40).optional(),
  /** Path (and query) appended to the app URL, e.g. "/lab?token={{secret}}". */
  path: z.string().max(200).optional(),
});

export const templateSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'expected a short lower-case id such as my-llm (letters, digits, dashes)'),
    name: z.string().min(1).max(60),
    tier: z.enum(['free', 'pro']),
    description: z.string().min(1).max(300),
    /** Docker image with a pinned tag; null means the user names one at deploy time (image=). */
    image: imageSchema.nullable(),
    /** CUDA the image was built with (its host driver must support it); absent for images without CUDA code. */
    cuda: cudaSchema.optional(),
    /** Oldest GPU the image has kernels for, as a compute capability (7.5 when a build dropped Volta). */
    minComputeCapability: computeCapabilitySchema.optional(),
    /** Other builds of the same software for other GPUs or drivers, tried in order after `image`. */
    variants: z.array(variantSchema).max(6).optional(),
    ports: z.array(portSchema).max(10),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names are letters, digits and _'), z.string().max(256)).default({}),
    /** Runs inside the container after SSH is set up; should not return while the app runs. */
    startScript: z.string().max(3500).optional(),
    /** The image sets a Docker ENTRYPOINT (its own program), which a provider must replace for the start script to run. */
    imageSetsEntrypoint: z.boolean().optional(),
    minVramGb: z.number().min(0).max(640),
    minDiskGb: z.number().int().min(10).max(4000),
  })
  .refine((template) => new Set(template.ports.map((port) => port.port)).size === template.ports.length, { message: 'each port may be listed once' })
  .refine((template) => !template.ports.some((port) => port.port === 22), { message: 'port 22 is always exposed for SSH; do not list it' })
  .refine((template) => !template.variants?.length || (template.image !== null && template.cuda !== undefined), { message: 'variants need an image with its cuda version first' });

export type Template = z.infer<typeof templateSchema>;
export type TemplatePort = Template['ports'][number];

/** Reads and validates one template JSON; the message names the file and what is wrong. */
export function parseTemplate(json: unknown, source: string): Template {
  const result = templateSchema.safeParse(json);
  if (!result.success) throw new Error(`Template ${source} is invalid: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** The shipped templates, by the file each is read from (its id); a file in data/templates/ belongs here. */
const SHIPPED_FILES: Record<string, unknown> = { comfyui, custom, jupyter, llama, pytorch, 'sd-webui': sdWebui, vscode };

export const SHIPPED_TEMPLATES: readonly Template[] = Object.entries(SHIPPED_FILES).map(([file, json]) => parseTemplate(json, `data/templates/${file}.json`));

/** Shipped templates first, then the org's own; an org template never shadows a shipped id. */
export function templateCatalogue(custom: readonly Template[]): Template[] {
  const shippedIds = new Set(SHIPPED_TEMPLATES.map((template) => template.id));
  return [...SHIPPED_TEMPLATES, ...custom.filter((template) => !shippedIds.has(template.id))];
}

export function isShipped(id: string): boolean {
  return SHIPPED_TEMPLATES.some((template) => template.id === id);
}

// Makes sure an SSH server runs in any image, with the key the provider passes in (RunPod PUBLIC_KEY,
// Vast and VM hosts inject their own). Images that already run sshd are left alone.
const SSH_BOOTSTRAP = [
  'mkdir -p /root/.ssh /run/sshd && chmod 700 /root/.ssh',
  'if [ -n "$PUBLIC_KEY" ]; then echo "$PUBLIC_KEY" >> /root/.ssh/authorized_keys; fi',
  'if ! command -v sshd >/dev/null 2>&1; then (apt-get update -qq && apt-get install -y -qq openssh-server) >/dev/null 2>&1 || true; fi',
  'pgrep -x sshd >/dev/null 2>&1 || /usr/sbin/sshd 2>/dev/null || true',
].join('\n');

const KEEP_ALIVE = 'sleep infinity';

/** What the template runs on a given deploy: placeholders filled, SSH always exposed. */
export interface RenderedTemplate {
  image: string;
  env: Record<string, string>;
  ports: { port: number; protocol: 'tcp' | 'http' }[];
  startScript: string;
  imageSetsEntrypoint: boolean;
}

export function renderTemplate(template: Template, values: { image?: string | undefined; secret: string }): RenderedTemplate {
  const image = values.image ?? template.image;
  if (!image) throw new Error(`Template ${template.id} needs an image`);
  const env = Object.fromEntries(Object.entries(template.env).map(([key, value]) => [key, value.replaceAll(SECRET_PLACEHOLDER, values.secret)]));
  const body = template.startScript?.trim() || KEEP_ALIVE;
  return {
    image,
    env,
    ports: [{ port: 22, protocol: 'tcp' }, ...template.ports.map(({ port, protocol }) => ({ port, protocol }))],
    startScript: `#!/bin/bash\n${SSH_BOOTSTRAP}\n${body}\n`,
    imageSetsEntrypoint: template.imageSetsEntrypoint === true,
  };
}

/** The URL of each app port once the provider has mapped it (on localhost when it is tunnelled over SSH). */
export interface AppLink {
  app: string;
  url: string;
}

/** A path with every query parameter that would carry the secret left out (the app then asks for it). */
function withoutSecret(path: string): string {
  const [base = '/', query] = path.split('?', 2);
  const kept = (query ?? '').split('&').filter((part) => part && !part.includes(SECRET_PLACEHOLDER));
  return `${base.split(SECRET_PLACEHOLDER)[0]}${kept.length ? `?${kept.join('&')}` : ''}`;
}

/** Environment variables through which the template's app reads the per-deploy secret. */
export function secretVariables(template: Template): string[] {
  return Object.entries(template.env)
    .filter(([, value]) => value.includes(SECRET_PLACEHOLDER))
    .map(([name]) => name);
}

/** Whether the app on this template is protected by the per-deploy secret. */
export function usesSecret(template: Template): boolean {
  return secretVariables(template).length > 0 || template.ports.some((port) => port.path?.includes(SECRET_PLACEHOLDER));
}

/** App URLs; without `secret` they leave it out (what anyone may see), with it they carry it (devs, privately). */
export function appLinks(
  template: Template | undefined,
  ports: readonly { containerPort: number; host: string; hostPort: number; url?: string | undefined; tunnel?: boolean | undefined }[],
  secret: string | undefined,
): AppLink[] {
  if (!template) return [];
  const links: AppLink[] = [];
  for (const port of template.ports) {
    if (!port.app) continue;
    const mapped = ports.find((candidate) => candidate.containerPort === port.port);
    if (!mapped) continue;
    // A provider URL that already carries a path or query belongs to the provider's own app there
    // (Lambda's hosted Jupyter), not to ours: then the plain host:port is the way in.
    const providerBase = mapped.url && !/^https?:\/\/[^/]+\/?$/.test(mapped.url) ? undefined : mapped.url;
    // A tunnelled port is opened on the user's own machine by the SSH tunnel, on the same number.
    const direct = mapped.tunnel ? `http://localhost:${mapped.containerPort}` : `http://${mapped.host}:${mapped.hostPort}`;
    const base = (providerBase ?? direct).replace(/\/+$/, '');
    const suffix = secret === undefined ? withoutSecret(port.path ?? '/') : (port.path ?? '/').replaceAll(SECRET_PLACEHOLDER, secret);
    links.push({ app: port.app, url: `${base}${suffix.startsWith('/') ? suffix : `/${suffix}`}` });
  }
  return links;
}

/** Why a template cannot run on an offer, or undefined when it fits. */
export function templateMisfit(template: Template, offer: { vramGb: number; gpuCount: number }, diskGb: number): string | undefined {
  if (offer.vramGb * offer.gpuCount < template.minVramGb) {
    return `${template.name} needs at least ${template.minVramGb} GB of GPU memory; this offer has ${offer.vramGb * offer.gpuCount} GB`;
  }
  if (diskGb < template.minDiskGb) return `${template.name} needs at least ${template.minDiskGb} GB of disk; disk=${diskGb} was asked for`;
  return undefined;
}

/** The builds a template ships, preferred first; empty when its image holds no CUDA code (any GPU will do). */
export function templateBuilds(template: Template): CudaBuild[] {
  if (!template.image || template.cuda === undefined) return [];
  return [{ image: template.image, cuda: template.cuda, minComputeCapability: template.minComputeCapability }, ...(template.variants ?? [])];
}

/** What a deploy runs on an offer: the image (undefined = the user must name one) and the CUDA its host must support. */
export type TemplateFit = { image: string | undefined; cuda?: number } | { misfit: string };

/**
 * Whether a template runs on an offer, and with which build: the VRAM and disk it needs, then the
 * build with kernels for the offer's GPU that the host's driver supports. An image the user named
 * (image=) is taken as it is: we cannot know what CUDA it was built with.
 */
export function fitTemplate(template: Template, offer: { gpu: string; vramGb: number; gpuCount: number; cudaVersion?: number | undefined }, diskGb: number, namedImage?: string): TemplateFit {
  const misfit = templateMisfit(template, offer, diskGb);
  if (misfit) return { misfit };
  const builds = templateBuilds(template);
  if (namedImage || builds.length === 0) return { image: namedImage ?? template.image ?? undefined };
  const choice = chooseBuild(template.name, builds, { gpu: offer.gpu, computeCapability: canonicalGpu(offer.gpu, offer.vramGb)?.computeCapability, driverCuda: offer.cudaVersion });
  return 'misfit' in choice ? choice : { image: choice.build.image, cuda: choice.build.cuda };
}
