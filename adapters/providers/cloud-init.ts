// VM providers (Lambda, TensorDock) rent machines, not containers. To run a template's image there,
// the VM's first boot installs Docker and the NVIDIA container toolkit and starts the container.
import type { LaunchSpec } from './types.ts';

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const CONTAINER_NAME = 'computehub';

/** The boot script: idempotent installs, then `docker run` of the spec's image with its env and ports. */
export function containerBootScript(spec: LaunchSpec): string {
  // SSH stays on the VM's own sshd; the container gets every other requested port on the same number.
  const ports = spec.ports.filter((port) => port.port !== 22).map((port) => `-p ${port.port}:${port.port}`);
  const env = Object.entries(spec.env).map(([name, value]) => `-e ${shellQuote(`${name}=${value}`)}`);
  const command = spec.startScript ? ` bash -c ${shellQuote(spec.startScript)}` : '';
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    // First boot: no tty for prompts, and unattended-upgrades may hold the dpkg lock for a while.
    'export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a',
    'command -v docker >/dev/null || curl -fsSL https://get.docker.com | sh',
    'if ! command -v nvidia-ctk >/dev/null; then',
    // --batch --yes: without a tty gpg refuses to overwrite a keyring left by an earlier attempt.
    '  curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey | gpg --batch --yes --dearmor -o /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg',
    "  curl -fsSL https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] https://#g' > /etc/apt/sources.list.d/nvidia-container-toolkit.list",
    // One command per line: `set -e` ignores a failure on the left of `&&`, so a failed step would go unnoticed.
    '  apt-get -o DPkg::Lock::Timeout=600 update',
    '  apt-get -o DPkg::Lock::Timeout=600 install -y nvidia-container-toolkit',
    'fi',
    'nvidia-ctk runtime configure --runtime=docker',
    'systemctl restart docker',
    `docker rm -f ${CONTAINER_NAME} 2>/dev/null || true`,
    ['docker run -d --restart unless-stopped --gpus all', `--name ${CONTAINER_NAME}`, ...ports, ...env, shellQuote(spec.image)].join(' ') + command,
    '',
  ].join('\n');
}

const SCRIPT_PATH = '/opt/computehub/boot.sh';

/** cloud-init as an object (TensorDock `cloud_init`): write the boot script (root-only: it holds the env), run it once. */
export function cloudConfig(spec: LaunchSpec): { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[] } {
  return {
    write_files: [{ path: SCRIPT_PATH, content: containerBootScript(spec), permissions: '0700' }],
    runcmd: [`bash ${SCRIPT_PATH} > /var/log/computehub-boot.log 2>&1`],
  };
}

/** cloud-init as user-data text (Lambda `user_data`). JSON is valid YAML, so the object is reused as is. */
export function cloudConfigUserData(spec: LaunchSpec): string {
  return `#cloud-config\n${JSON.stringify(cloudConfig(spec))}\n`;
}
