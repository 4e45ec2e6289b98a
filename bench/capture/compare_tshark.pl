#!/usr/bin/perl
# compare_tshark.pl TRUTH.json TSHARK.txt - sets the output of
# 'tshark -q -z sip,stat' beside the generator's ground truth and explains
# every difference by what the truth knows of the traffic (the codes tshark
# has no name for, the frames cut by snaplen, the messages sent over TCP).
# Prints a table; exits 0 (the differences are tshark's, not a failure).
use strict;
use warnings;
use JSON::PP;

my ($truth_path, $tshark_path) = @ARGV;
my $truth = do {
    open my $fh, '<', $truth_path or die "compare_tshark: $truth_path: $!\n";
    local $/;
    decode_json(<$fh>);
};
my (%code, %label, %method, $messages, $resent);
open my $fh, '<', $tshark_path or die "compare_tshark: $tshark_path: $!\n";
my $section = '';
while (<$fh>) {
    $messages = $1 if /^Number of SIP messages: (\d+)/;
    $resent = $1 if /^Number of resent SIP messages: (\d+)/;
    $section = 'codes' if /^\* SIP Status Codes/;
    $section = 'methods' if /^\* List of SIP Request methods/;
    $section = '' if /^\* Average setup time/;
    if ($section eq 'codes' && /^\s+SIP (\d+) (.*?)\s*:\s*(\d+) Packets/) {
        $code{$1} += $3;
        $label{$1} = $2;
    } elsif ($section eq 'methods' && /^\s+(\S+)\s*:\s*(\d+) Packets/) {
        $method{$1} += $2;
    }
}
close $fh;
die "compare_tshark: no SIP statistics in $tshark_path\n" unless defined $messages;

my $ex = $truth->{explain};
my $tr = $truth->{responses};
my $c = $truth->{counters};

# tshark folds each code it has no name for into "x99 <Class> - Others".
my %bucket;    # x99 -> [codes folded into it]
for my $k (keys %$tr) {
    my $known = exists $label{$k} && $label{$k} !~ /- Others$/;
    push @{ $bucket{ int($k / 100) * 100 + 99 } }, $k unless $known;
}

printf "tshark: %d SIP messages, %d resent; truth: %d SIP messages (%d requests + %d responses), %d retransmissions\n",
  $messages, $resent // 0, $c->{sip_messages}, $c->{requests}, $c->{responses}, $c->{retransmissions};
print "\nresponses by code (truth = sipcode; only rows where tshark differs are explained)\n";
printf "%-5s %9s %9s %9s  %s\n", 'code', 'truth', 'tshark', 'diff', 'why';
my %rows = map { $_ => 1 } keys %$tr, keys %code;
my ($explained, $unexplained) = (0, 0);
for my $k (sort { $a <=> $b } keys %rows) {
    my $t = $tr->{$k} // 0;
    my $s = $code{$k} // 0;
    my $folded = $bucket{$k} ? join(' ', sort { $a <=> $b } @{ $bucket{$k} }) : '';
    # what tshark should show for this row once its folding is undone
    my $expect = 0;
    my $unknown = !(exists $label{$k} && $label{$k} !~ /- Others$/);
    if ($folded) {
        $expect += $tr->{$_} // 0 for @{ $bucket{$k} };
    } elsif (!$unknown) {
        $expect = $t;
    }
    my @why;
    if ($folded) {
        push @why, "tshark's row \"$k " . ($label{$k} // '?') . "\" sums the codes it has no name for: $folded";
    } elsif ($unknown && $t) {
        push @why, "no row in tshark: counted under " . (int($k / 100) * 100 + 99) . ' Others';
    }
    my $rest = $s - $expect;
    if ($rest && ($folded || !$unknown)) {
        my $tcp = 0;
        $tcp += $ex->{tcp_responses}{$_} // 0 for ($folded ? @{ $bucket{$k} } : ($k));
        push @why, sprintf('%+d: TCP reassembly (%d of them sent over TCP)', $rest, $tcp);
    }
    next if $s == $t && !@why;
    printf "%-5s %9d %9d %+9d  %s\n", $k, $t, $s, $s - $t, join('; ', @why);
}
for my $k (sort { $a <=> $b } keys %{ $ex->{bad_codes} }) {
    printf "%-5s %9d %9d %+9d  sent, but outside 100..699: counted as malformed by sipcode, not shown by tshark\n",
      $k, $ex->{bad_codes}{$k}, $code{$k} // 0, ($code{$k} // 0) - $ex->{bad_codes}{$k};
}

print "\nrequests by method\n";
printf "%-10s %9s %9s %9s  %s\n", 'method', 'truth', 'tshark', 'diff', 'why';
my %mrows = map { $_ => 1 } keys %{ $truth->{requests} }, keys %method;
for my $m (sort keys %mrows) {
    my $t = $truth->{requests}{$m} // 0;
    my $s = $method{$m} // 0;
    next if $s == $t;
    my @why;
    if (!$t) {
        push @why, 'no such method was sent: a TCP segment read from the middle of a message';
    } else {
        my $cut = $ex->{cut_requests}{$m} // 0;
        my $tcp = $ex->{tcp_requests}{$m} // 0;
        push @why, "$cut more were cut by snaplen: neither counts them (sipcode: truncated)" if $cut;
        push @why, "TCP reassembly ($tcp sent over TCP)" if $tcp;
    }
    printf "%-10s %9d %9d %+9d  %s\n", $m, $t, $s, $s - $t, join('; ', @why);
}
printf "\nretransmissions: truth %d (requests %d, responses %d); tshark 'resent' %d\n",
  $c->{retransmissions}, $c->{request_retransmissions}, $c->{response_retransmissions},
  $resent // 0;
exit 0;
