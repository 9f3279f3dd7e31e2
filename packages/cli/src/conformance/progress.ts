/** A one-line progress bar on a TTY stream; silent elsewhere (CI logs stay readable). */
export function progressBar(
  stream: NodeJS.WriteStream,
  label: string,
): { update(done: number, total: number): void; end(): void } {
  const tty = stream.isTTY === true;
  let last = -1;
  return {
    update(done, total) {
      if (!tty || total <= 0) return;
      const width = 30;
      const filled = Math.round((width * done) / total);
      if (filled === last && done !== total) return;
      last = filled;
      stream.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
    },
    end() {
      if (tty && last >= 0) stream.write("\n");
    },
  };
}
