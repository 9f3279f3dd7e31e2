import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  decodeDiceUeid,
  decodeMultiTcbInfo,
  decodeOpenDiceInput,
  decodeTcbInfoOrRiot,
  OID_OPEN_DICE_INPUT,
  OID_TCG_DICE_MULTI_TCB_INFO,
  OID_TCG_DICE_UEID,
} from "../src/index.js";
import { loadCert, readVector, VERAISON_X509_CHAIN } from "./dice-fixtures.js";

// DESIGN.md "Tests": every single-byte mutation (XOR 0x01, 0x80, 0x20, 0x1f, 0xff) and every truncation of each
// DICE extension value in the vectors ends in a value or a RotkitError, never a crash.

function ext(dir: string, file: string, oid: string): Uint8Array {
  const e = loadCert(dir, file).extensions.find((x) => x.oid === oid);
  if (!e) throw new Error(`${file}: no ${oid}`);
  return e.value;
}

const CASES: [string, Uint8Array, (v: Uint8Array) => unknown][] = [
  [
    "Caliptra MultiTcbInfo",
    ext("dice-caliptra", "fmc_alias_cert_ecc.der", OID_TCG_DICE_MULTI_TCB_INFO),
    decodeMultiTcbInfo,
  ],
  ["Caliptra Ueid", ext("dice-caliptra", "ldevid_cert_ecc.der", OID_TCG_DICE_UEID), decodeDiceUeid],
  [
    "Open-DICE input (veraison chain_0)",
    ext("dice-veraison", VERAISON_X509_CHAIN[1]!, OID_OPEN_DICE_INPUT),
    decodeOpenDiceInput,
  ],
  [
    "Open-DICE input (KAT descriptor)",
    ext("open-dice-kat", "x509_p256_descriptor.der", OID_OPEN_DICE_INPUT),
    decodeOpenDiceInput,
  ],
  ["RIoT extension", readVector("dice-veraison", "riot-ext.der"), decodeTcbInfoOrRiot],
];

describe("DICE extension decoders under mutation", () => {
  for (const [name, value, decode] of CASES) {
    it(`${name}: single-byte flips and truncations → value or RotkitError`, () => {
      expect(() => decode(value)).not.toThrow();
      const flips = expectOnlyRotkitErrors(decode, singleByteMutations(value));
      expect(flips.ok + flips.rejected).toBe(value.length * 5);
      expect(flips.rejected).toBeGreaterThan(0);
      const cuts = expectOnlyRotkitErrors(decode, truncations(value));
      // The value is one DER element: every proper prefix is malformed.
      expect(cuts.ok).toBe(0);
      expect(Object.keys(cuts.codes)).toEqual(["X509_MALFORMED"]);
      expect(Object.keys(flips.codes)).toEqual(["X509_MALFORMED"]);
    });
  }
});
