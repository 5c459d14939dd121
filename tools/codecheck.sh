#!/bin/sh
# codecheck — project rules a compiler does not check (run by `make check`):
#  - no sprintf/vsprintf/strcpy/strcat/atoi/atol/atoll/gets (use snprintf, buf_*, str_copy, str_to_i64)
#  - no FCGX_FPrintF (no format checking; snprintf + FCGX_PutStr)
#  - SQL passed to db_query/db_query_row/db_exec is a string literal (values are bound)
#  - mysql_* text queries only inside lib/db.c
#  - templates never use uvar: and never alt:/name: on data without html_escape
#  - no floating point types in money code
srcdir=${top_srcdir:-$(dirname "$0")/..}
exec perl -e '
use strict; use warnings;
my $root = shift; my $bad = 0;
sub report { my ($f, $l, $m) = @_; print STDERR "$f:$l: $m\n"; $bad++; }
my @c = (glob("$root/lib/*.[ch]"), glob("$root/cgi-bin/*.c"), glob("$root/cli/*.[ch]"));
for my $f (@c) {
  open(my $fh, "<", $f) or die "$f: $!"; local $/; my $src = <$fh>; close $fh;
  (my $code = $src) =~ s{/\*.*?\*/}{ my $x = $&; $x =~ s/[^\n]/ /g; $x }gse;
  $code =~ s{//[^\n]*}{}g;
  my @lines = split /\n/, $code;
  for my $i (0..$#lines) {
    my $l = $lines[$i]; (my $nostr = $l) =~ s/"(?:[^"\\]|\\.)*"/""/g;
    report($f, $i+1, "banned function $1") if $nostr =~ /\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|atoll|gets)\s*\(/;
    report($f, $i+1, "FCGX_FPrintF has no format checking") if $nostr =~ /\bFCGX_FPrintF\b/;
    report($f, $i+1, "text SQL outside lib/db.c") if $nostr =~ /\bmysql_real_query\b|\bmysql_query\b/ && $f !~ m{/lib/db\.c$};
    report($f, $i+1, "MYSQL_OPT_RECONNECT drops prepared statements") if $nostr =~ /MYSQL_OPT_RECONNECT/ && $l !~ /&off/;
    report($f, $i+1, "floating point in money code") if $f =~ m{/lib/money\.[ch]$} && $nostr =~ /\b(float|double)\b/;
  }
  next if $f =~ m{/lib/db\.[ch]$};
  while ($code =~ /\bdb_(query_row|query|exec)\s*\(/g) {
    my ($fn, $pos) = ($1, pos($code)); my $depth = 1; my $arg = 0; my @args = ("");
    for (my $p = $pos; $p < length($code) && $depth > 0; $p++) {
      my $ch = substr($code, $p, 1);
      if ($ch eq q{"}) { my $q = $p; $p++; while ($p < length($code) && substr($code,$p,1) ne q{"}) { $p++ if substr($code,$p,1) eq "\\"; $p++; } $args[$arg] .= substr($code, $q, $p-$q+1); next; }
      if ($ch eq "(") { $depth++; } elsif ($ch eq ")") { $depth--; last if !$depth; }
      if ($ch eq "," && $depth == 1) { $arg++; $args[$arg] = ""; next; }
      $args[$arg] .= $ch;
    }
    my $want = $fn eq "exec" ? 1 : 2; my $sql = $args[$want] // ""; $sql =~ s/^\s+//;
    my $line = 1 + (substr($code, 0, $pos) =~ tr/\n//);
    report($f, $line, "SQL for db_$fn must be a string literal") unless $sql =~ /^"/;
  }
}
for my $t (glob("$root/templates/*.cs")) {
  open(my $fh, "<", $t) or die; my $n = 0;
  while (my $l = <$fh>) { $n++;
    report($t, $n, "uvar: prints raw data") if $l =~ /<\?cs\s+uvar:/;
    report($t, $n, "alt:/name: are not escaped in ClearSilver 0.10.5; use alt:html_escape(x)") if $l =~ /<\?cs\s+(alt|name):(?!html_escape\()/;
  }
}
if ($bad) { print STDERR "codecheck: $bad problem(s)\n"; exit 1; }
print "codecheck: ok\n";
' "$srcdir"
