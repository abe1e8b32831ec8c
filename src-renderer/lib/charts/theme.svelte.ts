// Light and dark follow the OS (prefers-color-scheme). The CSS switches by media query on its own; charts
// paint on a canvas and need the colours as values, so they read them from here and repaint on a change.

export interface Palette {
  dark: boolean;
  background: string;
  text: string;
  muted: string;
  grid: string;
  bandFills: [string, string];
  /** One colour per run or series, in order; chosen to stay apart for common colour blindness. */
  series: string[];
  /** The faint raw line behind a smoothed one. */
  rawAlpha: number;
}

const SERIES_LIGHT = ['#2563eb', '#d9480f', '#0f8a5f', '#9c36b5', '#c2255c', '#1098ad', '#a0760a', '#495057'];
const SERIES_DARK = ['#6ea8fe', '#ff922b', '#38d9a9', '#da77f2', '#f783ac', '#3bc9db', '#fcc419', '#ced4da'];

export function paletteFor(dark: boolean): Palette {
  return dark
    ? {
        dark,
        background: '#16181d',
        text: '#d8dbe2',
        muted: '#8b919e',
        grid: 'rgba(255,255,255,0.08)',
        bandFills: ['rgba(110,168,254,0.10)', 'rgba(255,146,43,0.09)'],
        series: SERIES_DARK,
        rawAlpha: 0.28,
      }
    : {
        dark,
        background: '#ffffff',
        text: '#1f2329',
        muted: '#69707d',
        grid: 'rgba(0,0,0,0.07)',
        bandFills: ['rgba(37,99,235,0.07)', 'rgba(217,72,15,0.06)'],
        series: SERIES_LIGHT,
        rawAlpha: 0.22,
      };
}

/** `#2563eb` + alpha -> `rgba(37,99,235,alpha)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

export class Theme {
  dark = $state(false);

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.dark = query.matches;
    query.addEventListener('change', (event) => (this.dark = event.matches));
  }

  palette = $derived(paletteFor(this.dark));
}

/** One per window: every chart repaints from the same watcher. */
export const theme = new Theme();
