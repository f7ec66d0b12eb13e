/** Ledger and provenance: hash-chain verification, signing, anchors, bundles, Python interop. */
export { parseJsonLossless, parsePlainJson, JsonSyntaxError } from '../../src-shared/losslessJson';
export { chainRowFromRecord } from './chainRow';
export { verifyChain } from './verifyChain';
export { verifyRunLedger } from './verifyRunLedger';
export { SigningKeyStore, KEY_FILE_NAME } from './signing';
export { anchorPathFor, anchorRun } from './anchors';
export { createExportBundle, verifyBundle, type ExportBundle } from './bundle';
export { importBundle } from './importBundle';
export { parsePythonLedger, verifyPythonLedgerText, verifyPythonLedgerFile, toPythonLedgerJsonl } from './pythonLedger';
export {
  importPythonRun,
  importPythonFolder,
  verifyPythonRuns,
  findPythonRuns,
  type FolderImportResult,
  type SkippedRun,
} from './pythonImport';
export { checkAnchors, type AnchorProblem } from './checkAnchors';
export { TrustList, ownPublicKey, withTrust, isTrusted } from './trust';
export { writePythonStore } from './pythonStoreExport';
export { importRunHistory, readRunHistory, writeRunHistory, isRunHistoryBundle } from './pythonHistory';
export { resolveArtifact } from './pythonArtifacts';
export { toPythonWait, fromPythonWait } from './pythonWaitMapping';
export { exactRecordsJson } from './exactRecordsJson';
