import { bytesEqual, encodeCbor } from "@rotkit/core";
import { decodeSuitEnvelopeUnverified, encodeSuitEnvelope } from "@rotkit/manifest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { signedExamples } from "./suit-fixtures.js";

// The unverified decoder on hostile bytes: every mutation and truncation of every example ends in a SUIT_ /
// CBOR_ RotkitError or in an envelope that re-encodes to exactly the bytes it came from; random bytes never crash.

const CODE = /^(SUIT|CBOR)_/;

describe("SUIT decoder fuzzing", () => {
  it("every single-byte mutation and truncation of every example: a RotkitError, or a byte-exact re-encoding", () => {
    let accepted = 0;
    let rejected = 0;
    for (const ex of signedExamples()) {
      const outcome = expectOnlyRotkitErrors(
        (input) => {
          if (!bytesEqual(encodeSuitEnvelope(decodeSuitEnvelopeUnverified(input)), input)) {
            throw new Error("an accepted envelope re-encodes differently");
          }
        },
        [...singleByteMutations(ex.bytes), ...truncations(ex.bytes)],
      );
      accepted += outcome.ok;
      rejected += outcome.rejected;
      for (const c of Object.keys(outcome.codes)) expect(c).toMatch(CODE);
    }
    // Every truncation and a good share of the flips are caught by the structure alone; flips inside signatures,
    // digests and strings are left to verifySuitEnvelope (suit-mutation.test.ts).
    expect(rejected).toBeGreaterThan((accepted + rejected) / 3);
  });

  it("random bytes and random CBOR never crash the decoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expectOnlyRotkitErrors((b) => decodeSuitEnvelopeUnverified(b), [bytes, Uint8Array.of(0xd8, 0x6b, ...bytes)]);
      }),
      { numRuns: 2000 },
    );
    const item = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.integer({ min: -30, max: 30 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.string({ maxLength: 4 }),
        fc.constant(null),
        fc.boolean(),
        fc.array(tie("v"), { maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: -3, max: 25 }), tie("v")), { maxLength: 4 }).map((e) => new Map(e)),
      ),
    })).v;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 24 }), item), { maxLength: 5 }), (entries) => {
        // An envelope-shaped map whose members are bstr-wrapped random CBOR.
        const m = new Map(entries.map(([k, v]) => [k, encodeCbor(v as never)]));
        m.set(2, encodeCbor([encodeCbor([-16, new Uint8Array(32)])]));
        expectOnlyRotkitErrors((b) => decodeSuitEnvelopeUnverified(b), [encodeCbor(m)]);
      }),
      { numRuns: 2000 },
    );
  });
});
