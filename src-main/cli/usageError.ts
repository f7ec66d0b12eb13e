/** Bad command-line usage: exit status 2, code USAGE. */
import { RuntimeError } from '../../src-shared/errors';

export class UsageError extends RuntimeError {
  override readonly code = 'USAGE';
}
