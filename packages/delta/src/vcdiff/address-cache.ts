import { corrupt } from "../bzip2/pull-input.js";
import { NEAR_SIZE, SAME_SIZE } from "./code-table.js";
import type { Section } from "./section.js";

// RFC 3284 §5.1-5.4: COPY addresses are coded against two caches, reset at the start of every window.
//   mode 0 VCD_SELF: the address itself; mode 1 VCD_HERE: here - value;
//   modes 2..5: near[m-2] + value; modes 6..8: same[(m-6)·256 + one address byte].

const SAME_ENTRIES = SAME_SIZE * 256;

export class AddressCache {
  private readonly near = new Array<number>(NEAR_SIZE).fill(0);
  private nextSlot = 0;
  private readonly same = new Array<number>(SAME_ENTRIES).fill(0);

  reset(): void {
    this.near.fill(0);
    this.nextSlot = 0;
    this.same.fill(0);
  }

  /** Decodes the address of a COPY at `here` (source length + target position); it must lie before `here`. */
  decode(mode: number, here: number, addresses: Section): number {
    let addr: number;
    if (mode === 0) addr = addresses.varint("COPY address");
    else if (mode === 1) addr = here - addresses.varint("COPY address");
    else if (mode < 2 + NEAR_SIZE) addr = (this.near[mode - 2] as number) + addresses.varint("COPY address");
    else addr = this.same[(mode - 2 - NEAR_SIZE) * 256 + addresses.byte()] as number;
    if (addr < 0 || addr >= here) corrupt(`VCDIFF COPY address ${addr} not before ${here}`, addresses.pos);
    // §5.3 "update": both caches learn every decoded address.
    this.near[this.nextSlot] = addr;
    this.nextSlot = (this.nextSlot + 1) % NEAR_SIZE;
    this.same[addr % SAME_ENTRIES] = addr;
    return addr;
  }
}
