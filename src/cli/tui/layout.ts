// Where things go on a terminal of a given size: pure arithmetic, so 80×24 is checked in tests.
// One line is left unused at the bottom: a frame as tall as the terminal makes Ink clear the
// whole screen on every update.

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly leftWidth: number;
  readonly rightWidth: number;
  /** Rows between the banner line and the input line. */
  readonly bodyRows: number;
  /** Roster rows including its title; the conversation list gets the rest of the left column. */
  readonly rosterRows: number;
}

export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 16;

export function layoutFor(columns: number, rows: number): Layout {
  const width = Math.max(MIN_WIDTH, columns || 80);
  const height = Math.max(MIN_HEIGHT, (rows || 24) - 1);
  const leftWidth = Math.min(40, Math.max(26, Math.floor(width * 0.45)));
  const bodyRows = height - 4; // header, banner, input, status
  return {
    width,
    height,
    leftWidth,
    rightWidth: width - leftWidth - 1,
    bodyRows,
    rosterRows: Math.ceil(bodyRows * 0.6),
  };
}
