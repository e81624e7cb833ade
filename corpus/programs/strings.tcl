# Tcl workload for the trace corpus: list and dict building, string maps and a sort.
# Usage: tclsh strings.tcl COUNT
set n [lindex $argv 0]
set seed 4242
proc rnd {} { global seed; set seed [expr {($seed * 1103515245 + 12345) % 2147483648}]; return $seed }
set words {}
for {set i 0} {$i < $n} {incr i} { lappend words [format "w%x" [expr {[rnd] % 5000}]] }
set counts [dict create]
foreach w $words { dict incr counts $w }
set upper [string map {w W a A b B c C} [join $words " "]]
set sorted [lsort -dictionary [dict keys $counts]]
puts "[llength $words] words, [dict size $counts] distinct, [string length $upper] chars, first [lindex $sorted 0]"
