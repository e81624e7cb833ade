# Perl workload for the trace corpus: regular expressions over a text (numbers,
# capitalised words, repeated syllables), a hash of word lengths, and sprintf.
# Usage: perl textstats.pl TEXT
use strict;
use warnings;
my (%len, %caps, $numbers, $sum);
open(my $in, "<", $ARGV[0]) or die "$ARGV[0]: $!";
while (my $line = <$in>) {
  while ($line =~ /(\d+)/g) { $numbers++; $sum += $1; }
  $caps{$1}++ while $line =~ /\b([A-Z][a-z]+)/g;
  for my $w (split /[^a-z]+/i, $line) { $len{length $w}++ if length $w; }
  $line =~ s/(\w\w)\1/<$1>/g;
}
my @top = (sort { $caps{$b} <=> $caps{$a} || $a cmp $b } keys %caps)[0 .. 9];
printf "%d numbers summing to %d; top capitalised: %s\n", $numbers, $sum, join(",", @top);
printf "length %d: %d\n", $_, $len{$_} for sort { $a <=> $b } keys %len;
