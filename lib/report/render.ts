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

const defaultFontDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/fonts');

/** Font files for resvg: $MTLC_FONT_DIR (bundled deployments) or the repository's assets/fonts. */
export function chartFontFiles(fontDir = process.env.MTLC_FONT_DIR ?? defaultFontDir): string[] {
  const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(fontDir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new ComputationError(`chart font not found: ${missing.join(', ')} (set MTLC_FONT_DIR to the folder holding DejaVuSans.ttf)`);
  }
  return files;
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

/** Rasterises an SVG at 2× with only the shipped font (no system fonts), so output is the same everywhere. */
export function svgToPng(svg: string, fontFiles: string[] = chartFontFiles()): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  });
  return new Uint8Array(resvg.render().asPng());
}
