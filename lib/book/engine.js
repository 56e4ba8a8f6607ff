// The book's Quarto engine (_quarto.yml: `engines:`). It claims every chapter with Python cells
// and, instead of running a kernel, hands the notebook lib/book/run.py executed for it
// (_notebooks/<chapter>.ipynb) to Quarto's own Jupyter converter, as Quarto's Jupyter engine does
// with a notebook it has just run: the page and the PDF come from one execution. The interface:
// quarto-cli's packages/quarto-types (execution-engine.ts).

import { forFormat } from "../../assets/formats.js";  // what each format shows of the cells

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
