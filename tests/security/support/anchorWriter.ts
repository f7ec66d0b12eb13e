/**
 * A process that anchors `count` runs (`<prefix>-<i>`) one by one into the anchor file at
 * argv[2], starting at the epoch ms argv[5], so two of them race on the same file.
 */
import { writeAnchors } from '../../../src-main/ledger/anchors';
import { SigningKeyStore } from '../../../src-main/ledger/signing';

const [path, prefix, countText, startText, keyDir] = process.argv.slice(2);
const keys = new SigningKeyStore(keyDir!);
keys.publicKeyBase64();
while (Date.now() < Number(startText)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
for (let i = 0; i < Number(countText); i++) {
  const runId = `${prefix}-${i}`;
  writeAnchors(path!, [keys.signHead(runId, i, 'a'.repeat(64))]);
}
process.stdout.write('done\n');
