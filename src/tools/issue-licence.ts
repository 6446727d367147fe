// Maintainers' tool: issues a Pro licence key from the private signing key (kept outside the repo).
//   npx tsx src/tools/issue-licence.ts --private-key ~/.computehub/licence-private.pem \
//       --licensee "Acme AI" [--days 365] [--id lic-0001] [--features pro]
//   npx tsx src/tools/issue-licence.ts --new-key-pair ~/.computehub   (writes licence-private.pem, prints the public key)
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signLicence, verifyLicence } from '#services/licence.ts';
import { createPublicKey } from 'node:crypto';

const { values } = parseArgs({
  options: {
    'private-key': { type: 'string' },
    licensee: { type: 'string' },
    days: { type: 'string' },
    id: { type: 'string' },
    features: { type: 'string', default: 'pro' },
    'new-key-pair': { type: 'string' },
  },
});

if (values['new-key-pair']) {
  const folder = values['new-key-pair'];
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const file = path.join(folder, 'licence-private.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  process.stdout.write(`Private key written to ${file} (never commit it).\nPublic key for SHIPPED_LICENCE_PUBLIC_KEY:\n${publicKey.export({ type: 'spki', format: 'pem' })}`);
  process.exit(0);
}

if (!values['private-key'] || !values.licensee) {
  process.stderr.write('Usage: issue-licence --private-key <file.pem> --licensee <name> [--days N] [--id ID] [--features a,b]\n');
  process.exit(2);
}

const privateKeyPem = readFileSync(values['private-key'], 'utf8');
const now = new Date();
const days = values.days ? Number(values.days) : undefined;
if (days !== undefined && !(days > 0)) {
  process.stderr.write('--days must be a positive number of days.\n');
  process.exit(2);
}
const key = signLicence(
  {
    v: 1,
    id: values.id ?? `lic-${randomUUID().slice(0, 8)}`,
    licensee: values.licensee,
    features: values.features.split(',').map((feature) => feature.trim()).filter(Boolean),
    issuedAt: now.toISOString(),
    ...(days ? { expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString() } : {}),
  },
  privateKeyPem,
);
const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
const check = verifyLicence(key, publicKeyPem, now);
if (!check.valid) throw new Error(`The issued key does not verify: ${check.reason}`);
process.stdout.write(`${key}\n`);
