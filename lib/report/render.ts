// Turns a vega-lite spec into SVG (vega, headless, no DOM) and PNG (resvg with the shipped font only).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { ComputationError } from '../errors.ts';

/** The font every chart names; shipped in assets/fonts so PNGs render the same where no system font exists (Lambda). */
export const CHART_FONT = 'DejaVu Sans';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where the font is looked for: $MTLC_FONT_DIR, the repository's assets/fonts, or assets/fonts beside a bundled handler. */
const fontDirCandidates = () => [process.env.MTLC_FONT_DIR, path.resolve(here, '../../assets/fonts'), path.resolve(here, 'assets/fonts')].filter((d): d is string => !!d);

/** Font files for resvg (DejaVu Sans regular and bold) from the first candidate folder that holds them. */
export function chartFontFiles(fontDir?: string): string[] {
  const names = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
  const dirs = fontDir ? [fontDir] : fontDirCandidates();
  const dir = dirs.find((d) => names.every((f) => existsSync(path.join(d, f))));
  if (!dir) {
    throw new ComputationError(`chart font not found: no ${names.join(' and ')} in ${dirs.join(', ')} (set MTLC_FONT_DIR to the folder holding them)`);
  }
  return names.map((f) => path.join(dir, f));
}

/** Shared look of every chart: the shipped font with browser fallbacks, readable sizes. */
export const chartConfig = {
  font: `${CHART_FONT}, Helvetica, Arial, sans-serif`,
  background: 'white',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const, offset: 10 },
};

/** Compiles a vega-lite spec and renders it to an SVG string without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile({ config: chartConfig, ...spec } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG at 2× with only the given fonts (no system fonts), so output is the same everywhere. */
export function rasterise(svg: string, fontFiles: string[] = chartFontFiles()) {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  });
  return resvg.render();
}

/** The chart as a PNG (2× scale, shipped font). */
export function svgToPng(svg: string, fontFiles: string[] = chartFontFiles()): Uint8Array {
  return new Uint8Array(rasterise(svg, fontFiles).asPng());
}
