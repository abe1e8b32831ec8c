/** Step messages per batch in the crash test's child (each step: one step row and six metric points). */
export const STEPS_PER_BATCH = 400;
