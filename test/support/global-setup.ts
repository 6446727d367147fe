// Collects every log line the suite writes (each worker and child process appends to a file in one
// folder) and fails the run if any test secret appears in them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ALL_TEST_SECRETS } from './secrets.ts';

export default function setup(project: TestProject) {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'computehub-test-logs-'));
  project.provide('logDir', logDir);
  return () => {
    const leaks: string[] = [];
    let lines = 0;
    for (const file of readdirSync(logDir)) {
      const text = readFileSync(path.join(logDir, file), 'utf8');
      lines += text.split('\n').length - 1;
      for (const secret of ALL_TEST_SECRETS) if (text.includes(secret)) leaks.push(`${file} contains the test secret ${secret.slice(0, 6)}…`);
    }
    rmSync(logDir, { recursive: true, force: true });
    if (leaks.length) {
      // vitest only reports an error thrown here; the exit code must say it too, or CI would pass.
      process.exitCode = 1;
      throw new Error(`Secrets leaked into the logs written during the suite (${lines} lines checked):\n${leaks.join('\n')}`);
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    logDir: string;
  }
}
