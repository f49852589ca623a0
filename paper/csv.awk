# SPDX-License-Identifier: GPL-3.0-or-later
# csv.awk: split one CSV line into f[1..n] (RFC 4180 quoting, no embedded newlines);
# returns n. Portable awk (mawk, gawk, busybox), used by paper/render.awk and tests.
function csv_split(line, f,    n, i, c, field, inq) {
  n = 0; field = ""; inq = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (inq) {
      if (c == "\"") {
        if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
        else inq = 0
      } else field = field c
    } else if (c == "\"") inq = 1
    else if (c == ",") { f[++n] = field; field = "" }
    else field = field c
  }
  f[++n] = field
  return n
}
