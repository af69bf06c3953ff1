// The report module's public surface.
export { buildReport, type BuildOptions } from './build.ts';
export { writeReport, generateReport, reportKeys } from './write.ts';
export { loadReportInput, datasetFromDocument, environmentFromCost, type LoadOptions } from './load.ts';
export { renderSvg, svgToPng, chartFontFiles, CHART_FONT } from './render.ts';
export type { Report, ReportInput, ReportDataset, ReportEnvironment, ReportPlot, ReportCsv } from './types.ts';
