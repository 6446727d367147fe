// Pro licences: a JSON payload signed with Ed25519, verified offline against a built-in public key.
// Key format: CH1.<base64url payload>.<base64url signature over the payload bytes>.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { LICENCE_PURPOSE } from '#store/seal-secrets.ts';
import { VaultError, type Vault } from '#store/vault.ts';

/** The public half of the ComputeHub maintainers' licence signing key. */
export const SHIPPED_LICENCE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAsFRWxho60ZxMLiPKngfos8J2xFwUTCkipNuvqddstGY=
-----END PUBLIC KEY-----`;

const KEY_PREFIX = 'CH1';

const payloadSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  licensee: z.string().min(1),
  features: z.array(z.string()).min(1),
  issuedAt: z.string().datetime({ offset: true }),
  expiresAt: z.string().datetime({ offset: true }).optional(),
});

export type LicencePayload = z.infer<typeof payloadSchema>;

export type LicenceProblem = 'malformed' | 'signature' | 'payload' | 'expired' | 'not-yet-valid';

export type LicenceCheck =
  | { valid: true; licence: LicencePayload }
  | { valid: false; problem: LicenceProblem; reason: string };

function base64url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Checks a licence key offline. Every refusal has its own problem code and a reason to show. */
export function verifyLicence(key: string, publicKeyPem: string = SHIPPED_LICENCE_PUBLIC_KEY, now: Date = new Date()): LicenceCheck {
  const parts = key.trim().split('.');
  if (parts.length !== 3 || parts[0] !== KEY_PREFIX || !parts[1] || !parts[2] || !/^[\w-]+$/.test(parts[1] + parts[2])) {
    return {
      valid: false,
      problem: 'malformed',
      reason: `This is not a ComputeHub licence key: a key looks like ${KEY_PREFIX}.xxxx.yyyy. Copy the whole key from your licence email, with no spaces or line breaks.`,
    };
  }
  const payloadBytes = Buffer.from(parts[1], 'base64url');
  const signature = Buffer.from(parts[2], 'base64url');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch {
    return { valid: false, problem: 'malformed', reason: 'The licence public key configured in this build is unreadable.' };
  }
  if (signature.length !== 64 || !verify(null, payloadBytes, publicKey, signature)) {
    return {
      valid: false,
      problem: 'signature',
      reason: 'This licence key was not signed by ComputeHub, or it was changed after signing. Copy the key again exactly as issued.',
    };
  }
  let payload: LicencePayload;
  try {
    payload = payloadSchema.parse(JSON.parse(payloadBytes.toString('utf8')));
  } catch {
    return { valid: false, problem: 'payload', reason: 'This licence key is signed but its contents are not understood by this version. Upgrade ComputeHub.' };
  }
  if (Date.parse(payload.issuedAt) > now.getTime() + 24 * 3_600_000) {
    return { valid: false, problem: 'not-yet-valid', reason: `This licence is issued for ${payload.issuedAt}, which is in the future. Check this machine's clock.` };
  }
  if (payload.expiresAt && Date.parse(payload.expiresAt) <= now.getTime()) {
    return {
      valid: false,
      problem: 'expired',
      reason: `This licence (${payload.id}, for ${payload.licensee}) expired on ${payload.expiresAt.slice(0, 10)}. Renew it to keep Pro features.`,
    };
  }
  return { valid: true, licence: payload };
}

/** Signs a licence payload. Used by the maintainers' issuing script and by tests with their own keys. */
export function signLicence(payload: LicencePayload, privateKeyPem: string): string {
  const body = Buffer.from(JSON.stringify(payloadSchema.parse(payload)));
  const signature = sign(null, body, createPrivateKey(privateKeyPem));
  return `${KEY_PREFIX}.${base64url(body)}.${base64url(signature)}`;
}

export type ProStatus =
  | { pro: true; source: 'licence'; licence: LicencePayload }
  | { pro: true; source: 'simulator' }
  | { pro: false; reason: string };

/** The licence in force: a stored (or COMPUTEHUB_LICENCE_KEY) key, or the simulator trial. */
export class LicenceService {
  constructor(
    private readonly options: {
      db: import('#store/db.ts').Db;
      vault: Vault;
      publicKey: string;
      /** True while every provider is the built-in simulator: Pro is open for trying out. */
      simulatorOnly: () => boolean;
      environmentKey?: string | undefined;
      now: () => Date;
    },
  ) {}

  /** The key in force: one activated in chat (sealed in the vault) wins over COMPUTEHUB_LICENCE_KEY. */
  currentKey(): string | undefined {
    const stored = this.options.db.data.licence;
    if (stored?.keySealed) return this.options.vault.open(LICENCE_PURPOSE, stored.keySealed);
    return stored?.key ?? this.options.environmentKey;
  }

  check(): LicenceCheck | undefined {
    let key: string | undefined;
    try {
      key = this.currentKey();
    } catch (error) {
      // The stored key was sealed under another master key: report it, never crash every Pro check.
      if (error instanceof VaultError) return { valid: false, problem: 'malformed', reason: `${error.message} Or activate the licence again: licence activate <key>.` };
      throw error;
    }
    return key ? verifyLicence(key, this.options.publicKey, this.options.now()) : undefined;
  }

  status(): ProStatus {
    const check = this.check();
    if (check?.valid) return { pro: true, source: 'licence', licence: check.licence };
    if (this.options.simulatorOnly()) return { pro: true, source: 'simulator' };
    return { pro: false, reason: check ? `The licence in use is not valid: ${check.reason}` : 'No Pro licence is active.' };
  }

  async activate(key: string, activatedBy: string): Promise<LicenceCheck> {
    const check = verifyLicence(key, this.options.publicKey, this.options.now());
    if (check.valid) {
      await this.options.db.update((data) => {
        data.licence = { keySealed: this.options.vault.seal(LICENCE_PURPOSE, key.trim()), activatedAt: this.options.now().toISOString(), activatedBy };
      });
    }
    return check;
  }
}
