// A hand-written SVG bar chart of the ratios: one bar per subject/baseline
// pair, on a log scale centred on 1x, green where nlkit is better.
import type { BenchReport } from './report.js';

const WIDTH = 960;
const LABEL_WIDTH = 380;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 70;
const BAR_HEIGHT = 14;
const LINE = 20;
const TOP = 70;

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function formatRatio(ratio: number): string {
  return ratio >= 100 ? `${ratio.toFixed(0)}x` : ratio >= 10 ? `${ratio.toFixed(1)}x` : `${ratio.toFixed(2)}x`;
}

interface Line {
  kind: 'heading' | 'bar' | 'text';
  text: string;
  ratio?: number;
}

function layout(report: BenchReport): Line[] {
  const lines: Line[] = [];
  for (const row of report.scenarios) {
    if (row.skipped !== undefined) {
      lines.push({ kind: 'heading', text: row.name }, { kind: 'text', text: `skipped: ${row.skipped}` });
      continue;
    }
    if (row.noRatios) continue;
    lines.push({ kind: 'heading', text: `${row.name} (${row.unit}, ${row.better} is better)${row.verified ? '' : ' — NOT VERIFIED'}` });
    const pairs = Object.entries(row.ratios);
    if (pairs.length === 0) lines.push({ kind: 'text', text: 'no ratio (a side is n/a or failed)' });
    for (const [pair, ratio] of pairs) lines.push({ kind: 'bar', text: pair.replace('/', ' / '), ratio });
  }
  return lines;
}

/** The chart as a standalone SVG document. */
export function renderRatioChart(report: BenchReport): string {
  const lines = layout(report);
  const ratios = lines.filter((l) => l.kind === 'bar').map((l) => l.ratio!);
  // Whole decades on both sides of 1x, at least 0.1x .. 10x.
  const low = Math.min(-1, Math.floor(Math.log10(Math.min(...ratios, 1))));
  const high = Math.max(1, Math.ceil(Math.log10(Math.max(...ratios, 1))));
  const x = (ratio: number) => {
    const clamped = Math.min(Math.max(Math.log10(ratio), low), high);
    return PLOT_LEFT + ((clamped - low) / (high - low)) * (PLOT_RIGHT - PLOT_LEFT);
  };
  const height = TOP + lines.length * LINE + 40;
  const m = report.machine;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">nlkit vs baselines: how many times better (log scale, &gt;1 = nlkit better)</text>`,
    `<text x="10" y="42" fill="#555">${escapeXml(`kernel ${m.kernel} · ${m.cpus} CPUs · node ${m.node} · iproute2 ${m.iproute2}${m.nft ? ` · nft ${m.nft}` : ''} · load ${m.loadAverage.join(' ')} · ${report.options.quick ? 'quick, ' : ''}${report.options.runs} runs · ${report.startedAt}`)}</text>`,
  ];
  const plotBottom = TOP + lines.length * LINE;
  for (let decade = low; decade <= high; decade++) {
    const gx = x(10 ** decade);
    out.push(`<line x1="${gx.toFixed(1)}" y1="${TOP - 8}" x2="${gx.toFixed(1)}" y2="${plotBottom}" stroke="${decade === 0 ? '#000' : '#ddd'}" stroke-width="${decade === 0 ? 1.5 : 1}"/>`);
    out.push(`<text x="${gx.toFixed(1)}" y="${TOP - 12}" text-anchor="middle" fill="#555">${formatRatio(10 ** decade)}</text>`);
  }
  lines.forEach((line, i) => {
    const y = TOP + i * LINE;
    if (line.kind === 'heading') {
      out.push(`<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(line.text)}</text>`);
    } else if (line.kind === 'text') {
      out.push(`<text x="30" y="${y + 14}" fill="#a00">${escapeXml(line.text)}</text>`);
    } else {
      const ratio = line.ratio!;
      const x1 = x(1);
      const x2 = x(ratio);
      const left = Math.min(x1, x2);
      const width = Math.max(Math.abs(x2 - x1), 1);
      const color = ratio >= 1 ? '#2e8b57' : '#c0392b';
      out.push(`<text x="30" y="${y + 14}">${escapeXml(line.text)}</text>`);
      out.push(`<rect x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"><title>${escapeXml(`${line.text}: ${formatRatio(ratio)}`)}</title></rect>`);
      const tx = ratio >= 1 ? x2 + 4 : x2 - 4;
      out.push(`<text x="${tx.toFixed(1)}" y="${y + 14}" text-anchor="${ratio >= 1 ? 'start' : 'end'}">${formatRatio(ratio)}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
