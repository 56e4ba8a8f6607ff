// What each format shows of a chapter's cells, applied by the book's Quarto engine
// (lib/book/engine.js) to each executed notebook before Quarto converts it: like the theme and
// the solutions' filter, it decides how the book looks, and executes nothing. The print
// edition's two rules (tests/test_engine.py checks both):
// 1. A cell in `::: {.content-visible when-format="html"}` (an explorable's data) or "pdf" (the
//    figure that stands in for it in print) is not given to the other format: Quarto would drop
//    it from the page, but still write its figure files.
// 2. A cell the web page folds (`#| code-fold: true`) prints its output without its code: the
//    PDF has no toggle. Every other cell shows as it is.
export function forFormat(notebook, format) {
  if (format !== "html" && format !== "pdf") return notebook;
  const fenced = [];  // the open ::: divs: the format each is for, or null
  notebook.cells = notebook.cells.filter((cell) => {
    const lines = [].concat(cell.source).join("").split(/(?<=\n)/);
    if (cell.cell_type === "markdown") {
      for (const line of lines.filter((l) => /^:::/.test(l))) {
        const open = line.trimEnd().match(/^:::+\s*(\S.*)$/);  // `::: {...}` or `::: callout-note` opens; `:::` closes
        if (!open) { fenced.pop(); continue; }
        const only = open[1].includes("content-visible") && open[1].match(/when-format="(\w+)"/);
        fenced.push(only ? (only[1] === "latex" ? "pdf" : only[1]) : null);
      }
      return true;
    }
    if (cell.cell_type !== "code") return true;
    if (fenced.some((f) => f && f !== format)) return false;  // rule 1
    const options = lines.slice(0, [...lines, ""].findIndex((l) => !l.startsWith("#|")));
    if (format === "pdf" && options.some((l) => /^#\|\s*code-fold:\s*true\s*$/.test(l))) {  // rule 2
      const kept = options.filter((l) => !/^#\|\s*echo:/.test(l));
      cell.source = ["#| echo: false\n", ...kept, ...lines.slice(options.length)];
    }
    return true;
  });
  return notebook;
}
