import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
  dash?: number[];
}

/** Points only where there is something (a lone day of runs would otherwise be invisible). */
function daysWithValues(plot: uPlot, seriesIndex: number): number[] {
  const values = plot.data[seriesIndex] as Array<number | null | undefined>;
  return values.flatMap((value, index) => (value !== null && value !== undefined && value > 0 ? [index] : []));
}

/** A uPlot line chart of daily values; `days` are YYYY-MM-DD (UTC). Sized to its container. */
export function DailyChart({
  title,
  days,
  series,
  unit,
}: {
  title: string;
  days: string[];
  series: Series[];
  unit: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data: uPlot.AlignedData = [
    days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
    ...series.map((s) => s.values),
  ];

  useEffect(() => {
    const element = container.current;
    if (!element) {
      return;
    }
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // Counts and durations start at zero; a lone day still shows as a point.
      scales: { x: { time: true }, y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{}, { label: unit, size: 60 }],
      series: [
        { label: 'day' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          spanGaps: false,
          points: { show: true, size: 5, stroke: s.color, fill: s.color, filter: daysWithValues },
        })),
      ],
      legend: { live: false },
    };
    plot.current = new uPlot(options, data, element);
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(280, element.clientWidth), height: 220 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series.length]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [JSON.stringify(data)]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`${title}: chart; the same figures are in the table below`} />
    </figure>
  );
}
