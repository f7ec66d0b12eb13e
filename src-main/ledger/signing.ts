/**
 * Optional Ed25519 provenance (node:crypto). The private key is created on first use in the
 * app's data folder (`signing-key.pem`, mode 0600) and parsed once. What is signed:
 * - a record: the UTF-8 bytes of its `record_hash` (hex), signature base64;
 * - a head: the canonical JSON of `{hash, run_id, seq}`, signature base64.
 * Public keys travel as base64 of the raw 32-byte key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { ValidationError } from '../../src-shared/errors';
import type { SignedHead } from '../../src-shared/types';
import type { RecordSigner } from '../runtime/recordHash';

export const KEY_FILE_NAME = 'signing-key.pem';
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class SigningKeyStore {
  private privateKey: KeyObject | null = null;
  private publicRaw: Buffer | null = null;

  constructor(readonly dataDir: string) {}

  get keyPath(): string {
    return join(this.dataDir, KEY_FILE_NAME);
  }

  /** Signs a record hash, creating the key on first use. */
  sign(recordHash: string): string {
    return sign(null, Buffer.from(recordHash, 'utf8'), this.key()).toString('base64');
  }

  signer(): RecordSigner {
    return (hash) => this.sign(hash);
  }

  publicKeyBase64(): string {
    this.key();
    return this.publicRaw!.toString('base64');
  }

  keyId(): string {
    return keyIdOf(this.publicKeyBase64());
  }

  signHead(runId: string, seq: number, hash: string): SignedHead {
    const sig = sign(null, Buffer.from(headMessage(runId, seq, hash), 'utf8'), this.key()).toString('base64');
    return { run_id: runId, seq, hash, sig, public_key: this.publicKeyBase64() };
  }

  private key(): KeyObject {
    if (!this.privateKey) {
      this.privateKey = createPrivateKey(this.loadOrCreatePem());
      const spki = createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
      this.publicRaw = Buffer.from(spki.subarray(SPKI_ED25519_PREFIX.length));
    }
    return this.privateKey;
  }

  private loadOrCreatePem(): string {
    try {
      return readFileSync(this.keyPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    mkdirSync(this.dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    try {
      // 'wx': if another process created the key meanwhile, keep theirs.
      writeFileSync(this.keyPath, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(this.keyPath, 0o600);
      return pem;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(this.keyPath, 'utf8');
      throw err;
    }
  }
}

export function headMessage(runId: string, seq: number, hash: string): string {
  return canonicalJson({ hash, run_id: runId, seq });
}

export function keyIdOf(publicKeyBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 16);
}

const keyCache = new Map<string, KeyObject>();

/** A public key object from its base64 raw form, parsed once per key. */
export function publicKeyFromBase64(b64: string): KeyObject {
  let key = keyCache.get(b64);
  if (!key) {
    const raw = Buffer.from(b64, 'base64');
    if (raw.length !== 32) throw new ValidationError(`not an Ed25519 public key (expected 32 bytes, got ${raw.length})`);
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    keyCache.set(b64, key);
  }
  return key;
}

export function verifyRecordSignature(recordHash: string, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(recordHash, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function verifySignedHead(head: SignedHead): boolean {
  try {
    const key = publicKeyFromBase64(head.public_key);
    return verify(null, Buffer.from(headMessage(head.run_id, head.seq, head.hash), 'utf8'), key, Buffer.from(head.sig, 'base64'));
  } catch {
    return false;
  }
}
