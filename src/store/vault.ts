// The secret vault: AES-256-GCM under a master key from COMPUTEHUB_SECRET_KEY, or, when that is
// unset, from a generated key file (mode 0600) in the data directory. Each sealed value is bound to
// its purpose (the associated data), so a ciphertext copied into another slot fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { registerSecret } from '#src/log.ts';

const PREFIX = 'enc:v1:';

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

export class Vault {
  private constructor(private readonly key: Buffer, readonly keySource: 'environment' | 'file') {}

  static async open(options: { secretKey?: string | undefined; dataDir: string }): Promise<Vault> {
    if (options.secretKey) return new Vault(Buffer.from(options.secretKey, 'base64'), 'environment');
    const file = path.resolve(options.dataDir, 'secret.key');
    try {
      const text = (await readFile(file, 'utf8')).trim();
      const key = Buffer.from(text, 'base64');
      if (key.length !== 32) throw new VaultError(`${file} does not hold a 32-byte base64 key. Restore it from a backup, or set COMPUTEHUB_SECRET_KEY.`);
      return new Vault(key, 'file');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    try {
      // 'wx' fails if another process created the file first; then we read theirs.
      await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return Vault.open(options);
      throw error;
    }
    return new Vault(key, 'file');
  }

  /** Encrypts a secret for storage. `purpose` names its slot, e.g. `provider:vast:default`. */
  seal(purpose: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  /** Decrypts a sealed secret; the plaintext is registered with the log redactor. */
  open(purpose: string, sealed: string): string {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : [];
    if (parts.length !== 3) throw new VaultError(`The stored secret for ${purpose} is not in the vault's format; add it again.`);
    const [iv, tag, body] = parts.map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      registerSecret(plaintext);
      return plaintext;
    } catch {
      throw new VaultError(
        `The stored secret for ${purpose} cannot be decrypted: the master key (${this.keySource === 'environment' ? 'COMPUTEHUB_SECRET_KEY' : 'data/secret.key'}) ` +
          'is not the one it was encrypted with. Restore the original key, or add the secret again.',
      );
    }
  }
}
