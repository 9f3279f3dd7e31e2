import { encodeCbor, fromHex, generateSoftwareKey, nobleProvider, toHex, utf8Encode } from "@rotkit/core";
import {
  createDowngradeTicket,
  type DowngradeTicketBody,
  decodeDowngradeTicketUnverified,
  downgradeTicketToBeSigned,
  encodeDowngradeTicketBody,
  isVerifiedDowngradeTicket,
  verifyDowngradeTicket,
} from "@rotkit/rollback";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";

const code = (c: string) => expect.objectContaining({ code: c });
const provider = nobleProvider();
const body: DowngradeTicketBody = {
  deviceId: fromHex("0102030405060708"),
  component: utf8Encode("app"),
  fromSequence: 12,
  toSequence: 11,
  expiresAt: 1767225600,
  ticketId: fromHex("00112233445566778899aabbccddeeff"),
};

describe("downgrade tickets", () => {
  it("signs a documented, domain-separated structure", () => {
    const bodyBytes = encodeDowngradeTicketBody(body);
    expect(toHex(bodyBytes)).toBe(
      "a6014801020304050607080243617070030c040b051a6955b9000650" + "00112233445566778899aabbccddeeff",
    );
    const tbs = downgradeTicketToBeSigned(bodyBytes);
    expect(toHex(tbs.subarray(0, 29))).toBe(`82781a${toHex(utf8Encode("rotkit-downgrade-ticket-v1"))}`);
    expect(toHex(tbs.subarray(29))).toBe(`582c${toHex(bodyBytes)}`);
  });

  it("verifies ES256 and EdDSA tickets against the trusted keys and brands the result", async () => {
    for (const alg of ["ES256", "EdDSA"] as const) {
      const key = await generateSoftwareKey(alg);
      const other = await generateSoftwareKey(alg);
      const ticket = await createDowngradeTicket({ ...body, component: "app" }, key);
      const keys = [
        { alg, key: other.publicKey },
        { alg, key: key.publicKey },
      ];
      const v = await verifyDowngradeTicket(ticket, { keys, provider });
      expect(v.body).toEqual(body);
      expect(isVerifiedDowngradeTicket(v)).toBe(true);
      expect(isVerifiedDowngradeTicket({ body })).toBe(false);
      await expect(verifyDowngradeTicket(ticket, { keys: [keys[0] as never], provider })).rejects.toThrow(
        code("ROLLBACK_TICKET_INVALID"),
      );
      await expect(verifyDowngradeTicket(ticket, { keys: [], provider })).rejects.toThrow(
        code("ROLLBACK_TICKET_INVALID"),
      );
    }
  });

  it("refuses bodies that are not a downgrade or have bad fields", () => {
    const bad: Array<Partial<DowngradeTicketBody>> = [
      { toSequence: 12 },
      { toSequence: 13 },
      { deviceId: new Uint8Array(0) },
      { deviceId: new Uint8Array(65) },
      { component: new Uint8Array(65) },
      { ticketId: new Uint8Array(7) },
      { ticketId: new Uint8Array(33) },
      { expiresAt: -1 },
      { fromSequence: 2 ** 53 },
    ];
    for (const b of bad)
      expect(() => encodeDowngradeTicketBody({ ...body, ...b })).toThrow(code("ROLLBACK_TICKET_INVALID"));
  });

  it("decodes strictly: wrong shapes, extra keys, non-deterministic encodings are ROLLBACK_TICKET_INVALID", () => {
    const bodyBytes = encodeDowngradeTicketBody(body);
    const sig = new Uint8Array(64);
    const withBody = (m: Map<number, unknown>) => encodeCbor([encodeCbor(m as never), sig]);
    const map = () =>
      new Map<number, unknown>([
        [1, body.deviceId],
        [2, body.component],
        [3, 12],
        [4, 11],
        [5, 1767225600],
        [6, body.ticketId],
      ]);
    const extra = map().set(7, 1);
    const missing = map();
    missing.delete(6);
    const textComponent = map().set(2, "app");
    const cases = [
      encodeCbor([bodyBytes]),
      encodeCbor([bodyBytes, sig, sig]),
      encodeCbor(new Map([[1, bodyBytes]])),
      encodeCbor([bodyBytes, "sig"]),
      withBody(extra),
      withBody(missing),
      withBody(textComponent),
      fromHex(`82${toHex(encodeCbor(bodyBytes)).replace(/^582c/, "59002c")}5840${"00".repeat(64)}`), // non-preferred length
      new Uint8Array(8193),
    ];
    for (const [i, c] of cases.entries()) {
      expect(() => decodeDowngradeTicketUnverified(c), `case ${i}`).toThrow(code("ROLLBACK_TICKET_INVALID"));
    }
    expect(decodeDowngradeTicketUnverified(encodeCbor([bodyBytes, sig])).body).toEqual(body);
  });

  it("ends every byte flip and truncation of a signed ticket in ROLLBACK_TICKET_INVALID (decode and verify)", async () => {
    const key = await generateSoftwareKey("EdDSA");
    const ticket = await createDowngradeTicket({ ...body, component: "app" }, key);
    const keys = [{ alg: "EdDSA" as const, key: key.publicKey }];
    const decoded = expectOnlyRotkitErrors((b) => decodeDowngradeTicketUnverified(b), singleByteMutations(ticket));
    expect(Object.keys(decoded.codes)).toEqual(["ROLLBACK_TICKET_INVALID"]);
    expect(expectOnlyRotkitErrors((b) => decodeDowngradeTicketUnverified(b), truncations(ticket)).ok).toBe(0);
    let accepted = 0;
    for (const m of singleByteMutations(ticket, [0x01, 0x80])) {
      try {
        await verifyDowngradeTicket(m.bytes, { keys, provider });
        accepted++;
      } catch (e) {
        expect(e).toEqual(code("ROLLBACK_TICKET_INVALID"));
      }
    }
    expect(accepted).toBe(0);
  });
});
