#!/usr/bin/perl
# check_truth.pl TRUTH.json RESULT.json - compares 'sipcode stats --format json'
# with the generator's ground truth: every counter the truth names, and the
# requests, responses, responses_by_method and retransmissions maps both ways
# (a key on one side only is a difference too). Prints each difference and
# exits 1 when there is one; prints one summary line otherwise.
use strict;
use warnings;
use JSON::PP;

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or die "check_truth: $path: $!\n";
    local $/;
    return decode_json(<$fh>);
}

my ($truth, $got) = map { slurp($_) } @ARGV[0, 1];
my @diff;

# Compares two flat maps key -> count; a missing key counts as 0.
sub maps {
    my ($what, $want, $have) = @_;
    $want ||= {};
    $have ||= {};
    my %keys = map { $_ => 1 } keys %$want, keys %$have;
    for my $k (sort keys %keys) {
        my ($w, $h) = ($want->{$k} // 0, $have->{$k} // 0);
        push @diff, "$what $k: truth $w, sipcode $h" if $w != $h;
    }
}

for my $c (sort keys %{ $truth->{counters} }) {
    my $h = $got->{counters}{$c};
    push @diff, "counter $c: truth $truth->{counters}{$c}, sipcode " . ($h // 'absent')
      if !defined $h || $h != $truth->{counters}{$c};
}
maps('requests', $truth->{requests}, $got->{requests});
maps('responses', $truth->{responses}, $got->{responses});
my %methods = map { $_ => 1 } keys %{ $truth->{responses_by_method} },
  keys %{ $got->{responses_by_method} || {} };
maps("responses_by_method $_", $truth->{responses_by_method}{$_}, $got->{responses_by_method}{$_})
  for sort keys %methods;
maps('retransmissions requests', $truth->{retransmissions}{requests},
    $got->{retransmissions}{requests});
maps('retransmissions responses', $truth->{retransmissions}{responses},
    $got->{retransmissions}{responses});

if (@diff) {
    print "ground truth: DIFFERENT ($ARGV[1])\n";
    print "  $_\n" for @diff;
    exit 1;
}
my $c = $truth->{counters};
printf "ground truth: sipcode equal on all %d counters and %d responses in %d codes"
  . " (%d requests, %d retransmissions)\n",
  scalar(keys %$c), $c->{responses}, scalar(keys %{ $truth->{responses} }), $c->{requests},
  $c->{retransmissions};
exit 0;
