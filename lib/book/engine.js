// The book's Quarto engine (_quarto.yml: `engines:`). It claims every chapter with Python cells
// and, instead of running a kernel, hands the notebook lib/book/run.py executed for it
// (_notebooks/<chapter>.ipynb) to Quarto's own Jupyter converter, as Quarto's Jupyter engine does
// with a notebook it has just run: the page and the PDF come from one execution. The interface:
// quarto-cli's packages/quarto-types (execution-engine.ts).

let quarto;

function notebookFor(source, dir) {
  const chapter = source.slice(dir.length + 1); // e.g. chapters/conv.qmd
  const path = `${dir}/_notebooks/${chapter.replace(/\.qmd$/, ".ipynb")}`;
  try {
    return quarto.jupyter.fromJSON(Deno.readTextFileSync(path));
  } catch (e) {
    throw new Error(`${chapter}: no executed notebook at ${path} (${e.message}): the ` +
      `pre-render step executes it, or run  python -m lib.book.run ${chapter}`);
  }
}

// The print edition's two rules for a chapter's cells (tests/test_engine.py checks both):
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
        const open = line.match(/^:::+\s*\{(.*)\}/);
        if (!open) { fenced.pop(); continue; }
        const only = open[1].includes("content-visible") && open[1].match(/when-format="(\w+)"/);
        fenced.push(only ? only[1] : null);
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

export default {
  name: "book",
  init: (api) => { quarto = api; },
  defaultExt: ".qmd",
  defaultYaml: () => [],
  defaultContent: () => [],
  validExtensions: () => [],
  claimsFile: () => false,
  claimsLanguage: (language) => language.toLowerCase() === "python" ? 2 : false, // Jupyter's is 1
  canFreeze: false,
  generatesFigures: true,
  launch: (context) => ({
    name: "book",
    canFreeze: false,
    markdownForFile: (file) => Promise.resolve(quarto.mappedString.fromFile(file)),
    target: async (file, _quiet, markdown) => {
      markdown = markdown ?? await context.resolveFullMarkdownForFile(undefined, file);
      const metadata = quarto.markdownRegex.extractYaml(markdown.value);
      return { source: file, input: file, markdown, metadata };
    },
    partitionedMarkdown: (file) =>
      Promise.resolve(quarto.markdownRegex.partition(Deno.readTextFileSync(file))),
    execute: async (options) => {
      const { format, target } = options;
      const nb = notebookFor(target.source, context.dir);
      forFormat(nb, quarto.format.isLatexOutput(format.pandoc) ? "pdf"
        : quarto.format.isHtmlCompatible(format) ? "html" : null);
      const assets = quarto.jupyter.assets(target.source, format.pandoc.to);
      const result = await quarto.jupyter.toMarkdown(nb, {
        executeOptions: options,
        language: "python",
        assets,
        execute: format.execute,
        keepHidden: format.render["keep-hidden"],
        toHtml: quarto.format.isHtmlCompatible(format),
        toLatex: quarto.format.isLatexOutput(format.pandoc),
        toMarkdown: quarto.format.isMarkdownOutput(format),
        toIpynb: quarto.format.isIpynbOutput(format.pandoc),
        toPresentation: quarto.format.isPresentationOutput(format.pandoc),
        figFormat: format.execute["fig-format"],
        figDpi: format.execute["fig-dpi"],
        figPos: format.render["fig-pos"],
      });
      const preserve = result.htmlPreserve;
      return {
        engine: "book",
        markdown: result.cellOutputs.map((output) => output.markdown).join(""),
        supporting: [`${assets.base_dir}/${assets.supporting_dir}`],
        filters: [],
        pandoc: result.pandoc,
        preserve,
        postProcess: !!preserve && Object.keys(preserve).length > 0,
      };
    },
    dependencies: () => Promise.resolve({ includes: {} }),
    postprocess: (options) => {
      quarto.text.postProcessRestorePreservedHtml(options);
      return Promise.resolve();
    },
  }),
};
