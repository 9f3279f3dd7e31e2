// The CBOR data model rotkit's protocol code sees. It is codec-neutral on purpose: callers never see cbor-x
// types, so a device build can swap the codec without touching them.

/** A CBOR tag (RFC 8949 §3.4) kept as is: rotkit never converts tags into JS objects implicitly. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** A simple value other than false/true/null/undefined (RFC 8949 §3.3). */
export class CborSimple {
  constructor(readonly value: number) {}
}

/**
 * A decoded CBOR item.
 * - unsigned/negative integers: `number` when a safe integer, `bigint` otherwise;
 * - byte strings: plain `Uint8Array` (never a Buffer); text strings: `string`;
 * - arrays: `CborValue[]`; maps: `Map` (insertion order = encoded order);
 * - floats: `number`; `false`/`true`/`null`/`undefined`; other simple values: `CborSimple`; tags: `CborTag`.
 */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | CborMap
  | CborTag
  | CborSimple;

export type CborMap = Map<CborValue, CborValue>;

/** Bounds on what a decoder will do for hostile input. Every length is checked against the bytes left before allocation. */
export interface CborLimits {
  /** Maximum nesting depth of arrays, maps and tags. Default 32. */
  maxDepth: number;
  /** Maximum number of data items in the whole input. Default 65,536. */
  maxItems: number;
  /** Maximum input length in bytes. Default 16 MiB. */
  maxBytes: number;
  /** Maximum length of one byte or text string. Default = maxBytes. */
  maxStringLength: number;
}

export interface CborDecodeOptions {
  limits?: Partial<CborLimits>;
  /** Reject indefinite-length strings, arrays and maps (`CBOR_INDEFINITE`). Default false. */
  rejectIndefinite?: boolean;
  /** Reject non-preferred serialization (RFC 8949 §4.1): over-long integer heads, floats that fit a shorter form (`CBOR_NOT_PREFERRED`). Default false. */
  requirePreferred?: boolean;
  /** Require core deterministic encoding (RFC 8949 §4.2.1): preferred, definite, map keys sorted bytewise. Default false. */
  requireDeterministic?: boolean;
  /** Reject duplicate map keys (`CBOR_DUPLICATE_KEY`). Default true: RFC 9052 §3 and EAT/CWT require it. */
  rejectDuplicateKeys?: boolean;
  /**
   * Return byte strings as views into the input (`subarray`) instead of copies. About 2x faster on a COSE_Sign1,
   * but the values alias the input (later writes to it show through) and keep the whole input buffer alive.
   * Default false.
   */
  zeroCopy?: boolean;
}
