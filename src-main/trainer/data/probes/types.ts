// A downstream probe: labelled texts split into train and test. The eval code embeds the texts with the
// frozen model, fits a linear probe on train and reports test accuracy next to the baselines.

export interface LabelledText {
  text: string;
  /** Index into `classes`. */
  label: number;
  /** The document the text came from (a speech id, a row number): splits never cut through one. */
  group: string;
}

export interface ProbeDataset {
  /** Short tag used in metric names: "era", "sentiment", "party", or the user's name. */
  name: string;
  classes: string[];
  train: LabelledText[];
  test: LabelledText[];
}

export function labelsOf(examples: readonly LabelledText[]): Int32Array {
  return Int32Array.from(examples, (e) => e.label);
}
