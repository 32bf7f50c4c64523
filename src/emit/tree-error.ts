/** The output folder cannot be read or written safely: the user's setup, not a policy, is at fault. */
export class OutputTreeError extends Error {
  override name = 'OutputTreeError';
}
