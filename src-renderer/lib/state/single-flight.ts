// Zoom re-fetches: run the fetch at once when none is running, and while one runs, remember only that
// another is wanted. A wheel gesture then costs at most one fetch in flight plus one for its final range,
// paced by how fast the server answers rather than by a fixed debounce.
export class SingleFlight {
  private running = false;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.task();
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
