/** Ledger and provenance: hash-chain verification, signing, anchors, bundles, Python interop. */
export { parseJsonLossless, parsePlainJson, toPlainJson, JsonSyntaxError } from '../../src-shared/losslessJson';
export { chainRowFromRecord, readBodyLink, type ChainRow } from './chainRow';
export { verifyChain, type VerifyChainOptions } from './verifyChain';
export { verifyRunLedger, ledgerRows, type VerifyRunOptions, type RawLedgerSource, type SignedHeadSource } from './verifyRunLedger';
export {
  SigningKeyStore,
  KEY_FILE_NAME,
  headMessage,
  keyIdOf,
  publicKeyFromBase64,
  verifyRecordSignature,
  verifySignedHead,
} from './signing';
export { anchorPathFor, readAnchors, writeAnchors, anchorRun, type AnchorFile } from './anchors';
export {
  createExportBundle,
  verifyBundle,
  referencedArtifacts,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type ExportBundle,
  type BundleRecord,
  type BundleArtifact,
  type ExportOptions,
} from './bundle';
export { parseBundle } from './bundleSchema';
export { importBundle } from './importBundle';
export { writeImportedRun, type ImportResult } from './importRun';
export { parsePythonLedger, verifyPythonLedgerText, verifyPythonLedgerFile, toPythonLedgerJsonl } from './pythonLedger';
export {
  importPythonRun,
  importPythonFolder,
  verifyPythonRuns,
  findPythonRuns,
  pythonState,
  type PythonRunFiles,
  type FolderImportResult,
  type SkippedRun,
} from './pythonImport';
export { planLedgerImport, type LedgerImportPlan } from './ledgerExtension';
export { NO_RECORD_HASH } from './chainRow';
export { checkAnchors, type AnchorProblem } from './checkAnchors';
export { writePythonStore, pythonRunFileText, isoForPython, exactPythonValues, type PythonStoreExport } from './pythonStoreExport';
export { importRunHistory, readRunHistory, writeRunHistory, isRunHistoryBundle, RUN_HISTORY_VERSION } from './pythonHistory';
export { resolveArtifact, pythonArtifactsOf, readPythonArtifacts, pythonArtifactIds } from './pythonArtifacts';
export { toPythonWait, fromPythonWait, DESKTOP_WAIT_KEY } from './pythonWaitMapping';
export { exactRecordsJson } from './exactRecordsJson';
