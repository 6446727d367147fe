// What a pod's container runs: Docker's rule, ENTRYPOINT + CMD. RunPod's container start command
// (GraphQL `dockerArgs`, REST v2 `args`) is one string: a plain command line replaces only the CMD,
// the JSON form `{"cmd":[…],"entrypoint":[…]}` replaces both (docs/providers.md §2.3). An image with its
// own ENTRYPOINT therefore takes a plain start command as arguments to that program.

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

/** What the create asked the container to run: the start command string (GraphQL `dockerArgs`, v2 `args`). */
export interface ContainerCommand {
  args?: string;
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((part) => typeof part === 'string');

/** The JSON form's lists, or the plain command line as the whole CMD. */
function startCommandParts(args: string): { entrypoint?: string[]; cmd: string[] } {
  if (args.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (parsed !== null && typeof parsed === 'object') {
        const { cmd, entrypoint } = parsed as Record<string, unknown>;
        if ((cmd === undefined || isStringList(cmd)) && (entrypoint === undefined || isStringList(entrypoint))) return { ...(entrypoint && { entrypoint }), cmd: cmd ?? [] };
      }
    } catch {
      // Not JSON after all: a command line that happens to start with a brace.
    }
  }
  return { cmd: [args] };
}

/**
 * The command line the container starts with, and whether our start command is what runs: it is
 * not when the image keeps its own ENTRYPOINT and the command went in only as CMD (the program
 * then gets the script as arguments and exits).
 */
export function containerStart(image: string | undefined, command: ContainerCommand): { line: string; misrouted: boolean } | undefined {
  const { entrypoint: given, cmd } = command.args ? startCommandParts(command.args) : { cmd: [] };
  const replaced = given?.length ? given : undefined;
  if (!replaced && !cmd.length) return undefined;
  const entrypoint = replaced ?? imageEntrypoint(image);
  return { line: [...entrypoint, ...cmd].join(' '), misrouted: !replaced && entrypoint.length > 0 };
}
