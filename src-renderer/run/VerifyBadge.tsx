/** The chain verdict from the main process (`verifyRun`), re-run on demand. */
import { useShallow } from 'zustand/react/shallow';
import { count } from '../shell/plural';
import { useRunViewStore } from '../state/runViewStore';

export function VerifyBadge() {
  const { verify, verifying, runVerify } = useRunViewStore(
    useShallow((s) => ({ verify: s.verify, verifying: s.verifying, runVerify: s.runVerify })),
  );
  // An unchained ledger (Python without HashChainedLedgerStore) is neither valid nor broken.
  const unchained = verify?.reason === 'unchained';
  const text = !verify
    ? 'Not verified yet'
    : verify.valid
      ? 'Chain valid'
      : unchained
        ? 'No hash chain: integrity cannot be checked'
        : `Chain broken at seq ${verify.firstBadSeq ?? '?'} (${verify.reason ?? 'unknown'})`;
  const cls = !verify ? 'badge' : verify.valid ? 'badge badge-ok' : unchained ? 'badge badge-warn' : 'badge badge-bad';
  return (
    <div className="verify">
      <span className={cls} role="status" aria-label="Verification" title={verify?.message}>
        {text}
        {verify?.valid ? ` · ${count(verify.records, 'record')}` : ''}
      </span>
      {verify?.signed ? (
        <span className="badge badge-signed" title={verify.signed.publicKey}>
          signed by key {verify.signed.keyId} (through seq {verify.signed.signedSeq})
        </span>
      ) : null}
      <button type="button" onClick={() => void runVerify()} disabled={verifying}>
        {verifying ? 'Verifying…' : 'Verify'}
      </button>
    </div>
  );
}
