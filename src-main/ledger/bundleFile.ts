/**
 * Reads an export bundle from a file for verification with memory bounded by everything but
 * its artifacts: the file is streamed once, each `artifacts[i].base64` string is decoded and
 * hashed as it goes by (never held), and the rest of the document — state, records,
 * snapshots — is parsed exactly as `parseJsonExact` parses any bundle. A 100 MB bundle whose
 * bulk is an artifact thus verifies in a few MB.
 *
 * The digests travel with the parsed bundle out of band (a WeakMap on the object), so the
 * API's own `verifyBundle` checks them: a bundle that came in as JSON text can never carry
 * any. Such a bundle has `base64: ""` in place of each streamed artifact, so it can only be
 * verified, never imported (`isStreamedBundle`).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { BundleInvalidError } from '../../src-shared/errors';
import { parseJsonExact } from '../../src-shared/exactJson';

/** What streaming an artifact's base64 text found. */
export interface StreamedArtifact {
  /** `sha256:<hex>` of the decoded bytes. */
  ref: string;
  size: number;
  /** False when the text is not plain base64 (alphabet A–Z a–z 0–9 + /, `=` padding, length a multiple of 4: isPlainBase64). */
  plain: boolean;
}

const streamed = new WeakMap<object, ReadonlyMap<number, StreamedArtifact>>();

/** The digest of `artifacts[index]` when the bundle was read by readBundleFile. */
export function streamedArtifact(bundle: unknown, index: number): StreamedArtifact | undefined {
  return typeof bundle === 'object' && bundle !== null ? streamed.get(bundle)?.get(index) : undefined;
}

export function isStreamedBundle(bundle: unknown): boolean {
  return typeof bundle === 'object' && bundle !== null && streamed.has(bundle);
}

/**
 * The one rule for artifact text, streamed or not: the base64 alphabet, `=` padding only at
 * the end and at most two, whole groups of four (Node's decoder would skip anything else).
 */
export function isPlainBase64(text: string): boolean {
  // One character class: a grouped pattern overflows the regexp stack on 100 MB of text.
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

export async function readBundleFile(path: string): Promise<unknown> {
  const scanner = new BundleScanner();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 })) scanner.write(chunk as Buffer);
  const text = scanner.end();
  let bundle: unknown;
  try {
    bundle = parseJsonExact(text, 'bundle');
  } catch (err) {
    throw new BundleInvalidError(`the bundle is not JSON: ${(err as Error).message}`);
  }
  if (typeof bundle === 'object' && bundle !== null) streamed.set(bundle, scanner.artifacts);
  return bundle;
}

interface Frame {
  type: 'obj' | 'arr';
  /** The last key read in this object (null: none yet, or one too long to be `artifacts`/`base64`). */
  key: string | null;
  expectKey: boolean;
  /** The element being read, in an array. */
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY = 16;
/** State, records and snapshots are parsed whole; past this a bundle is refused rather than exhausting memory. */
export const MAX_KEPT_BYTES = 256 * 2 ** 20;

/** Base64 alphabet (and '=' as 2) by byte; 0: anything else. */
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1;
B64['='.charCodeAt(0)] = 2;

/**
 * Follows the JSON structure byte by byte (strings, escapes, nesting) without parsing
 * values; everything but the streamed base64 contents is kept for the exact parse, which
 * also rejects what is not JSON. Multi-byte UTF-8 only occurs inside strings and is kept as is.
 */
export class BundleScanner {
  readonly artifacts = new Map<number, StreamedArtifact>();
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private stack: Frame[] = [];
  private inString = false;
  private escape = false;
  private role: 'key' | 'value' | 'b64' = 'value';
  private keyBytes: number[] | null = null;
  private b64: Base64Digest | null = null;
  /** A `\u` escape inside base64 text: the hex digits read so far. */
  private unicode: string | null = null;

  write(chunk: Buffer): void {
    let keepFrom = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.role === 'b64' && this.inString) {
        // Hand the artifact text over in runs up to the next quote or backslash; keep none of it.
        if (keepFrom < i) this.keep(chunk, keepFrom, i);
        const quote = this.b64Run(chunk, i);
        // The closing quote (if in this chunk) is kept: the text reads `"base64":""`.
        keepFrom = Math.min(quote, chunk.length);
        i = quote + 1;
        continue;
      }
      const c = chunk[i]!;
      if (this.inString) this.stringByte(c);
      else this.structureByte(c);
      i++;
    }
    if (keepFrom < chunk.length) this.keep(chunk, keepFrom, chunk.length);
  }

  end(): string {
    if (this.b64) this.b64.abandon();
    return Buffer.concat(this.kept).toString('utf8');
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    this.keptBytes += to - from;
    if (this.keptBytes > MAX_KEPT_BYTES)
      throw new BundleInvalidError(`the bundle holds more than ${MAX_KEPT_BYTES / 2 ** 20} MiB besides its artifacts' contents`, {
        limit: MAX_KEPT_BYTES,
      });
    // A copy: a view would pin the whole read buffer, artifact text included.
    this.kept.push(Buffer.from(chunk.subarray(from, to)));
  }

  private structureByte(c: number): void {
    const top = this.stack[this.stack.length - 1];
    switch (c) {
      case 0x7b: // {
        this.stack.push({ type: 'obj', key: null, expectKey: true, index: 0 });
        return;
      case 0x5b: // [
        if (this.stack.length === 1 && this.stack[0]!.key === 'artifacts') this.artifacts.clear(); // a repeated key: the last wins
        this.stack.push({ type: 'arr', key: null, expectKey: false, index: 0 });
        return;
      case 0x7d: // }
      case 0x5d: // ]
        this.stack.pop();
        return;
      case 0x2c: // ,
        if (top?.type === 'obj') top.expectKey = true;
        else if (top) top.index++;
        return;
      case 0x3a: // :
        if (top?.type === 'obj') top.expectKey = false;
        return;
      case QUOTE:
        this.inString = true;
        this.escape = false;
        if (top?.type === 'obj' && top.expectKey) {
          this.role = 'key';
          this.keyBytes = [];
        } else if (this.atArtifactText()) {
          this.role = 'b64';
          this.b64 = new Base64Digest();
        } else this.role = 'value';
        return;
    }
  }

  /** Inside root.artifacts[i] (an object), at the value of its key `base64`. */
  private atArtifactText(): boolean {
    const [root, list, item] = this.stack;
    return (
      this.stack.length === 3 &&
      root!.type === 'obj' &&
      root!.key === 'artifacts' &&
      list!.type === 'arr' &&
      item!.type === 'obj' &&
      item!.key === 'base64'
    );
  }

  private stringByte(c: number): void {
    if (this.escape) {
      this.escape = false;
      this.keyBytes = null; // an escaped key is never one of ours: it is parsed, not streamed
      return;
    }
    if (c === BACKSLASH) {
      this.escape = true;
      return;
    }
    if (c === QUOTE) {
      this.inString = false;
      if (this.role === 'key') {
        const top = this.stack[this.stack.length - 1]!;
        top.key = this.keyBytes ? Buffer.from(this.keyBytes).toString('latin1') : null;
      }
      this.role = 'value';
      return;
    }
    if (this.role === 'key' && this.keyBytes) {
      if (this.keyBytes.length >= MAX_KEY) this.keyBytes = null;
      else this.keyBytes.push(c);
    }
  }

  /** Reads base64 text from `from`; returns the index of its closing quote, or the chunk's length. */
  private b64Run(chunk: Buffer, from: number): number {
    const digest = this.b64!;
    let i = from;
    let runStart = from;
    while (i < chunk.length) {
      const c = chunk[i]!;
      if (this.unicode !== null) {
        this.unicode += String.fromCharCode(c);
        i++;
        runStart = i;
        if (this.unicode.length === 4) {
          const code = /^[0-9a-fA-F]{4}$/.test(this.unicode) ? parseInt(this.unicode, 16) : -1;
          digest.feed(code >= 0 && code < 128 ? Buffer.of(code) : Buffer.of(0));
          this.unicode = null;
        }
        continue;
      }
      if (this.escape) {
        this.escape = false;
        i++;
        runStart = i;
        if (c === 0x75) this.unicode = '';
        // `\/` is a slash; any other escape (\n, \") is no base64 character.
        else digest.feed(Buffer.of(c === 0x2f ? c : 0));
        continue;
      }
      if (c === BACKSLASH || c === QUOTE) {
        if (runStart < i) digest.feed(chunk.subarray(runStart, i));
        if (c === BACKSLASH) {
          this.escape = true;
          i++;
          runStart = i;
          continue;
        }
        // The closing quote: the artifact's text is complete; the quote is kept (`"base64":""`).
        const item = this.stack[1]!;
        this.artifacts.set(item.index, digest.finish());
        this.b64 = null;
        this.inString = false;
        this.role = 'value';
        return i;
      }
      i++;
    }
    if (runStart < i) digest.feed(chunk.subarray(runStart, i));
    return chunk.length;
  }
}

/** Decodes plain base64 text fed in pieces of any length and hashes the bytes. */
class Base64Digest {
  private hash: Hash = createHash('sha256');
  private size = 0;
  private length = 0;
  private padding = 0;
  private plain = true;
  private carry = '';

  feed(text: Buffer): void {
    for (let i = 0; i < text.length; i++) {
      const kind = B64[text[i]!];
      if (kind === 0 || (kind === 1 && this.padding > 0)) this.plain = false;
      else if (kind === 2) this.padding++;
    }
    this.length += text.length;
    if (!this.plain) return;
    const all = this.carry + text.toString('latin1');
    const whole = all.length - (all.length % 4);
    this.decode(all.slice(0, whole));
    this.carry = all.slice(whole);
  }

  finish(): StreamedArtifact {
    // Padding only at the end (checked as fed), at most two, whole groups of four: isPlainBase64.
    const plain = this.plain && this.padding <= 2 && this.length % 4 === 0;
    if (plain && this.carry) this.decode(this.carry);
    return { ref: `sha256:${this.hash.digest('hex')}`, size: this.size, plain };
  }

  abandon(): void {
    this.hash.destroy();
  }

  private decode(text: string): void {
    if (!text) return;
    const bytes = Buffer.from(text, 'base64');
    this.size += bytes.length;
    this.hash.update(bytes);
  }
}
