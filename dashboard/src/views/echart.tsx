// One ECharts chart in a div, set from an option object and disposed with the component: the
// small charts (slice, contour) share it; the parallel coordinates manage their own (brushing).
import { useEffect, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([HeatmapChart, LineChart, ScatterChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export function EChart({ option, height = 300, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(el.current!, null, { renderer: 'canvas' });
    chart.setOption({ animation: false, ...option });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={el} style={{ width: '100%', height: `${height}px` }} data-testid={testId} />;
}
