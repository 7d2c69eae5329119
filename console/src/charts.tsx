import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
  dash?: number[];
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
      scales: { x: { time: true } },
      axes: [{}, { label: unit, size: 60 }],
      series: [
        { label: 'day' },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, spanGaps: false })),
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
