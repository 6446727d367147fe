// What a pod's container runs: Docker's rule, ENTRYPOINT + CMD, where RunPod's GraphQL `dockerArgs`
// and REST v2 `args`/`cmd` replace only the CMD and v2 `entrypoint` replaces the ENTRYPOINT. An image
// with its own ENTRYPOINT therefore takes a start script passed as CMD as arguments to that program.

/**
 * The ENTRYPOINT of images the templates use, as their Dockerfiles set it (images not listed have
 * none, so their CMD is the whole command): vLLM's OpenAI server image
 * (https://github.com/vllm-project/vllm/blob/v0.11.0/docker/Dockerfile) and code-server's
 * (https://github.com/coder/code-server/blob/v4.104.0/ci/release-image/Dockerfile).
 */
const IMAGE_ENTRYPOINTS: Record<string, string[]> = {
  'vllm/vllm-openai': ['vllm', 'serve'],
  'codercom/code-server': ['/usr/bin/entrypoint.sh', '--bind-addr', '0.0.0.0:8080', '.'],
};

/** The image's repository without tag or digest: "vllm/vllm-openai:v0.11.0" → "vllm/vllm-openai". */
function repository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}

function imageEntrypoint(image: string | undefined): string[] {
  return image ? (IMAGE_ENTRYPOINTS[repository(image)] ?? []) : [];
}

/** What the create asked the container to run: v2 `entrypoint`/`cmd` as lists, or one `args` string (GraphQL `dockerArgs`, v2 `args`). */
export interface ContainerCommand {
  entrypoint?: string[];
  cmd?: string[];
  args?: string;
}

/**
 * The command line the container starts with, and whether our start command is what runs: it is
 * not when the image keeps its own ENTRYPOINT and the command went in only as CMD (the program
 * then gets the script as arguments and exits).
 */
export function containerStart(image: string | undefined, command: ContainerCommand): { line: string; misrouted: boolean } | undefined {
  const cmd = command.cmd?.length ? command.cmd : command.args ? [command.args] : [];
  const replaced = command.entrypoint?.length ? command.entrypoint : undefined;
  if (!replaced && !cmd.length) return undefined;
  const entrypoint = replaced ?? imageEntrypoint(image);
  return { line: [...entrypoint, ...cmd].join(' '), misrouted: !replaced && entrypoint.length > 0 };
}
