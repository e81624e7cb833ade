# awk workload for the trace corpus: word frequencies and line statistics of a text,
# then the 20 most frequent words. Usage: mawk -f wordfreq.awk TEXT
{
  chars += length($0)
  for (i = 1; i <= NF; i++) { w = tolower($i); gsub(/[^a-z]/, "", w); if (w != "") count[w]++ }
}
END {
  n = 0
  for (w in count) { n++; words[n] = w }
  # insertion sort of the distinct words by count (awk has no sort of its own)
  for (i = 2; i <= n; i++) {
    w = words[i]; j = i - 1
    while (j > 0 && count[words[j]] < count[w]) { words[j + 1] = words[j]; j-- }
    words[j + 1] = w
  }
  printf "%d lines, %d chars, %d distinct words\n", NR, chars, n
  for (i = 1; i <= 20 && i <= n; i++) printf "%s %d\n", words[i], count[words[i]]
}
