// What a person would notice, measured in the page (tests/browser/test_what_people_see.py): tick labels of a
// chart on top of each other (any two, the same axis included), button labels cut short, each chart over
// time's periods as drawn (read from the figure's own data, which plotly keeps on the element), tables wider
// than their box (a column off to the side) and headings whose last line holds one character.
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
  // A table (glide-data-grid) draws its header on a canvas; the columns' total width is the width of its
  // scroller's content. Every column header lies within the table's visible box when that total fits in it.
  const tables = [];
  for (const grid of document.querySelectorAll("[data-testid=stMain] [data-testid=stDataFrame]")) {
    if (!grid.offsetParent) continue; // in a closed "numbers behind this chart" panel
    const scroller = grid.querySelector(".dvn-scroller");
    const columns = grid.querySelector(".dvn-stack > div");
    if (!scroller || !columns) continue;
    const wide = box(columns).width;
    if (wide > scroller.clientWidth + 1) {
      const names = [...grid.querySelectorAll("thead th")].map((h) => h.textContent).join(", ");
      tables.push(`columns ${Math.round(wide)} px wide in a ${scroller.clientWidth} px table (seen: ${names})`);
    }
  }
  // Each heading's lines, from the boxes of its characters (Range.getClientRects): a character starts a new
  // line when it sits below the previous one. The last line must hold more than one character.
  const lone = [];
  for (const heading of document.querySelectorAll("[data-testid=stMain] :is(h1, h2, h3)")) {
    if (!heading.offsetParent) continue;
    const lines = [];
    let previous = null;
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let at = 0; at < node.length; ) {
        const character = String.fromCodePoint(node.data.codePointAt(at));
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, (at += character.length));
        const rect = range.getClientRects()[0];
        if (!character.trim() || !rect || rect.width === 0) continue;
        if (!previous || rect.top >= previous.top + previous.height / 2) lines.push("");
        lines[lines.length - 1] += character;
        previous = rect;
      }
    }
    if (lines.length > 1 && [...lines.at(-1)].length < 2) {
      lone.push(`${heading.tagName} ${name(heading)}: last line ${JSON.stringify(lines.at(-1))}`);
    }
  }
  return { overlaps, truncated, series, tables, lone };
}
