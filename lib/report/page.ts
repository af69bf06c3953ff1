// The HTML page around the sections: one self-contained file (inline CSS and SVG, no scripts, no external resources).
import { esc } from './html.ts';

const CSS = `
:root { --ink: #1d2430; --muted: #5b6473; --line: #dde1e7; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; background: white; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header .sub { color: var(--muted); margin: 0 0 12px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 8px 0; margin-bottom: 16px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 8px; }
a { color: var(--accent); }
.warning { border: 2px solid #c0392b; background: #fdf0ee; border-radius: 6px; padding: 8px 18px 12px; margin: 12px 0 20px; }
.warning h2 { color: #a5281b; border: none; margin: 8px 0 4px; }
.warning h3 { font-size: 15px; margin: 12px 0 4px; }
.warning ul { margin: 4px 0; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.glance { background: #eef4fb; border-left: 4px solid var(--accent); padding: 10px 10px 10px 32px; margin: 12px 0; }
.not-run { color: var(--muted); background: #f3f4f6; border: 1px dashed #c5cad3; border-radius: 6px; padding: 10px 14px; }
figure.chart { margin: 16px 0 24px; padding: 12px; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
figure.chart .chart-title { font-weight: bold; margin-bottom: 6px; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
.caption { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
dl.methods dt { font-weight: bold; margin-top: 10px; }
dl.methods dd { margin: 2px 0 0 0; }
.verdict { padding: 1px 6px; border-radius: 3px; font-size: 12px; }
.verdict.positive { background: #d9f0d3; color: #1b5e20; }
.verdict.negative { background: #fbd5e8; color: #8e0b55; }
.verdict.none { background: #eee; color: #555; }
.verdict.undecided { background: white; color: #777; border: 1px dashed #bbb; }
.interval-note { font-size: 13px; background: #fff8e1; border-left: 3px solid #e0a800; padding: 6px 10px; margin: 8px 0; }
pre { background: #f6f8fa; padding: 12px; overflow-x: auto; font-size: 12px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 0 16px; }
.chart-grid figure.chart { margin: 8px 0; }
.cols { display: flex; gap: 40px; flex-wrap: wrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { body { background: white; } nav { display: none; } figure.chart { break-inside: avoid; } }
`;

export interface PagePart {
  id: string;
  title: string;
  html: string;
}

export function page(opts: { title: string; subtitle: string; warnings: string; glance: string; sections: readonly PagePart[]; footer: string }): string {
  const nav = opts.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = opts.sections.map((s) => `<section id="${esc(s.id)}">\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(opts.title)}</h1><p class="sub">${esc(opts.subtitle)}</p></header>
<nav>${nav}</nav>
${opts.warnings}
${opts.glance}
${body}
<footer>${esc(opts.footer)}</footer>
</main>
</body>
</html>
`;
}
