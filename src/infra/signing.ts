/**
 * Ed25519 signatures of a bundle's seal, with node:crypto (no dependency): the examiner signs
 * with a private key (PEM, e.g. `openssl genpkey -algorithm ed25519`), anyone checks with the
 * public key. A key is named by its fingerprint: SHA-256 of its public key (SubjectPublicKeyInfo,
 * DER), base64 without padding, as OpenSSH prints it ("SHA256:…").
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';

/** The examiner's private key from PEM text; one clear line when it is not an Ed25519 private key. */
export function privateKeyFromPem(pem: string, name: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new InputError(
      `${name} is not a private key in PEM: make one with 'openssl genpkey -algorithm ed25519 -out examiner.pem'`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new InputError(
      `${name} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519: make one with 'openssl genpkey -algorithm ed25519 -out examiner.pem'`,
    );
  return key;
}

/** A public key from PEM text (a public key, or the private key it belongs to). */
export function publicKeyFromPem(pem: string, name: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new InputError(
      `${name} is not a public key in PEM: derive it with 'openssl pkey -in examiner.pem -pubout -out examiner.pub.pem'`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new InputError(`${name} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return key;
}

/** "SHA256:…" of a key's public half. */
export function fingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** The public key of `key`, as PEM (SubjectPublicKeyInfo). */
export function publicPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Base64 Ed25519 signature of `data`. */
export function signBytes(data: Buffer, key: KeyObject): string {
  return sign(null, data, key).toString('base64');
}

/** Whether `signature` (base64) is `key`'s signature of `data`. */
export function verifyBytes(data: Buffer, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, data, key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    return false;
  }
}
