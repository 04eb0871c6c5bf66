/** Bad admin or seed input; the admin HTTP layer answers it with 400, the in-process API throws it. */
export class InputError extends Error {
  override name = 'InputError';
}
