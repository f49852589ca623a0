# SPDX-License-Identifier: GPL-3.0-or-later
# render.awk: expand the directives of the paper's Markdown sections from generated
# files, so that no number in the paper is typed by hand. Directives (one per line
# or inline):
#   {{table FILE [COL,COL,...] [WHERE]}}  a Markdown table of CSV FILE (chosen columns,
#                                         rows matching WHERE = col=value&col=value)
#   {{value FILE COL WHERE [FORMAT]}}     one cell: COL of the first row matching WHERE,
#                                         printed with printf FORMAT (default as is); in
#                                         WHERE a ~ stands for a space (model=rect~x^3)
#   {{field FILE KEY}}                    text after "KEY: " in a "key: value" file
#   {{verbatim FILE}}                     FILE in a code block
#   {{claims}}                            results/claims.csv as the claims table
#   {{figure LABEL}}                      a caption's number: "*Figure N.*"
#   {{figures LABEL LABEL ...}}           one caption for consecutive figures: "*Figures N–M.*"
#   {{ref LABEL}}                         "Figure N" (before or after the caption)
# Figures are numbered in the order of their caption directives over all the files
# given (every section, in one awk run), so no figure number is typed by hand.
# A missing file or column, an unknown or twice-defined label is an error (exit 1):
# the paper never shows a stale blank.
function die(msg) { print "paper: " msg > "/dev/stderr"; failed = 1; exit 1 }

# Number every caption label before any output: a scan of all input files in order.
BEGIN {
  for (i = 1; i < ARGC; i++) {
    f = ARGV[i]
    while ((getline line < f) > 0)
      while (match(line, /\{\{figures? [^}]*\}\}/)) {
        n = split(substr(line, RSTART + 2, RLENGTH - 4), w, " ")
        for (k = 2; k <= n; k++) {
          if (w[k] in fignum) die(f ": figure label " w[k] " defined twice")
          fignum[w[k]] = ++nfig
        }
        line = substr(line, RSTART + RLENGTH)
      }
    close(f)
  }
}

function fig(label) {
  if (!(label in fignum)) die("no caption {{figure " label "}} for a reference")
  return fignum[label]
}

function figrange(a, n,    first, last) {
  first = fig(a[2]); last = fig(a[n])
  return n == 2 ? first : first "–" last
}

function load(file,    line, n, k) {
  if (file in loaded) return
  loaded[file] = 1; nrows[file] = 0
  if ((getline line < file) <= 0) die("cannot read " file " (run make reproduce)")
  n = csv_split(line, hdr)
  ncols[file] = n
  for (k = 1; k <= n; k++) { head[file, k] = hdr[k]; col[file, hdr[k]] = k }
  while ((getline line < file) > 0) {
    nrows[file]++
    n = csv_split(line, row)
    for (k = 1; k <= n; k++) cell[file, nrows[file], k] = row[k]
  }
  close(file)
}

function colidx(file, name) {
  if (!((file, name) in col)) die(file ": no column " name)
  return col[file, name]
}

function isnum(s) { return s ~ /^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$/ }

# WHERE is col=value&col=value; numbers compare as numbers (0.25 = 0.2500), text as text
function matches(file, r, where,    conds, n, k, kv, v) {
  if (where == "") return 1
  n = split(where, conds, "&")
  for (k = 1; k <= n; k++) {
    split(conds[k], kv, "=")
    gsub(/~/, " ", kv[2])
    v = cell[file, r, colidx(file, kv[1])]
    if (isnum(v) && isnum(kv[2])) { if (v + 0 != kv[2] + 0) return 0 }
    else if (v != kv[2]) return 0
  }
  return 1
}

function table(file, cols, where,    names, n, k, r, out, idx) {
  load(file)
  if (cols == "" || cols == "-") { n = ncols[file]; for (k = 1; k <= n; k++) idx[k] = k }
  else { n = split(cols, names, ","); for (k = 1; k <= n; k++) idx[k] = colidx(file, names[k]) }
  out = "|"; for (k = 1; k <= n; k++) out = out " " head[file, idx[k]] " |"
  out = out "\n|"; for (k = 1; k <= n; k++) out = out " --- |"
  for (r = 1; r <= nrows[file]; r++) {
    if (!matches(file, r, where)) continue
    out = out "\n|"; for (k = 1; k <= n; k++) out = out " " cell[file, r, idx[k]] " |"
  }
  return out
}

function value(file, name, where, fmt,    r, v) {
  load(file)
  for (r = 1; r <= nrows[file]; r++)
    if (matches(file, r, where)) {
      v = cell[file, r, colidx(file, name)]
      return fmt == "" ? v : sprintf(fmt, v)
    }
  die(file ": no row where " where)
}

function field(file, key,    line, p) {
  while ((getline line < file) > 0)
    if (index(line, key ": ") == 1) { close(file); return substr(line, length(key) + 3) }
  close(file)
  die(file ": no field '" key "'")
}

function verbatim(file,    line, out) {
  out = "```"
  while ((getline line < file) > 0) out = out "\n" line
  close(file)
  if (out == "```") die("cannot read " file)
  return out "\n```"
}

function expand(d,    a, n) {
  n = split(d, a, " ")
  if (a[1] == "table") return table(a[2], a[3], a[4])
  if (a[1] == "value") return value(a[2], a[3], a[4], a[5])
  if (a[1] == "field") { sub(/^field [^ ]+ /, "", d); return field(a[2], d) }
  if (a[1] == "verbatim") return verbatim(a[2])
  if (a[1] == "figure" && n == 2) return "*Figure " fig(a[2]) ".*"
  if (a[1] == "figures" && n >= 3) return "*Figures " figrange(a, n) ".*"
  if (a[1] == "ref" && n == 2) return "Figure " fig(a[2])
  if (a[1] == "claims") return table("results/claims.csv", "experiment,claim_id,description,paper_value,measured_value,tolerance,verdict", "")
  die("unknown directive {{" d "}}")
}

FNR == 1 && NR > 1 { print "" } # a blank line between sections

END { if (!failed && NR) print "" }

{
  line = $0; out = ""
  while (match(line, /\{\{[^}]*\}\}/)) {
    out = out substr(line, 1, RSTART - 1) expand(substr(line, RSTART + 2, RLENGTH - 4))
    line = substr(line, RSTART + RLENGTH)
  }
  print out line
}
