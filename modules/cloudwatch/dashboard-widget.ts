/** A CloudWatch dashboard metric widget before it is placed (dashboard body structure, "metric" widgets). */
export interface DashboardWidget {
  readonly type: "metric";
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: false;
    readonly period: number;
    /** `[namespace, metricName, dimensionName, dimensionValue, ..., { stat }]` per line. */
    readonly metrics: readonly (readonly unknown[])[];
  };
}

const WIDTH = 12;
const HEIGHT = 6;

/** A time-series widget of `metrics` over 5-minute periods. */
export function metricWidget(region: string, title: string, metrics: readonly (readonly unknown[])[]): DashboardWidget {
  return { type: "metric", properties: { title, region, view: "timeSeries", stacked: false, period: 300, metrics } };
}

/** The dashboard body: the widgets in order, two per row of the 24-column grid. */
export function dashboardBody(widgets: readonly DashboardWidget[]): string {
  return JSON.stringify({
    widgets: widgets.map((widget, index) => ({
      type: widget.type,
      x: (index % 2) * WIDTH,
      y: Math.floor(index / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: widget.properties,
    })),
  });
}
