// Small interop over apexcharts 4.7.0 (MIT). The library is a UMD bundle: it is loaded once per page by a
// script tag and shared by every chart on it.
let loading;

function loadApexCharts(src) {
  if (window.ApexCharts) return Promise.resolve(window.ApexCharts);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve(window.ApexCharts);
    script.onerror = () => { loading = undefined; reject(new Error("apexcharts could not be loaded from " + src)); };
    document.head.appendChild(script);
  });
  return loading;
}

const charts = new Map();

function themed(options, dark) {
  const theme = { mode: dark ? "dark" : "light" };
  const chart = { background: "transparent", fontFamily: "Roboto, Helvetica, Arial, sans-serif", ...(options.chart ?? {}) };
  return { ...options, chart, theme: { ...(options.theme ?? {}), ...theme } };
}

export async function render(element, id, options, dark, src) {
  const ApexCharts = await loadApexCharts(src);
  destroy(id);
  const chart = new ApexCharts(element, themed(options, dark));
  charts.set(id, chart);
  await chart.render();
}

export async function update(id, options, dark) {
  const chart = charts.get(id);
  if (!chart) return false;
  await chart.updateOptions(themed(options, dark), true, true);
  return true;
}

export function destroy(id) {
  const chart = charts.get(id);
  if (chart) {
    chart.destroy();
    charts.delete(id);
  }
}
