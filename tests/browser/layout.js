// What a person would see as broken at a given window size, measured in the page; returns a list of problems.
// Only the main area is looked at: on a phone Streamlit slides the sidebar off-screen until it is opened.
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const main = document.querySelector("[data-testid=stMain]");
  const box = (e) => e.getBoundingClientRect();
  const name = (e) => JSON.stringify((e.textContent || "").trim().slice(0, 40));

  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) problems.push(`page scrolls sideways (${pageWidth} > ${width})`);
  if (main.scrollWidth > main.clientWidth + 1) {
    problems.push(`main area scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
  }

  for (const chart of main.querySelectorAll("[data-testid=stPlotlyChart]")) {
    const c = box(chart);
    const title = chart.getAttribute("aria-label");
    if (c.left < -1 || c.right > width + 1) {
      problems.push(`chart ${title} outside the window (${c.left}–${c.right} of ${width})`);
    }
    const labels = ".gtitle, .xtitle, .ytitle, .xtick text, .ytick text, .legendtext, .cbtitle text";
    const texts = [...chart.querySelectorAll(labels)].filter((t) => box(t).width > 0);
    for (const t of texts) {
      const r = box(t);
      if (r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1) {
        problems.push(`chart ${title}: ${name(t)} cut off`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const [a, b] = [texts[i], texts[j]];
        // Neighbouring tick labels of one axis are laid out by plotly itself (and rotated boxes overlap).
        if (a.closest(".xtick, .ytick") && a.parentNode.parentNode === b.parentNode.parentNode) continue;
        const [p, q] = [box(a), box(b)];
        const dx = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (dx > 2 && dy > 2) problems.push(`chart ${title}: ${name(a)} overlaps ${name(b)}`);
      }
    }
  }

  const texts = [
    "[data-testid=stMetricLabel] p",
    "[data-testid=stMetricValue]",
    "[data-testid=stMetricValue] div", // the value's own box, which ends in "…" when cut
    "[data-testid=stWidgetLabel] p",
    "[data-testid=stCaptionContainer]",
    "h1",
    "h2",
    "h3",
  ];
  for (const e of main.querySelectorAll(texts.join(", "))) {
    if (e.scrollWidth > e.clientWidth + 1) {
      problems.push(`text cut off: ${name(e)} (${e.scrollWidth} > ${e.clientWidth})`);
    }
  }
  return problems;
}
