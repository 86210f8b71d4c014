// Bar charts drawn as SVG, for the Charts screen: one row per bar, its label
// on the left, its value written at its end, the longest bar the largest
// value. Nothing is said by colour alone, and every chart comes with a table
// of the same numbers (ChartTable), so it reads the same to a screen reader,
// to a person who would rather read than look, and at any text size. Sizes
// are the viewBox's (the chart scales with the content's width, which
// follows the text size); colours are the stylesheet's (BarChart.css): the
// CSP allows no inline styles.
import "./BarChart.css";

export interface Bar {
  /** What the bar is: "Jan 2026", "Home visit". */
  label: string;
  value: number;
}

/** How a value is written on its bar and in the tables: "12", "1.5". */
export type Format = (value: number) => string;

const plain: Format = (value) => String(value);

/** The drawing's measures, in the viewBox's units (about a pixel each at the usual text size). */
export const CHART = {
  width: 600,
  row: 30,
  bar: 20,
  /** Space above the first row and under the last. */
  pad: 4,
  /** Between a label and the axis, and between a bar and its value. */
  gap: 8,
  /** About the width of one character of a label or a value, generously (fonts differ). */
  char: 9,
  /** The widest the labels' column gets; longer labels are cut short with "…" (the table has them whole). */
  maxLabel: 270,
  minLabel: 48,
} as const;

/** The longest a label is written in the chart, in characters. */
const LABEL_CHARS = Math.floor((CHART.maxLabel - CHART.gap) / CHART.char);

/** A label as the chart writes it: cut short with "…" when the column cannot hold it. */
export function chartLabel(label: string): string {
  return label.length <= LABEL_CHARS ? label : `${label.slice(0, LABEL_CHARS - 1).trimEnd()}…`;
}

/** Where each bar goes: the labels' column, the room for bars, and each bar's length. */
export function layout(bars: readonly Bar[], format: Format = plain) {
  const longestLabel = Math.max(0, ...bars.map((b) => chartLabel(b.label).length));
  const longestValue = Math.max(1, ...bars.map((b) => format(b.value).length));
  const labels = Math.min(CHART.maxLabel, Math.max(CHART.minLabel, longestLabel * CHART.char + CHART.gap));
  const room = CHART.width - labels - CHART.gap - longestValue * CHART.char - CHART.gap;
  const largest = Math.max(0, ...bars.map((b) => b.value));
  // The largest value fills the room; a value above nothing shows at least a sliver.
  const length = (value: number): number => (largest <= 0 || value <= 0 ? 0 : Math.max(2, (value / largest) * room));
  return {
    labels,
    room,
    height: bars.length * CHART.row + 2 * CHART.pad,
    lengths: bars.map((b) => length(b.value)),
  };
}

/** How many bars the name of a chart lists one by one; more are summed up. */
const NAMED_BARS = 13;

/**
 * The chart in words, as its accessible name: each bar and its value, or,
 * for many bars, where they start and end and which is highest.
 */
export function chartSummary(title: string, bars: readonly Bar[], format: Format = plain): string {
  if (bars.length === 0) return `${title}: nothing to show.`;
  if (bars.length <= NAMED_BARS) return `${title}, a bar chart: ${bars.map((b) => `${b.label} ${format(b.value)}`).join(", ")}.`;
  const first = bars[0] as Bar;
  const last = bars[bars.length - 1] as Bar;
  const highest = bars.reduce((top, b) => (b.value > top.value ? b : top), first);
  return (
    `${title}, a bar chart of ${bars.length} bars, from ${first.label} (${format(first.value)}) to ${last.label} (${format(last.value)}); ` +
    `the highest is ${format(highest.value)}, for ${highest.label}. The table has every figure.`
  );
}

interface BarChartProps {
  id: string;
  /** What the chart shows: the first words of its accessible name. */
  title: string;
  bars: readonly Bar[];
  format?: Format;
}

/** One bar chart: a picture to screen readers (role img), named by what it shows (chartSummary). */
export function BarChart({ id, title, bars, format = plain }: BarChartProps) {
  const { labels, height, lengths } = layout(bars, format);
  return (
    <svg
      id={id}
      class="bar-chart"
      role="img"
      aria-label={chartSummary(title, bars, format)}
      focusable="false"
      width={CHART.width}
      height={height}
      viewBox={`0 0 ${CHART.width} ${height}`}
    >
      {bars.map((bar, i) => {
        const top = CHART.pad + i * CHART.row;
        const middle = top + CHART.row / 2;
        const length = lengths[i] ?? 0;
        return (
          <g key={`${i}-${bar.label}`} class="bar-chart-row">
            <text class="bar-chart-label" x={labels - CHART.gap} y={middle} text-anchor="end" dominant-baseline="central">
              {chartLabel(bar.label)}
            </text>
            {length > 0 ? <rect class="bar-chart-bar" x={labels} y={top + (CHART.row - CHART.bar) / 2} width={length} height={CHART.bar} /> : null}
            <text class="bar-chart-value" x={labels + length + CHART.gap} y={middle} dominant-baseline="central">
              {format(bar.value)}
            </text>
          </g>
        );
      })}
      <line class="bar-chart-axis" x1={labels} y1={0} x2={labels} y2={height} />
    </svg>
  );
}

export interface Column {
  /** The column's heading: "Contacts". */
  name: string;
  values: readonly number[];
  format?: Format;
  /** The figure for "In all" when it is not the sum of the rows (hours rounded month by month, say). */
  total?: number;
}

interface ChartTableProps {
  id: string;
  caption: string;
  /** The first column's heading: what each row is ("Month"). */
  rowHeader: string;
  rows: readonly string[];
  columns: readonly Column[];
}

/** A chart's numbers as a table: a row for each bar, a column for each chart, and a last row "In all". */
export function ChartTable({ id, caption, rowHeader, rows, columns }: ChartTableProps) {
  return (
    <table id={id} class="chart-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{rowHeader}</th>
          {columns.map((c) => (
            <th key={c.name} scope="col" class="chart-number">
              {c.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={`${i}-${row}`}>
            <th scope="row">{row}</th>
            {columns.map((c) => (
              <td key={c.name} class="chart-number">
                {(c.format ?? plain)(c.values[i] ?? 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">In all</th>
          {columns.map((c) => (
            <td key={c.name} class="chart-number">
              {(c.format ?? plain)(c.total ?? c.values.reduce((sum, v) => sum + v, 0))}
            </td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}

export interface Series extends Column {
  /** The chart's own name, when a figure holds more than one ("Contacts each month"). */
  title: string;
}

interface ChartFigureProps {
  id: string;
  /** The figure's caption, a heading too. */
  caption: string;
  rowHeader: string;
  /** Each bar's label in the charts… */
  labels: readonly string[];
  /** …and in the table, when it says more there ("January 2026" for "Jan 2026"). */
  tableLabels?: readonly string[];
  /** One chart each; a figure of more than one heads each with its column's name. */
  series: readonly Series[];
  /** The one line shown instead when there is nothing to count. */
  empty: string;
}

/** Whether a figure has nothing to draw: no bars, or every one of them nothing. */
export function nothingToDraw(labels: readonly string[], series: readonly Column[]): boolean {
  return labels.length === 0 || series.every((s) => s.values.every((v) => v === 0));
}

/**
 * A chart (or a few side by side) in a figure with its caption, and its
 * table under it, behind "Show as a table"; or one plain line when there is
 * nothing to count.
 */
export function ChartFigure({ id, caption, rowHeader, labels, tableLabels = labels, series, empty }: ChartFigureProps) {
  const blank = nothingToDraw(labels, series);
  const several = series.length > 1;
  return (
    <figure id={id} class="card chart-figure">
      <figcaption>
        <h2 id={`${id}-caption`}>{caption}</h2>
      </figcaption>
      {blank ? (
        <p id={`${id}-empty`} class="empty-line">
          {empty}
        </p>
      ) : (
        <>
          <div class="chart-parts">
            {series.map((s, n) => {
              const bars = labels.map((label, i) => ({ label, value: s.values[i] ?? 0 }));
              return (
                <div key={s.name} class="chart-part">
                  {several ? <h3 class="chart-part-title">{s.name}</h3> : null}
                  <BarChart id={`${id}-chart-${n}`} title={s.title} bars={bars} format={s.format ?? plain} />
                </div>
              );
            })}
          </div>
          <details class="chart-details" id={`${id}-details`}>
            <summary>Show as a table</summary>
            <ChartTable id={`${id}-table`} caption={caption} rowHeader={rowHeader} rows={tableLabels} columns={series} />
          </details>
        </>
      )}
    </figure>
  );
}
