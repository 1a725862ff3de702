// What a person would notice, measured in the page (tests/browser/test_what_people_see.py): tick labels of a
// chart on top of each other (any two, the same axis included), button labels cut short, and each chart over
// time's periods as drawn (read from the figure's own data, which plotly keeps on the element).
() => {
  const box = (e) => e.getBoundingClientRect();
  const name = (e) => JSON.stringify((e.textContent || "").trim().slice(0, 40));
  const overlaps = [];
  for (const chart of document.querySelectorAll("[data-testid=stPlotlyChart]")) {
    const title = chart.getAttribute("aria-label");
    const ticks = [...chart.querySelectorAll("g[class$=tick] > text")].filter((t) => box(t).width > 0);
    for (let i = 0; i < ticks.length; i++) {
      for (let j = i + 1; j < ticks.length; j++) {
        const [p, q] = [box(ticks[i]), box(ticks[j])];
        const dx = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (dx > 1 && dy > 1) overlaps.push(`${title}: ${name(ticks[i])} overlaps ${name(ticks[j])}`);
      }
    }
  }
  const truncated = [];
  for (const button of document.querySelectorAll("button")) {
    if (!button.offsetParent) continue; // not shown (a folded sidebar, a closed menu)
    // The elements holding the label's text; material icons are one glyph drawn from a ligature name
    // ("filter_alt_off"), not text a person reads.
    const ownText = (e) => [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const parts = [button, ...button.querySelectorAll("*")].filter(
      (e) => ownText(e) && !e.closest("[data-testid=stIconMaterial]"),
    );
    for (const e of parts) {
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) {
        truncated.push(`${name(button)} (${e.scrollWidth} > ${e.clientWidth})`);
        break;
      }
    }
  }
  const series = [];
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    if (!plot.layout || !plot.layout.meta || !plot.layout.meta.periods) continue;
    const title = plot.closest("[data-testid=stPlotlyChart]").getAttribute("aria-label");
    // plotly's own decoded copy of each trace (the figure's JSON may hold numbers as base64 typed arrays)
    for (const trace of plot._fullData) {
      series.push({ chart: title, trace: trace.name || "", x: Array.from(trace.x, String), y: Array.from(trace.y) });
    }
  }
  return { overlaps, truncated, series };
}
