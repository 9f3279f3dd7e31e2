import { isRotkitError, RotkitError } from "@rotkit/core";

// How the DICE extension decoders report a malformed value: the shared der/ helpers throw `X509_MALFORMED` with
// `at`, a position in the extension value (the decoders read every element in place, with derChildrenOf), and the
// message of the error a caller sees says "<field>: <problem> at offset <n>".

/**
 * Runs `decode` on an extension value: `value` must be bytes (`INVALID_ARGUMENT`), and an `X509_MALFORMED` raised
 * inside says its offset in the value.
 *
 * @example
 * ```ts
 * export const decodeDiceUeid = (value: Uint8Array) => decodeDiceValue(value, "TcgUeid", readUeid);
 * ```
 */
export function decodeDiceValue<T>(value: Uint8Array, what: string, decode: (value: Uint8Array) => T): T {
  if (!(value instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what}: value must be bytes`);
  try {
    return decode(value);
  } catch (e) {
    if (isRotkitError(e, "X509_MALFORMED") && typeof e.at === "number") {
      const suffix = ` (at ${e.at})`;
      const text = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
      throw new RotkitError("X509_MALFORMED", `${text} at offset ${e.at}`, { cause: e });
    }
    throw e;
  }
}
