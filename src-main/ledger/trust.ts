/**
 * Who vouches for a chain. A valid hash chain proves only that nobody edited it without
 * re-hashing; anyone can re-hash, and anyone can make a key. So a report says in words
 * whether it is unsigned, signed by this machine's key, by a key the user chose to trust
 * (`trusted-keys.json` in the data folder: `keys trust|untrust|list`), or by an unknown key.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../src-shared/errors';
import type { VerifyReport, VerifyTrust } from '../../src-shared/types';
import { KEY_FILE_NAME, keyIdOf, SigningKeyStore } from './signing';

export const TRUST_FILE_NAME = 'trusted-keys.json';

export interface TrustedKey {
  key_id: string;
  public_key: string | null;
  label: string | null;
  added_at: string;
}

interface TrustFile {
  format: 'abstractruntime-trusted-keys';
  version: 1;
  keys: TrustedKey[];
}

export class TrustList {
  constructor(private readonly dataDir: string | null) {}

  private get path(): string | null {
    return this.dataDir ? join(this.dataDir, TRUST_FILE_NAME) : null;
  }

  list(): TrustedKey[] {
    const path = this.path;
    if (!path || !existsSync(path)) return [];
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as TrustFile;
      if (parsed.format !== 'abstractruntime-trusted-keys' || !Array.isArray(parsed.keys)) throw new Error('unexpected format');
      return parsed.keys.filter((k) => typeof k.key_id === 'string');
    } catch (err) {
      throw new ValidationError(`the trust list ${path} is unreadable (${(err as Error).message}); fix or delete it`, { path });
    }
  }

  /** `keyOrFingerprint`: a base64 raw Ed25519 public key, or a 16-hex-digit key id. */
  trust(keyOrFingerprint: string, label: string | null, now: Date): TrustedKey {
    const entry = parseKey(keyOrFingerprint, label, now);
    const rest = this.list().filter((k) => k.key_id !== entry.key_id);
    this.write([...rest, entry]);
    return entry;
  }

  untrust(fingerprint: string): boolean {
    const keys = this.list();
    const rest = keys.filter((k) => k.key_id !== fingerprint.toLowerCase());
    if (rest.length === keys.length) return false;
    this.write(rest);
    return true;
  }

  has(keyId: string): boolean {
    return this.list().some((k) => k.key_id === keyId);
  }

  private write(keys: TrustedKey[]): void {
    const path = this.path;
    if (!path) throw new ValidationError('no data folder: the trust list cannot be saved');
    mkdirSync(this.dataDir!, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const file: TrustFile = { format: 'abstractruntime-trusted-keys', version: 1, keys };
    writeFileSync(tmp, JSON.stringify(file, null, 1) + '\n', { mode: 0o644 });
    renameSync(tmp, path);
  }
}

function parseKey(text: string, label: string | null, now: Date): TrustedKey {
  const t = text.trim();
  if (/^[0-9a-f]{16}$/i.test(t)) return { key_id: t.toLowerCase(), public_key: null, label, added_at: now.toISOString() };
  const raw = Buffer.from(t, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== t)
    throw new ValidationError('expected a base64 Ed25519 public key (32 bytes) or a 16-hex-digit key id', { key: t.slice(0, 80) });
  return { key_id: keyIdOf(t), public_key: t, label, added_at: now.toISOString() };
}

/** This machine's public key when a key exists (never creates one just to compare). */
export function ownPublicKey(dataDir: string | null): string | null {
  if (!dataDir || !existsSync(join(dataDir, KEY_FILE_NAME))) return null;
  try {
    return new SigningKeyStore(dataDir).publicKeyBase64();
  } catch {
    return null;
  }
}

export interface TrustContext {
  ownPublicKey: string | null;
  trusted: TrustList;
}

const UNSIGNED = 'unsigned: integrity only (anyone who can edit the file can re-hash it)';

/** The report with `trust` and a sentence saying who vouches for the chain. */
export function withTrust<R extends VerifyReport>(report: R, ctx: TrustContext): R {
  const { trust, sentence } = assess(report, ctx);
  const message = report.valid ? `${report.message}; ${sentence}` : report.message;
  return { ...report, trust, trustMessage: sentence, message };
}

function assess(report: VerifyReport, ctx: TrustContext): { trust: VerifyTrust; sentence: string } {
  const signed = report.signed;
  if (!signed) return { trust: 'unsigned', sentence: UNSIGNED };
  const upTo = signed.signedSeq < report.records - 1 ? ` (records after seq ${signed.signedSeq} are not signed)` : '';
  if (ctx.ownPublicKey && signed.publicKey === ctx.ownPublicKey)
    return { trust: 'own_key', sentence: `signed by this machine's key ${signed.keyId} up to seq ${signed.signedSeq}${upTo}` };
  if (ctx.trusted.has(signed.keyId))
    return { trust: 'trusted_key', sentence: `signed by trusted key ${signed.keyId} up to seq ${signed.signedSeq}${upTo}` };
  return {
    trust: 'unknown_key',
    sentence: `signed by an unknown key ${signed.keyId}: anyone can make a key; trust it with \`keys trust ${signed.keyId}\` only if you know whose it is`,
  };
}

export function isTrusted(report: VerifyReport): boolean {
  return report.valid && (report.trust === 'own_key' || report.trust === 'trusted_key');
}
