// What jsdom lacks that the components use. jsdom lays nothing out, so a ResizeObserver there has nothing
// to report: this one observes and never calls back (in a browser the heatmaps and the runs table's
// pinned columns follow their boxes' sizes through the real one).
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
