// Runs async read-modify-write operations one at a time: two overlapping `advanceTo` calls on a device's single JS
// thread would otherwise both read the old state and the second write would undo the first.

function ignore(): void {}

/** A queue of async tasks, each started after the previous one settled. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.then(ignore, ignore);
    return result;
  }
}
