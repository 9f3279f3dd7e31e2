/**
 * What the matcher decides and the encoder writes: a sequence of steps, each a copy-with-difference of `copyLen`
 * bytes from the old image at `oldPos` (new[i] = old[oldPos + i] + diff[i]) followed by `insertLen` new bytes.
 * Steps cover the new image in order, without gaps.
 */
export class Plan {
  count = 0;
  copyLen: Int32Array;
  insertLen: Int32Array;
  oldPos: Int32Array;

  constructor(capacity = 1024) {
    this.copyLen = new Int32Array(capacity);
    this.insertLen = new Int32Array(capacity);
    this.oldPos = new Int32Array(capacity);
  }

  push(copyLen: number, insertLen: number, oldPos: number): void {
    if (copyLen === 0 && insertLen === 0) return;
    if (this.count === this.copyLen.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.copyLen = grow(this.copyLen);
      this.insertLen = grow(this.insertLen);
      this.oldPos = grow(this.oldPos);
    }
    const i = this.count++;
    this.copyLen[i] = copyLen;
    this.insertLen[i] = insertLen;
    this.oldPos[i] = copyLen === 0 ? 0 : oldPos;
  }
}
