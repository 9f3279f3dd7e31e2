import type { DerElement } from "@rotkit/core";
import { malformed } from "./errors.js";
import { Tag } from "./read.js";

// Time (RFC 5280 §4.1.2.5) as epoch seconds. DER (X.690 §11.7/§11.8) plus the RFC 5280 profile leave exactly one
// form each: UTCTime YYMMDDHHMMSSZ (§4.1.2.5.1; YY ≥ 50 is 19YY, else 20YY) and GeneralizedTime YYYYMMDDHHMMSSZ
// with no fractional seconds (§4.1.2.5.2). Anything else (offsets, missing seconds, fractions) is refused.

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian), H. Hinnant's days_from_civil. No Date: Date.UTC maps
 * years 0..99 to 19xx.
 *
 * @example
 * ```ts
 * daysFromCivil(2000, 3, 1); // 11017
 * ```
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(c: Uint8Array, i: number, n: number, what: string, at: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = (c[k] as number) - 0x30;
    if (d < 0 || d > 9) malformed(`${what}: time must be digits then Z`, at);
    v = v * 10 + d;
  }
  return v;
}

/**
 * A Time element (UTCTime or GeneralizedTime) as seconds since the epoch.
 *
 * @example
 * ```ts
 * const notBefore = derTime(validity[0], "notBefore");
 * ```
 */
export function derTime(el: DerElement, what: string): number {
  const c = el.contents;
  let pos: number;
  let year: number;
  if (el.tag === Tag.UTC_TIME) {
    if (c.length !== 13) malformed(`${what}: UTCTime must be YYMMDDHHMMSSZ`, el.start);
    const yy = digits(c, 0, 2, what, el.start);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    pos = 2;
  } else if (el.tag === Tag.GENERALIZED_TIME) {
    if (c.length !== 15) malformed(`${what}: GeneralizedTime must be YYYYMMDDHHMMSSZ`, el.start);
    year = digits(c, 0, 4, what, el.start);
    pos = 4;
  } else {
    return malformed(`${what}: expected UTCTime or GeneralizedTime`, el.start);
  }
  if (c[c.length - 1] !== 0x5a) malformed(`${what}: time must end in Z`, el.start);
  const month = digits(c, pos, 2, what, el.start);
  const day = digits(c, pos + 2, 2, what, el.start);
  const hour = digits(c, pos + 4, 2, what, el.start);
  const minute = digits(c, pos + 6, 2, what, el.start);
  const second = digits(c, pos + 8, 2, what, el.start);
  if (month < 1 || month > 12) malformed(`${what}: month out of range`, el.start);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > dim) malformed(`${what}: day out of range`, el.start);
  if (hour > 23 || minute > 59 || second > 59) malformed(`${what}: time of day out of range`, el.start);
  return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

/** 2050-01-01T00:00:00Z: RFC 5280 §4.1.2.5 — dates before it MUST be UTCTime, from it on GeneralizedTime. */
export const UTC_TIME_END = 2524608000;
