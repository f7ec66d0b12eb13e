/** Moved to src-main/store/checkBatch.ts (both stores use it); kept so branches written before the move still compile. */
export { checkBatch } from '../checkBatch';
