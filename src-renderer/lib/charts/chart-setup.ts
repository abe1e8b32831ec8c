// chart.js is tree-shaken: only the pieces the app draws are registered, once.
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  Interaction,
} from 'chart.js';
import { backgroundPlugin } from './chart-options.js';
import { eachNearestX, hoverReadoutPlugin } from './nearest-x.js';
import { stageBandsPlugin } from './stage-bands.js';

let registered = false;

export function registerCharts(): void {
  if (registered) return;
  Chart.register(
    LineController,
    ScatterController,
    LineElement,
    PointElement,
    LinearScale,
    LogarithmicScale,
    Filler,
    Tooltip,
    Title,
    Legend,
    stageBandsPlugin,
    backgroundPlugin,
    hoverReadoutPlugin,
  );
  Interaction.modes.eachNearestX = eachNearestX;
  registered = true;
}

export { Chart };
