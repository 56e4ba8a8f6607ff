--[[ Where the exercises' solutions go (_quarto.yml: filters, at pre-ast, before Quarto reads
the divs). A chapter writes each solution right after its exercise, in the book's convention:

    ::: {#exr-spiking-tau}            ::: {.solution}
    *Predict, then check.* ...        prose and code cells
    :::                               :::

HTML (one chapter at a time): the solution becomes a <details> element under its exercise,
closed, titled "Solution to Exercise N.k": the browser's own disclosure, so it opens with a
click or the keyboard (Enter, Space), from disk as over HTTP, with no script. (Quarto's
collapsed callout is a <div> that Bootstrap's script toggles on a click: Tab never reaches it.)
N is the chapter's number as Quarto's book numbers it (metadata book.render), k the exercise's
place among the chapter's exercises, as Quarto counts them; tests/test_site.py checks that each
title names the number Quarto printed on its exercise.

PDF (Quarto merges the chapters and runs this once, over the whole book): each solution leaves
its chapter for an appendix "Solutions" after the last chapter, one entry per exercise under its
chapter's title, "Solution N.k" with a link back to the exercise ("Exercise N.k, page p"); the
exercise ends with a link to it ("Solution on page p"). The numbers are LaTeX's own \ref of the
exercise, so they are the exercise's; each link leads to a named anchor where the other's text
begins, and its page is that anchor's. Nothing executes here: the cells and their outputs are
the ones the chapter's run left in its notebook, moved. (A figure in a solution would be numbered
in the appendix there, Figure A.n; the site test that matches the PDF's figures with the pages'
would say so.)

Other formats: left as written. A solution that does not follow an exercise stops the render. ]]

local SUFFIX = "-solution"  -- the solution's id: its exercise's id, and this
local START = "-start"  -- in the PDF, where the exercise's text begins: its id, and this

local function is_exercise(block)
  return block and block.t == "Div" and block.identifier:match("^exr%-") ~= nil
end

local function is_solution(block)
  return block.t == "Div" and block.classes:includes("solution")
end

local function fail(message)
  error("assets/solutions.lua: " .. message, 0)
end

-- Calls visit(block, list, i) on every block of the list and of the divs inside it, in reading
-- order; visit returns the blocks that replace it (or nil to keep it).
local function rewrite(blocks, visit)
  local out = pandoc.Blocks({})
  for i, block in ipairs(blocks) do
    if block.t == "Div" and not is_solution(block) then
      block.content = rewrite(block.content, visit)
    end
    local replaced = visit(block, blocks, i)
    if replaced == nil then out:insert(block) else out:extend(replaced) end
  end
  return out
end

-- The exercise a solution solves: the block right before it.
local function exercise_of(blocks, i)
  if not is_exercise(blocks[i - 1]) then
    local text = pandoc.utils.stringify(blocks[i]):sub(1, 60)
    fail("a ::: {.solution} div must follow its ::: {#exr-...} exercise div directly: \"" .. text .. "...\"")
  end
  return blocks[i - 1].identifier
end

local function escape_html(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- This chapter's number in the book (book.render: Quarto's own numbering), or nil.
local function chapter_number(meta)
  local input = quarto and quarto.doc and quarto.doc.input_file or PANDOC_STATE.input_files[1]
  if not input or not meta.book or not meta.book.render then return nil end
  input = input:gsub("\\", "/")
  local best, number = -1, nil
  for _, item in ipairs(meta.book.render) do
    local file = item.file and pandoc.utils.stringify(item.file)
    if file and (input == file or input:sub(-#file - 1) == "/" .. file) and #file > best then
      best, number = #file, item.number and pandoc.utils.stringify(item.number)
    end
  end
  return number
end

local function html(doc)
  local order, count = {}, 0
  rewrite(doc.blocks, function(block)
    if is_exercise(block) then count = count + 1; order[block.identifier] = count end
  end)
  local chapter = chapter_number(doc.meta)
  doc.blocks = rewrite(doc.blocks, function(block, blocks, i)
    if not is_solution(block) then return nil end
    local id = exercise_of(blocks, i)
    local number = (chapter and chapter .. "." or "") .. order[id]
    local out = pandoc.Blocks({pandoc.RawBlock("html", string.format(
      '<details class="solution" id="%s%s">\n<summary>Solution to Exercise %s</summary>\n'
        .. '<div class="solution-body">', escape_html(id), SUFFIX, number))})
    out:extend(block.content)
    out:insert(pandoc.RawBlock("html", "</div>\n</details>"))
    return out
  end)
  return doc
end

-- LaTeX: a named anchor and a label where a text begins (the page \pageref gives, the place a
-- link leads), and a link to one. An exercise's own label, Quarto's, sits before the
-- environment's first paragraph, on the page before when that paragraph moves to the next.
local function anchor(name)
  return string.format("\\hypertarget{%s}{}\\label{%s}", name, name)
end

local function link(name, text)
  return string.format("\\hyperlink{%s}{\\emph{%s}}", name, text)
end

local function latex(doc)
  local raw = function(text) return pandoc.RawInline("latex", text) end
  local chapters, current = {}, nil  -- the chapters with solutions: {title, id, solutions}
  doc.blocks = rewrite(doc.blocks, function(block, blocks, i)
    if block.t == "Header" and block.level == 1 then
      current = {title = block.content, id = block.identifier, solutions = {}}
    elseif is_exercise(block) and is_solution(blocks[i + 1] or {t = ""}) then
      local id, first, last = block.identifier, block.content[1], block.content[#block.content]
      -- where its text begins, after the environment's head ("Exercise 4.1."): the target of
      -- the solution's link back
      local here = raw("\\leavevmode" .. anchor(id .. START))
      if first and first.t == "Para" then first.content:insert(1, here)
      else block.content:insert(1, pandoc.Para({here})) end
      -- at its end, a link to the solution, flush right on the last line, or on a line of its
      -- own when that one is full (The TeXbook's \signed, chapter 14)
      local there = raw("{\\unskip\\nobreak\\hfil\\penalty50\\hskip2em\\hbox{}\\nobreak\\hfil"
        .. link(id .. SUFFIX, "Solution on page~\\pageref*{" .. id .. SUFFIX .. "}")
        .. "\\parfillskip=0pt\\finalhyphendemerits=0\\par}")
      if last.t == "Para" then last.content:insert(there) else block.content:insert(pandoc.Para({there})) end
    elseif is_solution(block) then
      local id = exercise_of(blocks, i)
      if current == nil then fail(id .. ": a solution before the first chapter's title") end
      if #current.solutions == 0 then table.insert(chapters, current) end
      table.insert(current.solutions, {id = id, content = block.content})
      return {}
    end
  end)
  if #chapters == 0 then return doc end
  local appendix = pandoc.Blocks({
    pandoc.RawBlock("latex", "\\appendix"),
    pandoc.Header(1, "Solutions", pandoc.Attr("sec-solutions")),
    pandoc.Para(pandoc.Inlines(
      "The worked solutions to the exercises that end each chapter, numbered as the exercises "
      .. "are. Each solution's code ran with its chapter, and every assertion in it held; in "
      .. "the web version each solution sits under its exercise, closed.")),
  })
  for _, chapter in ipairs(chapters) do
    local title = pandoc.Inlines({})
    if chapter.id ~= "" then title:extend({raw("Chapter~\\ref*{" .. chapter.id .. "}: ")}) end
    title:extend(chapter.title)
    appendix:insert(pandoc.Header(2, title, pandoc.Attr("", {"unnumbered", "unlisted"})))
    for _, solution in ipairs(chapter.solutions) do
      local id = solution.id  -- "Solution 4.1", and on the right the link back to the exercise
      appendix:insert(pandoc.RawBlock("latex", string.format(
        "\\subsubsection*{%sSolution \\ref*{%s}\\hfill{\\normalfont %s}}", anchor(id .. SUFFIX), id,
        link(id .. START, "Exercise~\\ref*{" .. id .. "}, page~\\pageref*{" .. id .. START .. "}"))))
      appendix:extend(solution.content)
    end
  end
  doc.blocks:extend(appendix)
  return doc
end

return {{
  Pandoc = function(doc)
    if FORMAT:match("html") then return html(doc) end
    if FORMAT:match("latex") or FORMAT == "pdf" then return latex(doc) end
    return doc
  end,
}}
