import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { formatDay } from '../../lib/format';

export interface TimeChartSeries {
  label: string;
  values: number[];
  color: string;
  kind: 'bars' | 'line';
  /// Which y axis: 'left' or 'right'.
  axis?: 'left' | 'right';
  format?: (v: number) => string;
  axisLabel?: string;
}

/// A time-series chart on uPlot, which loads only when a chart is first drawn.
export function TimeChart({
  x,
  series,
  height = 260,
  label,
}: {
  x: number[];
  series: TimeChartSeries[];
  height?: number;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let live = true;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')])
      .then(([{ default: UPlot }]) => {
        if (!live) return;
        const bars = UPlot.paths.bars!({ size: [0.6, 28], gap: 2 });
        const hasRight = series.some((s) => s.axis === 'right');
        const fmtLeft = series.find((s) => s.axis !== 'right')?.format;
        const fmtRight = series.find((s) => s.axis === 'right')?.format;
        const axis = (scale: string, side: 0 | 1 | 2 | 3, fmt?: (v: number) => string, label?: string): uPlot.Axis => ({
          scale,
          side,
          label,
          labelSize: 18,
          labelFont: '600 11px system-ui, sans-serif',
          stroke: '#6b7287',
          grid: { show: side === 3, stroke: '#eceff6', width: 1 },
          ticks: { show: false },
          font: '12px system-ui, sans-serif',
          size: fmt ? 72 : 48,
          values: (_u, vals) => vals.map((v) => (v == null ? '' : fmt ? fmt(v) : Number.isInteger(v) ? v.toLocaleString() : '')),
        });
        const opts: uPlot.Options = {
          width: Math.max(280, el.clientWidth),
          height,
          padding: [12, 8, 0, 0],
          legend: { show: false },
          cursor: { points: { size: 8 }, drag: { x: false, y: false } },
          scales: {
            x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
            left: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
            right: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
          },
          // Days are the data's unit: ticks on whole days, in UTC like the byDay dates.
          tzDate: (ts) => UPlot.tzDate(new Date(ts * 1e3), 'UTC'),
          axes: [
            {
              stroke: '#6b7287',
              grid: { show: false },
              ticks: { show: false },
              font: '12px system-ui, sans-serif',
              space: 64,
              incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400, 91 * 86_400],
              values: (_u, splits) => splits.map((v) => formatDay(new Date(v * 1000).toISOString().slice(0, 10))),
            },
            axis('left', 3, fmtLeft, series.find((s) => s.axis !== 'right')?.axisLabel),
            ...(hasRight ? [axis('right', 1, fmtRight, series.find((s) => s.axis === 'right')?.axisLabel)] : []),
          ],
          series: [
            {},
            ...series.map<uPlot.Series>((s) => ({
              label: s.label,
              scale: s.axis === 'right' ? 'right' : 'left',
              stroke: s.color,
              width: s.kind === 'line' ? 2.5 : 0,
              fill: s.kind === 'bars' ? s.color : `${s.color}1f`,
              paths: s.kind === 'bars' ? bars : undefined,
              points: { show: s.kind === 'line' && x.length < 3 },
              value: (_u, v) => (v == null ? '—' : s.format ? s.format(v) : v.toLocaleString()),
            })),
          ],
        };
        chart = new UPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
        observer = new ResizeObserver(() => chart?.setSize({ width: Math.max(280, el.clientWidth), height }));
        observer.observe(el);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [x, series, height]);
  if (failed) return <p className="muted">The chart could not be drawn.</p>;
  return <div ref={box} role="img" aria-label={label} style={{ minHeight: height }} />;
}
