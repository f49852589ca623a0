# SPDX-License-Identifier: GPL-3.0-or-later
# claims_check.awk: every row of a claims.csv has 7 fields, the experiment's name
# (variable experiment) and a valid verdict; at least one row. Needs paper/csv.awk.
NR > 1 {
  n = csv_split($0, f)
  if (n != 7 || f[1] != experiment || (f[7] != "reproduced" && f[7] != "not reproduced" && f[7] != "beyond paper")) {
    print "bad row " NR ": " $0; bad = 1
  }
  rows++
}
END { if (!rows) { print "no claims rows"; bad = 1 } exit bad }
